"""PHP's value rules the invoice preview mirrors, each compared with what the real php CLI answers."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.php_values import (
    PhpFormatError,
    float_text,
    gb_per_tier,
    number_format,
    option_float,
    php_int,
    sprintf,
)

OPTIONS = [None, "", "0", "0.0", "12.7", "abc", "1e3", " 5", "-3", "2,50", " 4.5 ", "7.49", ".5"]
FLOATS = ["6.00", "12.50", "0.1", "7.49", "1e20", "123456789012345", "1234.5", "0.000001", "15.375"]
USAGES = ["25.000000", "0", "2.005", "1234.5", "9999999.995", "0.004999"]
LABEL = "%1$s GB used \u00b7 %2$d Tier(s) of %3$d GB \u00d7 $%4$s"
FORMATS: list[tuple[str, list[Any]]] = [
    (LABEL, ["25.00", 3, 10, 6.0]),
    ("%1$s Go utilis\u00e9s \u00b7 %2$d tranche(s) de %3$d Go \u00d7 %4$s $", ["1,234.50", 3, 10, 7.49]),
    ("%05d|%-5s|%5s|%.2f|%%|%'*8s|%+d|%s", [42, "ab", "cd", 2.675, "x", 7, 12.5]),
    ("%s and %s, then %1$s", ["a", "b"]),
]

PHP_SCRIPT = r"""
$in = json_decode(stream_get_contents(STDIN), true);
$out = ['int' => [], 'tier' => [], 'price' => [], 'text' => [], 'format' => [], 'sprintf' => []];
foreach ($in['options'] as $v) {
    $out['int'][] = (int) $v;
    $out['tier'][] = max(1, (int) ($v ?: 10));
    $out['price'][] = (string) (float) ($v ?: 0);
}
foreach ($in['floats'] as $v) { $out['text'][] = (string) (float) $v; }
foreach ($in['usages'] as $v) { $out['format'][] = number_format((float) $v, 2); }
foreach ($in['formats'] as [$template, $args]) { $out['sprintf'][] = sprintf($template, ...$args); }
echo json_encode($out);
"""


@pytest.fixture(scope="module")
def php() -> dict[str, list[Any]]:
    """What PHP itself answers for every input of this file (one php run)."""
    if shutil.which("php") is None:
        pytest.skip("php CLI not installed")
    request = {"options": OPTIONS, "floats": FLOATS, "usages": USAGES, "formats": FORMATS}
    done = subprocess.run(
        ["php", "-d", "error_reporting=-1", "-r", PHP_SCRIPT],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("index", range(len(OPTIONS)))
def test_option_casts_match_php(php: dict[str, list[Any]], index: int) -> None:
    value = OPTIONS[index]
    if value is not None:
        assert php_int(value) == php["int"][index]
    assert gb_per_tier(value) == php["tier"][index]
    assert float_text(option_float(value)) == php["price"][index]


@pytest.mark.parametrize("index", range(len(FLOATS)))
def test_floats_become_text_as_in_php(php: dict[str, list[Any]], index: int) -> None:
    assert float_text(Decimal(FLOATS[index])) == php["text"][index]


@pytest.mark.parametrize("index", range(len(USAGES)))
def test_number_format_matches_php(php: dict[str, list[Any]], index: int) -> None:
    assert number_format(Decimal(USAGES[index]), 2) == php["format"][index]


@pytest.mark.parametrize("index", range(len(FORMATS)))
def test_sprintf_matches_php(php: dict[str, list[Any]], index: int) -> None:
    template, args = FORMATS[index]
    assert sprintf(template, *args) == php["sprintf"][index]


def test_sprintf_refuses_what_php_refuses() -> None:
    with pytest.raises(PhpFormatError, match="arguments are required"):
        sprintf("%1$s %2$s", "only one")
    with pytest.raises(PhpFormatError, match="unsupported"):
        sprintf("%b", 5)
