"""configuration.php fallback parser (no php): literals, escapes, comments, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
    crons_path,
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration_parser import (
    parse_configuration_php,
)

REQUIRED = """<?php
$db_host = 'db.example.test';
$db_username = 'whmcs_user';
$db_password = 'pw';
$db_name = 'whmcs';
$cc_encryption_hash = 'hash';
"""


def write_config(directory: Path, text: str) -> Path:
    path = directory / "configuration.php"
    path.write_text(text, encoding="utf-8")
    return path


def parse(text: str) -> tuple[dict, dict]:
    return parse_configuration_php(text, "/x/configuration.php")


def test_single_quoted_escapes() -> None:
    variables, _ = parse(r"""<?php $a = 'it\'s'; $b = 'back\\slash'; $c = 'keep\n\t'; $d = 'C:\dir\\';""")
    assert variables == {"a": "it's", "b": "back\\slash", "c": "keep\\n\\t", "d": "C:\\dir\\"}


def test_double_quoted_escapes() -> None:
    source = r"""<?php $a = "q\"uote \$dollar \\ \n\t\x41\101\u{263A} \q"; $b = "cost: $ 5";"""
    variables, unevaluated = parse(source)
    assert variables["a"] == 'q"uote $dollar \\ \n\tAA\u263a \\q'
    assert variables["b"] == "cost: $ 5"
    assert unevaluated == {}


def test_scalars_and_signs() -> None:
    variables, _ = parse("<?php $i = 3306; $n = -5; $f = 1.5; $t = TRUE; $x = false; $z = null; $h = 0x1F;")
    assert variables == {"i": 3306, "n": -5, "f": 1.5, "t": True, "x": False, "z": None, "h": 31}


def test_comments_of_all_three_styles_are_ignored() -> None:
    source = """<?php
// $db_name = 'line comment';
# $db_name = 'hash comment';
/* $db_name = 'block';
   $db_host = 'still block'; */
$db_name = 'real'; // trailing 'quote
$db_host = /* inline */ 'h'; # trailing
"""
    variables, unevaluated = parse(source)
    assert variables == {"db_name": "real", "db_host": "h"}
    assert unevaluated == {}


def test_close_tag_and_inline_html() -> None:
    variables, _ = parse("<?php\n$a = 'x' ?>\nsome html\n<?php $b = 'y'; // end ?> tail text <?php $c = 3;")
    assert variables == {"a": "x", "b": "y", "c": 3}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("$db_password = getenv('WHMCS_DB_PASSWORD');", "getenv()"),
        ("$db_password = 'a' . 'b';", "concatenation"),
        ('$db_password = "pre$suffix";', "$variable inside"),
        ("$db_password = $other;", "copied from $other"),
        ("$db_password = SOME_CONSTANT;", "constant SOME_CONSTANT"),
        ("$db_password .= 'x';", "compound assignment"),
        ("if (true) { $db_password = 'x'; }", "inside a block"),
        ("$db_password = <<<EOT\nabc\nEOT;", "heredoc"),
    ],
)
def test_unevaluable_required_variable_names_line_and_reason(tmp_path: Path, line: str, reason: str) -> None:
    text = REQUIRED.replace("$db_password = 'pw';", "// password comes next\n" + line)
    path = write_config(tmp_path, text)
    with pytest.raises(WhmcsConfigError) as caught:
        read_whmcs_config(path, prefer_php=False)
    message = str(caught.value)
    assert f"{path} line 5: $db_password" in message
    assert reason in message
    assert "install php-cli or set it literally" in message


def test_unevaluable_optional_variable_is_left_out(tmp_path: Path) -> None:
    path = write_config(tmp_path, REQUIRED + "$autoauthkey = getenv('X');\n$crons_dir = '/srv/crons/';\n")
    config = read_whmcs_config(path, prefer_php=False)
    assert "autoauthkey" not in config.extra
    assert config.crons_dir == "/srv/crons/"
    assert config.source == "parser"


def test_later_literal_assignment_wins(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        REQUIRED.replace("$db_password = 'pw';", "$db_password = getenv('X');\n$db_password = 'ok';"),
    )
    assert read_whmcs_config(path, prefer_php=False).db_password == "ok"


@pytest.mark.parametrize("name", ["db_host", "db_username", "db_password", "db_name", "cc_encryption_hash"])
def test_missing_required_variable(tmp_path: Path, name: str) -> None:
    text = "\n".join(line for line in REQUIRED.splitlines() if f"${name} " not in line)
    path = write_config(tmp_path, text + "\n")
    with pytest.raises(WhmcsConfigError, match=rf"\${name} is not set"):
        read_whmcs_config(path, prefer_php=False)


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("<?php\n$a = 1;\n$b = 'never closed;\n", 3, "single-quoted string is never closed"),
        ('<?php\n$a = "never closed;\n', 2, "double-quoted string is never closed"),
        ("<?php\n\n/* open comment\n$a = 1;\n", 3, "comment is never closed"),
        ("<?php\n$a = 1;\n$b = 2\n", 3, "no closing ';'"),
    ],
)
def test_malformed_php_names_the_line(text: str, line: int, what: str) -> None:
    with pytest.raises(WhmcsConfigError) as caught:
        parse(text)
    assert f"line {line}" in str(caught.value)
    assert what in str(caught.value)


def test_repr_masks_secrets(tmp_path: Path) -> None:
    secret_text = REQUIRED.replace("'pw'", "'TopSecretPw'").replace("'hash'", "'HashSecret'")
    path = write_config(
        tmp_path, secret_text + "$license = 'Owned-XYZ';\n$api_access_key = 'ApiKeySecret';\n"
    )
    config = read_whmcs_config(path, prefer_php=False)
    assert config.db_password == "TopSecretPw"
    for shown in (repr(config), str(config)):
        for secret in ("TopSecretPw", "HashSecret", "Owned-XYZ", "ApiKeySecret"):
            assert secret not in shown
        assert "db.example.test" in shown


def test_root_directory_or_file_path(tmp_path: Path) -> None:
    write_config(tmp_path, REQUIRED)
    by_root = read_whmcs_config(tmp_path, prefer_php=False)
    by_file = read_whmcs_config(tmp_path / "configuration.php", prefer_php=False)
    assert by_root == by_file
    assert by_root.root == str(tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WhmcsConfigError, match="does not exist"):
        read_whmcs_config(tmp_path / "nowhere")


def test_php_binary_missing_falls_back_to_parser(tmp_path: Path) -> None:
    write_config(tmp_path, REQUIRED)
    config = read_whmcs_config(tmp_path, php_binary=str(tmp_path / "no-such-php"))
    assert config.source == "parser"
    assert config.db_host == "db.example.test"


def test_crons_path(tmp_path: Path) -> None:
    write_config(tmp_path, REQUIRED)
    config = read_whmcs_config(tmp_path, prefer_php=False)
    assert crons_path(config) == str(tmp_path / "crons")
    assert crons_path(config, "/var/www/whmcs") == "/var/www/whmcs/crons"
    write_config(tmp_path, REQUIRED + "$crons_dir = '/srv/whmcs-crons/';\n")
    assert crons_path(read_whmcs_config(tmp_path, prefer_php=False)) == "/srv/whmcs-crons"
    write_config(tmp_path, REQUIRED + "$crons_dir = '../crons';\n")
    assert crons_path(read_whmcs_config(tmp_path, prefer_php=False), "/var/www/whmcs") == "/var/www/crons"
