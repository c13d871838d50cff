"""The module's version (MetaData MODVersion, CHANGELOG.md's first release) in whmcs_facts,
whmcs_module_files (before → after) and verify's module-version check, read with real php from
copies of the fixture module edited as a release would be."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_version_checks import (
    check_module_version,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_introspection import (
    read_module_version,
)
from fixtures.ansible_runner import run_module
from fixtures.repo import FIXTURE_MODULE

_META_OPEN = "'DisplayName' => 'SmarterMail (Email Hosting)',"


def release(folder: Path, meta_version: str | None, changelog: str | None) -> Path:
    """A copy of the fixture module under ``folder``/modules/servers/smartermail with that version."""
    module = folder / "modules" / "servers" / "smartermail"
    shutil.copytree(FIXTURE_MODULE, module)
    if meta_version is not None:
        source = (module / "smartermail.php").read_text()
        assert _META_OPEN in source
        (module / "smartermail.php").write_text(
            source.replace(_META_OPEN, _META_OPEN + f"\n        'MODVersion' => '{meta_version}',")
        )
    if changelog is not None:
        (module / "CHANGELOG.md").write_text(changelog)
    return module


def test_version_from_metadata_and_changelog(tmp_path: Path) -> None:
    module = release(
        tmp_path,
        "1.2.0",
        "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-05-01\n- package\n\n## 1.1.0\n",
    )
    found = read_module_version("php", str(module))
    assert found == {
        "version": "1.2.0",
        "meta_version": "1.2.0",
        "changelog_version": "1.2.0",
        "mismatch": None,
        "error": None,
    }


def test_no_version_anywhere_is_null(tmp_path: Path) -> None:
    found = read_module_version("php", str(release(tmp_path, None, None)))
    assert found["version"] is None and found["error"] is None and found["mismatch"] is None


def test_module_files_reports_before_and_after(tmp_path: Path) -> None:
    root = tmp_path / "whmcs"
    (root / "modules" / "servers").mkdir(parents=True)
    old = release(tmp_path / "old", "1.1.0", "## 1.1.0\n").parents[2]
    new = release(tmp_path / "new", "1.2.0", "Version 1.2.0\n").parents[2]
    args = {"whmcs_root": str(root), "owner": "root", "group": "root"}

    first = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_module_files",
        {**args, "src": str(old)},
        register="files",
        name="Install 1.1.0",
    )
    assert first.results["module_version"]["before"] is None, first.output
    assert first.results["module_version"]["after"]["version"] == "1.1.0"

    predicted = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_module_files",
        {**args, "src": str(new)},
        register="files",
        name="Predict 1.2.0",
        extra_args=["--check"],
    )
    assert predicted.results["changed"] is True
    assert predicted.results["module_version"] == {
        "before": first.results["module_version"]["after"],
        "after": None,
    }

    upgrade = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_module_files",
        {**args, "src": str(new)},
        register="files",
        name="Upgrade to 1.2.0",
    )
    versions = upgrade.results["module_version"]
    assert (versions["before"]["version"], versions["after"]["version"]) == ("1.1.0", "1.2.0"), upgrade.output
    assert versions["after"]["changelog_version"] == "1.2.0"

    again = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_module_files",
        {**args, "src": str(new)},
        register="files",
        name="Again",
    )
    assert again.results["changed"] is False
    assert again.results["module_version"]["before"] == again.results["module_version"]["after"]
    assert again.results["module_version"]["after"]["version"] == "1.2.0"


def test_whmcs_facts_returns_the_installed_version(tmp_path: Path) -> None:
    root = tmp_path / "whmcs"
    release(root, "1.2.0", "## 1.2.0\n")
    done = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_facts",
        {"whmcs_root": str(root)},
        register="facts",
        name="Facts",
    )
    assert done.results["smartermail_module_version"]["version"] == "1.2.0", done.output
    assert (
        done.results["ansible_facts"]["whmcs_facts"]["smartermail_module_version"]["meta_version"] == "1.2.0"
    )


def _verify(root: Path) -> tuple[str, str, dict]:
    context = TargetContext("whmcs", {"whmcs_root": str(root)})
    try:
        outcome = check_module_version(context)
    except CheckFailed as failed:
        outcome = failed.outcome
    return outcome.status, outcome.summary, dict(outcome.details)


def test_verify_reports_the_version(tmp_path: Path) -> None:
    release(tmp_path, "1.2.0", "## [1.2.0] - 2026-05-01\n")
    status, summary, details = _verify(tmp_path)
    assert status == "pass"
    assert summary == "module 1.2.0 (MetaData MODVersion 1.2.0, CHANGELOG.md release 1.2.0)"
    assert details["module_version"] == "1.2.0" and details["changelog_version"] == "1.2.0"


@pytest.mark.parametrize(
    ("meta", "changelog", "words"),
    [
        (
            "1.2.0",
            "## 1.1.0\n",
            "the module's MetaData says version 1.2.0 but its CHANGELOG.md's latest release is 1.1.0",
        ),
    ],
)
def test_verify_warns(tmp_path: Path, meta: str | None, changelog: str | None, words: str) -> None:
    release(tmp_path, meta, changelog)
    status, summary, _details = _verify(tmp_path)
    assert status == "warn"
    assert words in summary


def test_verify_passes_a_module_that_says_no_version(tmp_path: Path) -> None:
    release(tmp_path, None, None)
    status, summary, details = _verify(tmp_path)
    assert (status, details["module_version"]) == ("pass", None)
    assert summary == (
        "module none (MetaData MODVersion none, CHANGELOG.md release none): the installed module says no "
        "version (no MODVersion in MetaData, no CHANGELOG.md)"
    )


def test_verify_warns_when_metadata_breaks(tmp_path: Path) -> None:
    module = release(tmp_path, "1.2.0", None)
    source = (module / "smartermail.php").read_text()
    (module / "smartermail.php").write_text(
        source.replace(
            "function smartermail_MetaData()\n{",
            "function smartermail_MetaData()\n{\n    throw new RuntimeException('broken');",
            1,
        )
    )
    status, summary, _details = _verify(tmp_path)
    assert status == "warn"
    assert (
        "MetaData could not be read: php could not read smartermail_MetaData()" in summary
        and "broken" in summary
    )


def test_verify_fails_without_the_module(tmp_path: Path) -> None:
    status, summary, _details = _verify(tmp_path)
    assert status == "fail" and "is not installed" in summary
