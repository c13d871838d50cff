"""Pure parts of the WHMCS DB helpers: version parsing, and a clear error when PyMySQL is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsVersion,
    parse_whmcs_version,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.4.0-release.1", (8, 4, 0, "release", 1)),
        ("8.13.0-release.1", (8, 13, 0, "release", 1)),
        ("8.10.0-rc.2", (8, 10, 0, "rc", 2)),
        ("8.7.2", (8, 7, 2, "release", 1)),
        (" 9.0.0-beta.1 ", (9, 0, 0, "beta", 1)),
    ],
)
def test_parse_whmcs_version(text: str, expected: tuple) -> None:
    version = parse_whmcs_version(text)
    assert tuple(version) == expected
    assert isinstance(version, WhmcsVersion)


def test_versions_compare_in_release_order() -> None:
    ordered = [
        "8.4.0-release.1",
        "8.10.0-alpha.1",
        "8.10.0-beta.2",
        "8.10.0-rc.1",
        "8.10.0-release.1",
        "8.13.0",
    ]
    parsed = [parse_whmcs_version(text) for text in ordered]
    assert parsed == sorted(parsed)
    assert parse_whmcs_version("8.13.0-release.1") >= (8, 7)
    assert str(parse_whmcs_version("8.13.0")) == "8.13.0-release.1"


@pytest.mark.parametrize("text", ["", "eight", "8", "8.x.0", "8.4.0-release.one"])
def test_parse_whmcs_version_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="not a WHMCS version"):
        parse_whmcs_version(text)


def test_module_imports_without_pymysql_and_explains() -> None:
    probe = (
        "import sys\n"
        "sys.modules['pymysql'] = None\n"
        "from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs import database as whmcs_db\n"
        "from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import WhmcsConfig\n"
        "assert whmcs_db.HAS_PYMYSQL is False and whmcs_db.PYMYSQL_IMPORT_ERROR\n"
        "try:\n    whmcs_db.connect(WhmcsConfig(path='/x/configuration.php'))\n"
        "except whmcs_db.WhmcsDbError as error:\n    print(error.kind, error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("driver the Python library PyMySQL is needed")
