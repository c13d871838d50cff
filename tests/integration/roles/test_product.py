"""The product role through real ansible-playbook runs on a sandbox inventory (two WHMCS hosts)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fixtures.install import play_role
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fleet() -> Iterator[SandboxInfo]:
    with sandbox(hosts=2) as info:
        for host in info.hosts:
            # A plain copy stands in for the module_files role, which is tested elsewhere.
            shutil.copytree(
                FIXTURE_MODULE_DIR, Path(host["whmcs_root"]) / "modules" / "servers" / "smartermail"
            )
        yield info


def run_role(tmp_path: Path, info: SandboxInfo, *extra_args: str, **variables: Any) -> tuple[int, str, dict]:
    run = play_role(
        info, "astral360.smartermail.product", *extra_args, extra_vars=variables, tmp_path=tmp_path
    )
    recap = {
        name: {"changed": counts["changed"], "failed": counts["failed"]} for name, counts in run.recap.items()
    }
    return run.returncode, run.output, recap


def products(info: SandboxInfo, host: str) -> list[dict[str, Any]]:
    return query(
        info,
        "SELECT g.name AS grp, p.name, p.configoption1, p.configoption15, p.autosetup, pr.monthly, "
        "pr.annually FROM tblproducts p JOIN tblproductgroups g ON g.id = p.gid "
        "LEFT JOIN tblpricing pr ON pr.relid = p.id AND pr.type = 'product' ORDER BY p.id",
        host=host,
    )


def snapshot(info: SandboxInfo) -> dict[str, list[dict[str, Any]]]:
    return {host["name"]: products(info, host["name"]) for host in info.hosts}


def test_role_converges_every_host_then_changes_nothing(tmp_path: Path, fleet: SandboxInfo) -> None:
    # The inventory's own smartermail_products: Email Hosting in Email, 6.00, gb_per_tranche 10.
    code, output, recap = run_role(tmp_path, fleet, "--check")
    assert code == 0, output
    assert all(host["changed"] == 1 for host in recap.values()) and len(recap) == 2
    assert snapshot(fleet) == {"whmcs1": [], "whmcs2": []}

    code, output, recap = run_role(tmp_path, fleet)
    assert code == 0, output
    assert recap == {"whmcs1": {"changed": 1, "failed": 0}, "whmcs2": {"changed": 1, "failed": 0}}
    for rows in snapshot(fleet).values():
        assert rows == [
            {
                "grp": "Email",
                "name": "Email Hosting",
                "configoption1": "10",
                "configoption15": "on",
                "autosetup": "",
                "monthly": Decimal("6.00"),
                "annually": Decimal("-1.00"),
            }
        ]

    for extra in ((), ("--check",)):
        code, output, recap = run_role(tmp_path, fleet, *extra)
        assert code == 0, output
        assert all(host["changed"] == 0 for host in recap.values()), output


def test_role_applies_the_list_and_the_group_default(tmp_path: Path, fleet: SandboxInfo) -> None:
    variables = {
        "smartermail_product_group": "Mail Plans",
        "smartermail_products": [
            {"name": "Starter", "monthly_price": 3, "autosetup": True, "options": {"offer_mapi": "no"}},
            {"name": "Pro", "group": "Business", "monthly_price": 9.5, "options": {"gb_per_tranche": 50}},
        ],
    }
    code, output, recap = run_role(tmp_path, fleet, **variables)
    assert code == 0, output
    assert all(host["changed"] == 1 for host in recap.values())
    rows = {(row["grp"], row["name"]): row for row in products(fleet, "whmcs2")}
    assert rows[("Mail Plans", "Starter")]["configoption15"] == ""
    assert rows[("Mail Plans", "Starter")]["autosetup"] == "on"
    assert rows[("Business", "Pro")]["configoption1"] == "50"
    assert rows[("Business", "Pro")]["monthly"] == Decimal("9.50")
    code, output, recap = run_role(tmp_path, fleet, **variables)
    assert all(host["changed"] == 0 for host in recap.values()), output


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"name": "No price"}, "monthly_price"),
        ({"name": "Bad price", "monthly_price": "cheap"}, "monthly_price"),
        ({"name": "Bad state", "monthly_price": 1, "state": "gone"}, "state"),
        (
            {"name": "Maybe", "monthly_price": 1, "options": {"offer_eas": "maybe"}},
            "offer_eas (configoption14) got 'maybe'",
        ),
    ],
    ids=["missing-price", "price-type", "state-choice", "maybe"],
)
def test_role_refuses_bad_entries_before_any_change(
    tmp_path: Path, fleet: SandboxInfo, entry: dict[str, Any], expected: str
) -> None:
    before = snapshot(fleet)
    code, output, recap = run_role(tmp_path, fleet, smartermail_products=[entry])
    assert code != 0
    assert all(host["failed"] == 1 for host in recap.values()), output
    assert expected in output
    assert snapshot(fleet) == before
