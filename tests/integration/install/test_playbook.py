"""astral360.smartermail.install end to end: real ansible-playbook runs against sandbox hosts."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_decrypt
from fixtures.install import (
    copy_tree,
    crontab_text,
    host_snapshot,
    module_tree,
    run_playbook,
)
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import db_rows

INSTALL = "astral360.smartermail.install"
pytestmark = pytest.mark.slow


def group_vars(info: SandboxInfo) -> dict[str, Any]:
    return yaml.safe_load(info.inventory.read_text())["all"]["children"]["whmcs"]["vars"]


def source_tree(info: SandboxInfo) -> Path:
    return Path(group_vars(info)["smartermail_module_src"])


def source_files(info: SandboxInfo) -> dict[str, bytes]:
    base = source_tree(info)
    return {str(path.relative_to(base)): path.read_bytes() for path in base.rglob("*") if path.is_file()}


def only_product(info: SandboxInfo, **changes: Any) -> dict[str, Any]:
    products = copy.deepcopy(group_vars(info)["smartermail_products"])
    products[0].update(changes)
    return {"smartermail_products": products}


@pytest.fixture(scope="module")
def fleet() -> Any:
    with sandbox(hosts=3) as info:
        yield info


def test_fleet_dry_run_then_converge_then_nothing_to_do(fleet: SandboxInfo) -> None:
    hosts = [host["name"] for host in fleet.hosts]
    before = {host: host_snapshot(fleet, host) for host in hosts}

    dry = run_playbook(fleet, INSTALL, "--check", "--diff")
    assert dry.returncode == 0, dry.output[-3000:]
    for host in hosts:
        assert dry.changed(host) >= 4, dry.recap  # files, server, product, cron line
        assert host_snapshot(fleet, host) == before[host], f"--check wrote on {host}"
    assert "smartermail.php" in dry.output  # the planned module files are listed
    assert "sandbox-simulator" in dry.output and "Email Hosting" in dry.output

    first = run_playbook(fleet, INSTALL)
    assert first.returncode == 0, first.output[-3000:]
    assert all(first.failed(host) == 0 and first.changed(host) >= 4 for host in hosts), first.recap

    second = run_playbook(fleet, INSTALL)
    assert second.returncode == 0, second.output[-3000:]
    assert all(second.changed(host) == 0 for host in hosts), second.recap

    check = run_playbook(fleet, INSTALL, "--check")
    assert check.returncode == 0, check.output[-3000:]
    assert all(check.changed(host) == 0 for host in hosts), check.recap


def test_converged_host_has_exactly_the_expected_state(fleet: SandboxInfo) -> None:
    converge = run_playbook(fleet, INSTALL)  # no-op when the first test ran
    assert converge.returncode == 0, converge.output[-3000:]
    server_vars = group_vars(fleet)["smartermail_servers"][0]
    for host in fleet.hosts:
        name, root = host["name"], Path(host["whmcs_root"])
        assert module_tree(root) == source_files(fleet)

        (server,) = db_rows(fleet, name, "tblservers")
        assert server["name"] == server_vars["name"] and server["type"] == "smartermail"
        assert server["hostname"] == server_vars["hostname"] and server["username"] == server_vars["username"]
        assert server["secure"] == ("on" if server_vars["secure"] else "")
        assert server["port"] == server_vars["port"]  # not the module default, so stored
        assert server["maxaccounts"] == 200 and str(server["active"]) == "1" and server["disabled"] == 0
        assert whmcs_decrypt(server["password"], host["cc_encryption_hash"]) == server_vars["password"]
        assert server["password"] != server_vars["password"]

        (product,) = db_rows(fleet, name, "tblproducts")
        assert product["servertype"] == "smartermail" and product["type"] == "other"
        assert product["paytype"] == "recurring" and product["configoption1"] == "10"
        assert product["configoption23"] == "none" and product["configoption14"] == "on"
        (pricing,) = db_rows(fleet, name, "tblpricing", f"relid = {product['id']} AND type = 'product'")
        assert str(pricing["monthly"]) == "6.00"
        assert {str(pricing[cycle]) for cycle in ("quarterly", "annually", "triennially")} == {"-1.00"}

        (stats,) = db_rows(fleet, name, "tblconfiguration", "setting = 'UpdateStatsAuto'")
        assert stats["value"] == "on"
        assert f"{root}/crons/cron.php" in crontab_text()


def test_changing_one_input_changes_exactly_that(tmp_path: Path) -> None:
    with sandbox(hosts=1) as info:
        host = info.hosts[0]
        name, root = host["name"], Path(host["whmcs_root"])
        assert run_playbook(info, INSTALL).returncode == 0

        # One module option → only that product column.
        before = host_snapshot(info, name)
        run = run_playbook(
            info, INSTALL, extra_vars=only_product(info, options={"gb_per_tranche": 10, "offer_eas": False})
        )
        assert run.returncode == 0 and run.changed(name) == 1, run.recap
        after = host_snapshot(info, name)
        changed = {
            key
            for key in after["db"]["tblproducts"][0]
            if after["db"]["tblproducts"][0][key] != before["db"]["tblproducts"][0][key]
        }
        assert changed - {"updated_at"} == {"configoption14"}
        assert after["db"]["tblproducts"][0]["configoption14"] == ""
        assert after["files"] == before["files"] and after["db"]["tblpricing"] == before["db"]["tblpricing"]

        # The price → only the pricing row's monthly amount.
        before = after
        run = run_playbook(
            info,
            INSTALL,
            extra_vars=only_product(
                info, monthly_price=7.5, options={"gb_per_tranche": 10, "offer_eas": False}
            ),
        )
        assert run.returncode == 0 and run.changed(name) == 1, run.recap
        after = host_snapshot(info, name)
        assert [str(row["monthly"]) for row in after["db"]["tblpricing"]] == ["7.50"]
        assert after["db"]["tblproducts"] == before["db"]["tblproducts"]

        # The server password → only tblservers.password, which decrypts to the new one.
        servers = copy.deepcopy(group_vars(info)["smartermail_servers"])
        old_password = servers[0]["password"]
        servers[0]["password"] = "Changed-Pass-4411"
        before = host_snapshot(info, name)
        run = run_playbook(
            info,
            INSTALL,
            "--tags",
            "server",
            extra_vars={"smartermail_servers": servers},
        )
        assert run.returncode == 0 and run.changed(name) == 1, run.recap
        assert "Changed-Pass-4411" not in run.output and old_password not in run.output
        (server,) = db_rows(info, name, "tblservers")
        assert whmcs_decrypt(server["password"], host["cc_encryption_hash"]) == "Changed-Pass-4411"
        after = host_snapshot(info, name)
        assert after["db"]["tblproducts"] == before["db"]["tblproducts"] and after["files"] == before["files"]

        # One module file → only that file in the installed tree.
        source = copy_tree(source_tree(info), tmp_path / "module-v2")
        lang = source / "lang" / "english.php"
        lang.write_text(lang.read_text() + "\n// v2 wording\n")
        before_tree = module_tree(root)
        run = run_playbook(
            info, INSTALL, "--tags", "module_files", extra_vars={"smartermail_module_src": str(source)}
        )
        assert run.returncode == 0 and run.changed(name) == 1, run.recap
        after_tree = module_tree(root)
        assert {key for key in after_tree if after_tree[key] != before_tree.get(key)} == {"lang/english.php"}
        assert set(after_tree) == set(before_tree)


def test_one_broken_host_fails_alone(tmp_path: Path) -> None:
    with sandbox(hosts=3) as info:
        broken = info.root("whmcs2") / "configuration.php"
        text = broken.read_text()
        broken.write_text(re.sub(r"\$db_password = '[^']*';", "$db_password = 'not-the-password';", text))
        run = run_playbook(info, INSTALL)
        assert run.returncode != 0
        assert run.failed("whmcs2") == 1 and run.changed("whmcs2") == 0, run.recap
        assert run.failed("whmcs1") == 0 and run.failed("whmcs3") == 0, run.recap
        assert run.changed("whmcs1") >= 4 and run.changed("whmcs3") >= 4
        assert re.search(r"whmcs2.*(access denied|db_password)", run.output, re.IGNORECASE | re.DOTALL)
        assert "not-the-password" not in run.output
        assert len(db_rows(info, "whmcs1", "tblservers")) == 1


def with_fewer_options(source: Path, target: Path) -> Path:
    module = copy_tree(source, target)
    php = module / "smartermail.php"
    text = php.read_text()
    # Drop the last ConfigOptions entry (the DMARC policy dropdown): 22 settings instead of 23.
    trimmed = re.sub(
        r"\n\s*'[^'\n]*'\s*=>\s*\[\s*'FriendlyName'[^\]]*?'Type'\s*=>\s*'dropdown'.*?\],",
        "\n",
        text,
        count=1,
        flags=re.DOTALL,
    )
    assert trimmed != text, "fixture module layout changed: update this test"
    php.write_text(trimmed)
    return module


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown_option", "offer_easy"),
        ("maybe_yes_no", "maybe"),
        ("dropdown_outside", "dmarc_policy"),
        ("port_70000", "70000"),
        ("missing_whmcs_root", "whmcs_root"),
        ("source_without_module", "smartermail_module_src"),
        ("module_with_22_options", "22"),
    ],
)
def test_bad_input_fails_before_any_change(tmp_path: Path, case: str, expected: str) -> None:
    with sandbox(hosts=1) as info:
        name = info.hosts[0]["name"]
        before = host_snapshot(info, name)
        extra: dict[str, Any]
        if case == "unknown_option":
            extra = only_product(info, options={"offer_easy": True})
        elif case == "maybe_yes_no":
            extra = only_product(info, options={"offer_mapi": "maybe"})
        elif case == "dropdown_outside":
            extra = only_product(info, options={"dmarc_policy": "block"})
        elif case == "port_70000":
            servers = copy.deepcopy(group_vars(info)["smartermail_servers"])
            servers[0]["port"] = 70000
            extra = {"smartermail_servers": servers}
        elif case == "missing_whmcs_root":
            extra = {"whmcs_root": str(tmp_path / "no-whmcs-here")}
        elif case == "source_without_module":
            (tmp_path / "empty").mkdir()
            extra = {"smartermail_module_src": str(tmp_path / "empty")}
        else:
            extra = {"smartermail_module_src": str(with_fewer_options(source_tree(info), tmp_path / "m22"))}
        run = run_playbook(info, INSTALL, extra_vars=extra, tmp_path=tmp_path)
        assert run.returncode != 0
        assert run.failed(name) == 1, run.recap
        assert expected in run.output
        assert "Traceback" not in run.output
        assert host_snapshot(info, name) == before
