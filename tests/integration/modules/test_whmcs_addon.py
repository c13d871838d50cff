"""astral360.smartermail.whmcs_addon through real ansible-playbook runs against sandbox hosts.

A sandbox host's WHMCS stand-in is a real init.php + MariaDB, so the addon's _activate() runs
inside it and creates its tables. The rows whmcs_addon records are compared with the rows the
stand-in's Setup > Addon Modules (``php sandbox/admin.php activate-addon``) records on a second host.
"""

from __future__ import annotations

import getpass
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.ansible_runner import PlaybookRun, run_module, run_tasks
from fixtures.repo import FIXTURE_MODULE
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[2] / "fixtures"
BILLING_SRC = FIXTURES / "module_release_1_2" / "modules" / "addons" / "smartermail_billing"
PROBE_SRC = FIXTURES / "php" / "modules" / "addons" / "addonprobe"
BILLING = "smartermail_billing"
PROBE = "addonprobe"
LISTS = ("ActiveAddonModules", "AddonModulesHooks", "AddonModulesPerms")
TABLES = ("mod_smartermail_packages", "mod_smartermail_billing_log", "mod_addonprobe")


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=2) as info:
        yield info


def reset(box: SandboxInfo, host: str) -> Path:
    """No addon active, no addon table, fresh copies of the two test addons."""
    root = box.root(host)
    addons = root / "modules" / "addons"
    addons.mkdir(parents=True, exist_ok=True)
    for name, src in ((BILLING, BILLING_SRC), (PROBE, PROBE_SRC)):
        shutil.rmtree(addons / name, ignore_errors=True)
        shutil.copytree(src, addons / name)
    sql(box, host, "DELETE FROM tbladdonmodules")
    sql(
        box, host, "DELETE FROM tblconfiguration WHERE setting IN ('ActiveAddonModules', 'AddonModulesPerms')"
    )
    sql(box, host, "UPDATE tblconfiguration SET value = '' WHERE setting = 'AddonModulesHooks'")
    for table in TABLES:
        sql(box, host, f"DROP TABLE IF EXISTS {table}")
    return root


def sql(box: SandboxInfo, host: str, statement: str, *args: Any) -> list[dict[str, Any]]:
    return query(box, statement, *args, host=host)


def rows(box: SandboxInfo, host: str, module: str) -> list[tuple[str, str]]:
    found = sql(box, host, "SELECT setting, value FROM tbladdonmodules WHERE module = %s ORDER BY id", module)
    return [(row["setting"], row["value"]) for row in found]


def lists(box: SandboxInfo, host: str) -> dict[str, str | None]:
    return {name: setting(box, name, host=host) for name in LISTS}


def tables(box: SandboxInfo, host: str) -> set[str]:
    return {next(iter(row.values())) for row in sql(box, host, "SHOW TABLES LIKE 'mod\\_%%'")}


def run_addon(tmp_path: Path, box: SandboxInfo, name: str, *extra_args: str, **options: Any) -> PlaybookRun:
    args = {"whmcs_root": str(box.root("whmcs1")), "name": name, "web_user": getpass.getuser(), **options}
    return run_module(
        tmp_path,
        "astral360.smartermail.whmcs_addon",
        args,
        register="addon",
        name="Addon",
        extra_args=list(extra_args),
    )


def test_activation_creates_the_tables_and_rows_then_changes_nothing(
    tmp_path: Path, box: SandboxInfo
) -> None:
    reset(box, "whmcs1")
    checked = run_addon(tmp_path, box, BILLING, "--check", "--diff")
    assert checked.returncode == 0, checked.output
    assert checked.results["changed"] is True and checked.results["step"] == "activate"
    assert "tbladdonmodules smartermail_billing.version = '1.2.0'" in checked.output
    assert rows(box, "whmcs1", BILLING) == [] and "mod_smartermail_packages" not in tables(box, "whmcs1")

    done = run_addon(tmp_path, box, BILLING, "--diff")
    assert done.returncode == 0, done.output
    assert done.results["changed"] is True and done.results["access"] == [1], done.results
    assert {"mod_smartermail_packages", "mod_smartermail_billing_log"} <= tables(box, "whmcs1")
    names = [r["name"] for r in sql(box, "whmcs1", "SELECT name FROM mod_smartermail_packages ORDER BY id")]
    assert names == ["default", "standard", "premium"]
    assert ("version", "1.2.0") in rows(box, "whmcs1", BILLING) and ("access", "1") in rows(
        box, "whmcs1", BILLING
    )
    assert lists(box, "whmcs1")["ActiveAddonModules"] == BILLING

    before = (rows(box, "whmcs1", BILLING), lists(box, "whmcs1"))
    again = run_addon(tmp_path, box, BILLING)
    assert again.results["changed"] is False and again.results["step"] is None, again.results
    assert (rows(box, "whmcs1", BILLING), lists(box, "whmcs1")) == before
    assert run_addon(tmp_path, box, BILLING, "--check").results["changed"] is False


def probe_calls(root: Path) -> list[dict[str, Any]]:
    calls = root / "modules" / "addons" / PROBE / "calls.jsonl"
    return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []


