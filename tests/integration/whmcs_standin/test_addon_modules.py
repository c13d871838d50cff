"""Setup > Addon Modules in the stand-in, through ``php sandbox/admin.php`` with real php and MariaDB:
what activation, deactivation and the upgrade check write (docs/whmcs-standin-facts.md, addon
modules), the test release's addon (tests/fixtures/module_release_1_2) and which addons' hooks.php
WHMCS loads."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting
from fixtures.standin import add_client

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[2] / "fixtures"
PROBE_ADDON = FIXTURES / "php" / "modules" / "addons" / "addonprobe"
RELEASE_ADDON = FIXTURES / "module_release_1_2" / "modules" / "addons" / "smartermail_billing"
BILLING = "smartermail_billing"
PROBE = "addonprobe"
ADDON_SETTINGS = ("ActiveAddonModules", "AddonModulesHooks", "AddonModulesPerms")


@dataclass
class Admin:
    """``php sandbox/admin.php`` on one host, with the addons' folders at hand."""

    box: SandboxInfo
    root: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["php", "-d", "error_reporting=-1", "-d", "display_errors=stderr", "sandbox/admin.php", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def ok(self, *args: str) -> dict[str, Any]:
        done = self.run(*args)
        assert done.returncode == 0 and not done.stderr, f"exit {done.returncode}: {done.stderr}{done.stdout}"
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer

    def rows(self, module: str) -> list[tuple[str, str]]:
        found = query(
            self.box, "SELECT setting, value FROM tbladdonmodules WHERE module = %s ORDER BY id", module
        )
        return [(row["setting"], row["value"]) for row in found]

    def settings(self) -> dict[str, str | None]:
        return {name: setting(self.box, name) for name in ADDON_SETTINGS}

    def tables(self) -> set[str]:
        return {next(iter(row.values())) for row in query(self.box, "SHOW TABLES LIKE 'mod\\_%%'")}

    def probe(self) -> Path:
        return self.root / "modules" / "addons" / PROBE

    def control_probe(self, **settings: str) -> None:
        (self.probe() / "control.json").write_text(json.dumps(settings))

    def probe_calls(self) -> list[dict[str, Any]]:
        calls = self.probe() / "calls.jsonl"
        return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []

    def activity(self) -> list[str]:
        found = query(
            self.box,
            "SELECT description FROM tblactivitylog WHERE description LIKE 'Addon Module%%' ORDER BY id",
        )
        return [row["description"] for row in found]


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        addons = info.root("whmcs1") / "modules" / "addons"
        addons.mkdir(parents=True, exist_ok=True)
        shutil.copytree(RELEASE_ADDON, addons / BILLING)
        yield info


@pytest.fixture
def admin(box: SandboxInfo) -> Iterator[Admin]:
    """A host with no addon active, no addon table and a fresh probe addon."""
    root = box.root("whmcs1")
    shutil.rmtree(root / "modules" / "addons" / PROBE, ignore_errors=True)
    shutil.copytree(PROBE_ADDON, root / "modules" / "addons" / PROBE)
    query(box, "DELETE FROM tbladdonmodules")
    query(box, "DELETE FROM tblactivitylog")
    query(box, "DELETE FROM tblconfiguration WHERE setting IN ('ActiveAddonModules', 'AddonModulesPerms')")
    query(box, "UPDATE tblconfiguration SET value = '' WHERE setting = 'AddonModulesHooks'")
    for table in ("mod_smartermail_packages", "mod_smartermail_billing_log", "mod_addonprobe"):
        query(box, f"DROP TABLE IF EXISTS {table}")
    yield Admin(box, root)


# ------------------------------------------------------------------------------ activation
def test_activating_the_release_addon_creates_its_tables_and_records_what_whmcs_records(admin: Admin) -> None:
    assert admin.settings() == {
        "ActiveAddonModules": None,
        "AddonModulesHooks": "",
        "AddonModulesPerms": None,
    }

    answer = admin.ok("activate-addon", BILLING)

    assert answer["activated"] is True and answer["changed"] is True
    assert answer["status"] == "success"
    assert (
        answer["description"] == "SmarterMail Billing is active: packages and billing log tables are ready."
    )
    assert admin.rows(BILLING) == [("version", "1.2.0"), ("access", "1"), ("log_retention_days", "90")]
    perms = 'a:1:{i:1;a:1:{s:19:"smartermail_billing";s:19:"SmarterMail Billing";}}'
    assert admin.settings() == {
        "ActiveAddonModules": BILLING,
        "AddonModulesHooks": BILLING,  # the addon ships a hooks.php
        "AddonModulesPerms": perms,
    }
    assert answer["AddonModulesPerms"] == perms
    assert {"mod_smartermail_packages", "mod_smartermail_billing_log"} <= admin.tables()
    packages = query(admin.box, "SELECT id, name, label FROM mod_smartermail_packages ORDER BY id")
    assert packages == [
        {"id": 1, "name": "default", "label": "Default"},
        {"id": 2, "name": "standard", "label": "Standard"},
        {"id": 3, "name": "premium", "label": "Premium"},
    ]
    unique = query(admin.box, "SHOW INDEX FROM mod_smartermail_packages WHERE Column_name = 'name'")
    assert unique and unique[0]["Non_unique"] == 0
    assert admin.activity() == [
        "Addon Module Activated - SmarterMail Billing",
        "Addon Module Access Permissions Changed - SmarterMail Billing",
    ]


def test_activating_again_runs_nothing_and_changes_nothing(admin: Admin) -> None:
    admin.ok("activate-addon", PROBE)
    before = (admin.rows(PROBE), admin.settings())

    again = admin.ok("activate-addon", PROBE)

    assert again["activated"] is False and again["changed"] is False
    assert (admin.rows(PROBE), admin.settings()) == before
    assert [call["function"] for call in admin.probe_calls()] == ["activate"]  # the button is disabled


def test_activate_calls_the_addon_without_arguments_and_stores_field_defaults_as_the_form_posts_them(
    admin: Admin,
) -> None:
    answer = admin.ok("activate-addon", PROBE, "--access", "3,1")

    assert admin.probe_calls() == [{"function": "activate", "args": []}]
    assert dict(admin.rows(PROBE)) == {
        "version": "2.0",
        "access": "1,3",
        "greeting": "hello",  # text: its Default
        "enabled": "on",  # yesno with a Default: ticked
        "quiet": "",  # yesno without one: unticked
        "colour": "red",  # dropdown without a Default: its first option is selected
    }
    # Roles in tbladminroles name order: Full Administrator (1) then Support Operator (3).
    assert answer["AddonModulesPerms"] == (
        'a:2:{i:1;a:1:{s:10:"addonprobe";s:11:"Addon Probe";}i:3;a:1:{s:10:"addonprobe";s:11:"Addon Probe";}}'
    )


def test_access_changes_only_the_access_row_and_the_permissions(admin: Admin) -> None:
    admin.ok("activate-addon", PROBE)
    query(
        admin.box,
        "UPDATE tbladdonmodules SET value = 'custom' WHERE module = %s AND setting = 'greeting'",
        PROBE,
    )

    answer = admin.ok("activate-addon", PROBE, "--access", "2")
    kept = admin.ok("activate-addon", PROBE)  # no --access: the recorded access stays

    assert answer["changed"] is True and kept["changed"] is False
    assert dict(admin.rows(PROBE))["access"] == "2"
    assert dict(admin.rows(PROBE))["greeting"] == "custom"  # a stored value is never reset
    assert admin.settings()["AddonModulesPerms"] == 'a:1:{i:2;a:1:{s:10:"addonprobe";s:11:"Addon Probe";}}'
    assert admin.ok("activate-addon", PROBE, "--access", "")["AddonModulesPerms"] == "a:0:{}"


@pytest.mark.parametrize("mode", ["info", "null"])
def test_info_and_empty_answers_count_as_success(admin: Admin, mode: str) -> None:
    admin.control_probe(activate=mode)

    answer = admin.ok("activate-addon", PROBE)

    assert answer["activated"] is True
    assert answer["status"] == ("info" if mode == "info" else "success")
    assert admin.settings()["ActiveAddonModules"] == PROBE


@pytest.mark.parametrize(
    ("mode", "message"), [("error", "probe activate said error"), ("throw", "probe activate exploded")]
)
def test_an_activation_error_is_reported_and_nothing_recorded(admin: Admin, mode: str, message: str) -> None:
    admin.ok("activate-addon", BILLING)
    before = admin.settings()
    admin.control_probe(activate=mode)

    done = admin.run("activate-addon", PROBE)

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"error: activating addon {PROBE}: {message}\n"
    assert admin.rows(PROBE) == []
    assert admin.settings() == before
    assert "mod_addonprobe" not in admin.tables()
    assert admin.activity()[-1] != "Addon Module Activated - Addon Probe"


def test_unknown_addons_and_roles_are_refused(admin: Admin) -> None:
    missing = admin.run("activate-addon", "no_such_addon")
    bad_role = admin.run("activate-addon", PROBE, "--access", "1,9")
    usage = admin.run("activate-addon")

    assert (missing.returncode, missing.stderr) == (
        1,
        "error: addon no_such_addon: Invalid Module Name. Please Try Again.\n",
    )
    assert bad_role.returncode == 1
    assert (
        bad_role.stderr
        == f"error: activating addon {PROBE}: admin role ID 9 not found (tbladminroles has 1,2,3)\n"
    )
    assert usage.returncode == 1 and usage.stderr.startswith("usage: php sandbox/admin.php")
    assert admin.rows(PROBE) == [] and admin.probe_calls() == []


# ------------------------------------------------------------------------------ deactivation
def test_deactivation_removes_the_records_and_keeps_the_tables(admin: Admin) -> None:
    admin.ok("activate-addon", PROBE)
    admin.ok("activate-addon", BILLING, "--access", "1,2")
    query(
        admin.box,
        "INSERT INTO mod_smartermail_billing_log (service_id, event, details) VALUES (7, 'created', 'x')",
    )

    answer = admin.ok("deactivate-addon", BILLING)

    assert answer["deactivated"] is True
    assert answer["description"] == "SmarterMail Billing is inactive; its tables and data were kept."
    assert admin.rows(BILLING) == []
    assert admin.settings() == {
        "ActiveAddonModules": PROBE,
        "AddonModulesHooks": PROBE,
        "AddonModulesPerms": 'a:1:{i:1;a:1:{s:10:"addonprobe";s:11:"Addon Probe";}}',
    }
    assert {"mod_smartermail_packages", "mod_smartermail_billing_log"} <= admin.tables()
    assert query(admin.box, "SELECT COUNT(*) AS n FROM mod_smartermail_billing_log") == [{"n": 1}]
    assert admin.ok("deactivate-addon", BILLING)["changed"] is False

    again = admin.ok("activate-addon", BILLING)  # re-activation over the kept tables
    assert again["activated"] is True
    assert query(admin.box, "SELECT COUNT(*) AS n FROM mod_smartermail_packages") == [{"n": 3}]


def test_a_deactivation_error_changes_nothing(admin: Admin) -> None:
    admin.ok("activate-addon", PROBE)
    before = (admin.rows(PROBE), admin.settings())
    admin.control_probe(deactivate="error")

    done = admin.run("deactivate-addon", PROBE)

    assert (done.returncode, done.stderr) == (
        1,
        f"error: deactivating addon {PROBE}: probe deactivate said error\n",
    )
    assert (admin.rows(PROBE), admin.settings()) == before


# ------------------------------------------------------------------------------ upgrade
def test_a_new_version_runs_the_upgrade_with_the_stored_settings_once(admin: Admin) -> None:
    admin.ok("activate-addon", PROBE)
    admin.control_probe(version="2.1")

    page = admin.ok("addon-modules")
    again = admin.ok("addon-modules")

    upgrades = [call for call in admin.probe_calls() if call["function"] == "upgrade"]
    assert len(upgrades) == 1
    stored = upgrades[0]["args"][0]
    assert stored["version"] == "2.0" and stored["greeting"] == "hello" and stored["access"] == "1"
    assert page["upgraded"] == {PROBE: {"from": "2.0", "to": "2.1"}}
    assert again["upgraded"] == {}
    assert dict(admin.rows(PROBE))["version"] == "2.1"


# ------------------------------------------------------------------------------ hooks at boot
def test_only_the_hooks_listed_in_addonmoduleshooks_load(admin: Admin) -> None:
    hooks_file = admin.probe() / "hooks.jsonl"
    add_client(admin.root, email="inactive@example.test")
    assert not hooks_file.exists()  # inactive: its hooks.php is not loaded

    admin.ok("activate-addon", PROBE)
    client = add_client(admin.root, email="active@example.test")
    assert [json.loads(line) for line in hooks_file.read_text().splitlines()] == [
        {"hook": "ClientAdd", "userid": client}
    ]

    # Active but left out of AddonModulesHooks (a hand-written activation): WHMCS loads nothing.
    query(admin.box, "UPDATE tblconfiguration SET value = '' WHERE setting = 'AddonModulesHooks'")
    add_client(admin.root, email="unlisted@example.test")
    assert len(hooks_file.read_text().splitlines()) == 1

    assert admin.ok("addon-modules")["AddonModulesHooks"] == PROBE  # displaying the page detects it again
    add_client(admin.root, email="detected@example.test")
    assert len(hooks_file.read_text().splitlines()) == 2

    admin.ok("deactivate-addon", PROBE)
    add_client(admin.root, email="deactivated@example.test")
    assert len(hooks_file.read_text().splitlines()) == 2
