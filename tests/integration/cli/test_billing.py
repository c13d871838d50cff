"""``smartermail-whmcs billing`` as a subprocess: the documented example, bad input, and a WHMCS's
active services (a converged sandbox with one seeded 21 GB service at 6.00 a tranche of 10 GB)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.cli import run_cli
from fixtures.sandbox import SandboxInfo
from fixtures.verify_whmcs import DOMAIN, HOST, converged_sandbox


def billing(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("billing", *args)


def test_the_documented_example_bills_three_tranches() -> None:
    done = billing("--price", "6", "--tranche-gb", "10", "--usage-gb", "21")
    assert done.returncode == 0, done.stderr
    assert "3 \u00d7 6.00 = 18.00" in done.stdout.splitlines()


def test_json_gives_exact_decimal_strings() -> None:
    done = billing("--price", "7.49", "--tranche-gb", "10", "--usage-gb", "10.001", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "usage_gb": "10.001",
        "tranche_gb": 10,
        "tranches": 2,
        "billed_gb": 20,
        "price": "7.49",
        "amount": "14.98",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--price", "-1", "--tranche-gb", "10", "--usage-gb", "21"), "--price must be at least 0"),
        (("--price", "6", "--tranche-gb", "0", "--usage-gb", "21"), "--tranche-gb must be more than 0"),
        (("--price", "6", "--tranche-gb", "2.5", "--usage-gb", "21"), "--tranche-gb must be a whole number"),
        (("--price", "six", "--tranche-gb", "10", "--usage-gb", "21"), "--price must be a number, not 'six'"),
        (("--price", "6", "--tranche-gb", "10", "--usage-gb", "-3"), "--usage-gb must be at least 0"),
        (("--price", "6", "--tranche-gb", "10", "--usage-gb", "nan"), "--usage-gb must be a finite number"),
        (("--price", "6", "--usage-gb", "21"), "give --tranche-gb"),
        (
            (
                "--product",
                "Email Hosting",
            ),
            "--product needs --whmcs-root",
        ),
    ],
)
def test_bad_input_exits_2_with_a_sentence(args: tuple[str, ...], message: str) -> None:
    done = billing(*args)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_a_tree_without_configuration_php_exits_2(tmp_path: Path) -> None:
    done = billing("--whmcs-root", str(tmp_path))
    assert done.returncode == 2 and "configuration.php" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with converged_sandbox() as info:
        yield info


@pytest.mark.slow
def test_whmcs_root_lists_each_active_service_with_its_bill(box: SandboxInfo) -> None:
    root = str(box.root(HOST))
    table = billing("--whmcs-root", root)
    assert table.returncode == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if DOMAIN in line)
    assert row.split()[-6:] == ["21504", "21.00", "10", "3", "6.00", "18.00"], table.stdout
    assert "1 active service(s); total 18.00" in table.stdout
    done = billing("--whmcs-root", root, "--format", "json", "--product", "Email Hosting")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    (service,) = document["services"]
    assert (service["domain"], service["diskusage_mb"], service["tranches"], service["amount"]) == (
        DOMAIN,
        21504,
        3,
        "18.00",
    )
    assert service["price_source"] == "service" and document["total"] == "18.00"


@pytest.mark.slow
def test_mixing_whmcs_root_with_figures_is_refused(box: SandboxInfo) -> None:
    done = billing("--whmcs-root", str(box.root(HOST)), "--price", "6")
    assert done.returncode == 2 and "--price cannot be combined with --whmcs-root" in done.stderr
    other = billing("--whmcs-root", str(box.root(HOST)), "--product", "No Such Product")
    assert other.returncode == 0 and "no active services of product 'No Such Product'" in other.stdout