def test_activate_error_fails_with_its_description_and_records_nothing(
    tmp_path: Path, box: SandboxInfo
) -> None:
    root = reset(box, "whmcs1")
    (root / "modules" / "addons" / PROBE / "control.json").write_text(json.dumps({"activate": "error"}))
    run = run_addon(tmp_path, box, PROBE)
    assert run.results["failed"] is True
    assert (
        "addonprobe_activate() failed: probe activate said error; nothing was recorded" in run.results["msg"]
    )
    assert rows(box, "whmcs1", PROBE) == [] and not lists(box, "whmcs1")["ActiveAddonModules"]


def test_upgrade_access_by_name_and_deactivation(tmp_path: Path, box: SandboxInfo) -> None:
    root = reset(box, "whmcs1")
    control = root / "modules" / "addons" / PROBE / "control.json"
    assert run_addon(tmp_path, box, PROBE).results["changed"] is True
    control.write_text(json.dumps({"version": "2.1"}))
    upgraded = run_addon(tmp_path, box, PROBE, access=["Full Administrator", "3"])
    assert upgraded.results["step"] == "upgrade" and upgraded.results["upgraded_from"] == "2.0", (
        upgraded.output
    )
    upgrade_call = [c for c in probe_calls(root) if c["function"] == "upgrade"]
    assert len(upgrade_call) == 1 and upgrade_call[0]["args"][0]["version"] == "2.0"
    assert ("version", "2.1") in rows(box, "whmcs1", PROBE) and ("access", "1,3") in rows(
        box, "whmcs1", PROBE
    )
    assert run_addon(tmp_path, box, PROBE, access=["1", "Support Operator"]).results["changed"] is False

    off = run_addon(tmp_path, box, PROBE, state="inactive")
    assert off.results["changed"] is True and off.results["step"] == "deactivate", off.output
    assert rows(box, "whmcs1", PROBE) == [] and "mod_addonprobe" in tables(box, "whmcs1")  # tables kept
    assert run_addon(tmp_path, box, PROBE, state="inactive").results["changed"] is False


def test_rows_equal_what_the_admin_area_records(tmp_path: Path, box: SandboxInfo) -> None:
    """whmcs1 through whmcs_addon, whmcs2 through the stand-in's Setup > Addon Modules."""
    reset(box, "whmcs1")
    root2 = reset(box, "whmcs2")
    for name in (BILLING, PROBE):
        assert run_addon(tmp_path, box, name).returncode == 0
        done = subprocess.run(
            ["php", "sandbox/admin.php", "activate-addon", name, "--access", "1"],
            cwd=root2,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    for name in (BILLING, PROBE):
        assert rows(box, "whmcs1", name) == rows(box, "whmcs2", name), name
    assert lists(box, "whmcs1") == lists(box, "whmcs2")
    assert tables(box, "whmcs1") == tables(box, "whmcs2")


def role_run(tmp_path: Path, box: SandboxInfo, src: Path, *extra_args: str, **variables: Any) -> PlaybookRun:
    task = {
        "name": "Module files role",
        "ansible.builtin.include_role": {"name": "astral360.smartermail.module_files"},
        "vars": {
            "whmcs_root": str(box.root("whmcs1")),
            "whmcs_web_user": getpass.getuser(),
            "whmcs_web_group": box.group_vars["whmcs_web_group"],
            "smartermail_module_src": str(src),
            "smartermail_module_check_schema": False,  # the 1.1.0 fixture module under a 1.2.0 addon
            **variables,
        },
    }
    return run_tasks(tmp_path, [task], register="module_files_result", extra_args=list(extra_args))


def changed_count(output: str) -> int:
    """The role's tasks that reported a change (the test's own dump task left out)."""
    sections = output.split("TASK [")[1:]
    return sum(
        1 for section in sections if "changed: [localhost]" in section and not section.startswith("Dump")
    )


def test_role_installs_and_activates_the_shipped_addon_once(tmp_path: Path, box: SandboxInfo) -> None:
    root = reset(box, "whmcs1")
    shutil.rmtree(root / "modules" / "addons" / BILLING)
    shutil.rmtree(root / "modules" / "addons" / PROBE)
    src = tmp_path / "release"
    shutil.copytree(FIXTURE_MODULE, src / "modules" / "servers" / "smartermail")
    shutil.copytree(BILLING_SRC, src / "modules" / "addons" / BILLING)

    checked = role_run(tmp_path, box, src, "--check")
    assert checked.returncode == 0, checked.output
    assert changed_count(checked.output) == 2  # files, then the activation it predicts
    assert rows(box, "whmcs1", BILLING) == [] and not (root / "modules" / "addons" / BILLING).exists()

    done = role_run(tmp_path, box, src)
    assert done.returncode == 0 and changed_count(done.output) == 2, done.output
    assert done.results["addons"] == [BILLING]
    assert ("version", "1.2.0") in rows(box, "whmcs1", BILLING)
    assert "mod_smartermail_packages" in tables(box, "whmcs1")

    again = role_run(tmp_path, box, src)
    assert again.returncode == 0 and changed_count(again.output) == 0, again.output
    assert changed_count(role_run(tmp_path, box, src, "--check").output) == 0
