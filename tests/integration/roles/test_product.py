"""The product role through real ansible-playbook runs on a sandbox inventory (two WHMCS hosts)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pymysql
import pymysql.cursors
import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.sandbox import SandboxInfo, sandbox
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow

_RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


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
    playbook = tmp_path / "product.yml"
    play = [
        {
            "name": "Products",
            "hosts": "whmcs",
            "gather_facts": False,
            "roles": [{"role": "astral360.smartermail.product"}],
        }
    ]
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    command = [str(BIN_DIR / "ansible-playbook"), "-i", str(info.inventory), str(playbook), *extra_args]
    if variables:
        extra_vars = tmp_path / "vars.yml"
        extra_vars.write_text(yaml.safe_dump(variables))
        command += ["-e", f"@{extra_vars}"]
    done = subprocess.run(
        command, capture_output=True, text=True, env=ansible_env(), timeout=300, check=False
    )
    output = done.stdout + done.stderr
    recap = {
        name: {"changed": int(changed), "failed": int(failed)}
        for name, _, changed, _, failed in _RECAP.findall(output)
    }
    return done.returncode, output, recap


def products(info: SandboxInfo, host: str) -> list[dict[str, Any]]:
    database = info.host(host)["database"]
    connection = pymysql.connect(
        unix_socket=database["socket"],
        user=database["user"],
        password=database["password"],
        database=database["name"],
        cursorclass=pymysql.cursors.DictCursor,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT g.name AS grp, p.name, p.configoption1, p.configoption15, p.autosetup, pr.monthly, "
                "pr.annually FROM tblproducts p JOIN tblproductgroups g ON g.id = p.gid "
                "LEFT JOIN tblpricing pr ON pr.relid = p.id AND pr.type = 'product' ORDER BY p.id"
            )
            return list(cursor.fetchall())
    finally:
        connection.close()


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
