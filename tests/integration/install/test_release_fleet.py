"""The test release 1.2.0 (24 settings, an addon) installed on a fresh sandbox fleet by the install playbook.

Issue 15's finish line: the dry run predicts the real run task for task and writes nothing; the real
run copies the server module and the addon, activates the addon inside WHMCS (its tables exist,
WHMCS's records are written), stores the 24th setting with the module's default; a re-run and a
dry run after it change nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.install import host_snapshot, run_playbook
from fixtures.module_release import RELEASE_VERSION, build_release
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting

INSTALL = "astral360.smartermail.install"
HOSTS = ("whmcs1", "whmcs2")
ADDON = "smartermail_billing"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fleet() -> Iterator[SandboxInfo]:
    with sandbox(hosts=len(HOSTS)) as info:
        yield info


def test_release_with_addon_installs_on_the_fleet_and_check_predicts_it(
    fleet: SandboxInfo, tmp_path: Path
) -> None:
    release = build_release(tmp_path / "release")
    extra = {"smartermail_module_src": str(release)}
    before = {host: host_snapshot(fleet, host) for host in HOSTS}

    dry = run_playbook(fleet, INSTALL, "--check", "--diff", extra_vars=extra, tmp_path=tmp_path)
    assert dry.returncode == 0, dry.output[-3000:]
    assert {host: host_snapshot(fleet, host) for host in HOSTS} == before, "the dry run wrote something"

    real = run_playbook(fleet, INSTALL, "--diff", extra_vars=extra, tmp_path=tmp_path)
    assert real.returncode == 0, real.output[-3000:]
    for host in HOSTS:
        assert real.failed(host) == 0, real.recap
        # The dry run announced every change the real run made (verify, skipped in check mode, changes nothing).
        assert dry.changed(host) == real.changed(host), (dry.recap, real.recap)

        addon_file = Path(fleet.host(host)["whmcs_root"]) / "modules/addons" / ADDON / f"{ADDON}.php"
        assert addon_file.read_bytes() == (release / "modules/addons" / ADDON / f"{ADDON}.php").read_bytes()
        active = (setting(fleet, "ActiveAddonModules", host=host) or "").split(",")
        assert ADDON in active, active
        rows = query(fleet, "SELECT setting, value FROM tbladdonmodules WHERE module = %s", ADDON, host=host)
        recorded = {row["setting"]: row["value"] for row in rows}
        assert recorded["version"] == RELEASE_VERSION, recorded
        assert recorded["access"] == "1", recorded  # Full Administrator
        packages = query(fleet, "SELECT name FROM mod_smartermail_packages ORDER BY id", host=host)
        assert [row["name"] for row in packages] == ["default", "standard", "premium"]
        assert query(fleet, "SELECT COUNT(*) AS n FROM mod_smartermail_billing_log", host=host)[0]["n"] == 0
        stored = query(
            fleet, "SELECT configoption24 FROM tblproducts WHERE servertype = 'smartermail'", host=host
        )
        assert stored and all(row["configoption24"] == "default" for row in stored), stored

    again = run_playbook(fleet, INSTALL, extra_vars=extra, tmp_path=tmp_path)
    assert again.returncode == 0, again.output[-3000:]
    after = {host: host_snapshot(fleet, host) for host in HOSTS}
    check = run_playbook(fleet, INSTALL, "--check", "--diff", extra_vars=extra, tmp_path=tmp_path)
    assert check.returncode == 0, check.output[-3000:]
    for host in HOSTS:
        assert again.changed(host) == 0, again.recap
        assert check.changed(host) == 0, check.recap
    assert {host: host_snapshot(fleet, host) for host in HOSTS} == after
