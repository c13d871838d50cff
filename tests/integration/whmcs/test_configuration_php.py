"""configuration.php read through the real php CLI, compared with the fallback parser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
    read_whmcs_config,
)

pytestmark = pytest.mark.skipif(shutil.which("php") is None, reason="php CLI is not installed")

BASE = """<?php
$license = 'WHMCS-1a2b3c';
$db_host = 'localhost';
$db_port = '';
$db_username = 'whmcs';
$db_password = 'pw';
$db_name = 'whmcs_db';
$cc_encryption_hash = 'H4shH4shH4shH4shH4shH4shH4shH4shH4shH4shH4shH4shH4shH4shH4shH4sh';
$templates_compiledir = 'templates_c';
$mysql_charset = 'utf8';
"""

# (description, replacement for the $db_password line, expected password)
AWKWARD_PASSWORDS = [
    ("escaped single quotes", r"$db_password = 'it\'s a \\ \"test\"';", 'it\'s a \\ \\"test\\"'),
    (
        "double quotes with escapes",
        r'$db_password = "q\"uote \$x \\ \t\x41\101\u{263A}";',
        'q"uote $x \\ \tAA\u263a',
    ),
    ("block comment around a decoy", "/* $db_password = 'decoy'; */ $db_password = 'real';", "real"),
    (
        "line comments",
        "// $db_password = 'decoy1';\n# $db_password = 'decoy2';\n$db_password = 'real2'; // 'x",
        "real2",
    ),
    (
        "close tag in a line comment",
        "$db_password = 'p1'; // note ?>\nhtml\n<?php\n$db_password = 'p2';",
        "p2",
    ),
    ("utf-8 text", "$db_password = 'pässwörd 🔑';", "pässwörd 🔑"),
    ("dollar in single quotes", "$db_password = 'a$b{$c}';", "a$b{$c}"),
]


def write(directory: Path, text: str) -> Path:
    path = directory / "configuration.php"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("description", "line", "expected"), AWKWARD_PASSWORDS, ids=[c[0] for c in AWKWARD_PASSWORDS]
)
def test_php_and_parser_agree_on_awkward_files(
    tmp_path: Path, description: str, line: str, expected: str
) -> None:
    path = write(
        tmp_path, BASE.replace("$db_password = 'pw';", line) + "$display_errors = false;\n$n = 3307;\n"
    )
    through_php = read_whmcs_config(path)
    through_parser = read_whmcs_config(path, prefer_php=False)
    assert through_php.source == "php"
    assert through_parser.source == "parser"
    assert through_php.db_password == expected
    assert through_parser.db_password == expected
    assert through_php.extra == through_parser.extra == {"display_errors": False, "n": 3307}
    for name in (
        "db_host",
        "db_port",
        "db_username",
        "db_name",
        "cc_encryption_hash",
        "license",
        "mysql_charset",
    ):
        assert getattr(through_php, name) == getattr(through_parser, name)


def test_getenv_works_through_php_and_is_explained_by_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMW_TEST_DB_PASSWORD", "from-the-environment")
    path = write(
        tmp_path, BASE.replace("$db_password = 'pw';", "$db_password = getenv('SMW_TEST_DB_PASSWORD');")
    )
    assert read_whmcs_config(path).db_password == "from-the-environment"
    with pytest.raises(WhmcsConfigError) as caught:
        read_whmcs_config(path, prefer_php=False)
    assert str(caught.value) == (
        f"{path} line 6: $db_password is set by getenv(), which only php can evaluate; "
        "install php-cli or set it literally"
    )


def test_concatenation_and_constants_work_through_php(tmp_path: Path) -> None:
    text = BASE.replace(
        "$db_name = 'whmcs_db';", "define('PREFIX', 'wh');\n$db_name = PREFIX . 'mcs_' . (40 + 2);"
    )
    config = read_whmcs_config(write(tmp_path, text))
    assert config.db_name == "whmcs_42"


def test_missing_variable_through_php(tmp_path: Path) -> None:
    path = write(tmp_path, BASE.replace("$db_name = 'whmcs_db';\n", ""))
    with pytest.raises(WhmcsConfigError, match=r"\$db_name is not set"):
        read_whmcs_config(path)


def test_php_syntax_error_reports_the_line_without_secrets(tmp_path: Path) -> None:
    text = BASE.replace("$db_password = 'pw';", "$db_password = 'SecretPart1' 'SecretPart2';")
    path = write(tmp_path, text)
    with pytest.raises(WhmcsConfigError) as caught:
        read_whmcs_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path} line 6: php reports a syntax error")
    assert "SecretPart1" not in message
    assert "SecretPart2" not in message


def test_php_runtime_error_reports_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "$x = no_such_function_smw();\n")
    with pytest.raises(
        WhmcsConfigError,
        match=r"line 11: php reports an error \(Error\): Call to undefined function no_such_function_smw\(\)",
    ):
        read_whmcs_config(path)


def test_exit_in_configuration_php_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "exit(3);\n")
    with pytest.raises(WhmcsConfigError, match="exit or die"):
        read_whmcs_config(path)


def test_output_from_the_file_does_not_disturb_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff\n" + BASE + "echo 'noise'; ?>\ntrailing html\n")
    config = read_whmcs_config(path)
    assert config.db_name == "whmcs_db"


def test_path_with_quotes_and_spaces_is_passed_safely(tmp_path: Path) -> None:
    directory = tmp_path / 'it\'s a "dir"; $(touch pwned)'
    directory.mkdir()
    config = read_whmcs_config(write(directory, BASE))
    assert config.db_username == "whmcs"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_unreadable_file_is_a_clear_error() -> None:
    # root reads every file, so the reader runs as 'nobody' against a mode-000 file.
    directory = Path(tempfile.mkdtemp(prefix="smw-unreadable-"))
    try:
        directory.chmod(0o755)
        path = write(directory, BASE)
        path.chmod(0o000)
        probe = (
            "import sys\n"
            "from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import "
            "read_whmcs_config, WhmcsConfigError\n"
            "try:\n    read_whmcs_config(sys.argv[1])\n"
            "except WhmcsConfigError as error:\n    print(error)\n    sys.exit(3)\n"
        )
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                probe,
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 3, result.stderr
        assert f"{path} is not readable by this user (uid 65534)" in result.stdout
    finally:
        shutil.rmtree(directory)


def test_php_that_hangs_is_stopped_by_the_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration.PHP_TIMEOUT_SECONDS",
        1,
    )
    path = write(tmp_path, BASE + "sleep(10);\n")
    with pytest.raises(WhmcsConfigError, match="did not finish reading it within 1 s"):
        read_whmcs_config(path)
