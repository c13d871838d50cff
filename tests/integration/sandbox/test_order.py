"""`smartermail-whmcs sandbox order`: refusals before anything is written.

The success path (AddOrder, AcceptOrder running the module's Create, metering, invoicing) is
tests/integration/whmcs_standin/test_flows_end_to_end.py; the demo and the verify tests use it too.
"""

from __future__ import annotations

import httpx
from fixtures.sandbox import SandboxInfo, run_sandbox_cli
from fixtures.sandbox_db import query


def test_order_before_the_install_is_refused_and_creates_nothing(whmcs_sandbox: SandboxInfo) -> None:
    done = run_sandbox_cli("order", "--dir", str(whmcs_sandbox.directory), "--domain", "early.test")
    assert done.returncode == 1
    assert done.stderr == (
        "error: whmcs1: no SmarterMail server or product in WHMCS yet: run the install playbook first\n"
    )
    for table in ("tblclients", "tblorders", "tblhosting", "tblinvoices"):
        assert query(whmcs_sandbox, f"SELECT COUNT(*) AS n FROM {table}") == [{"n": 0}], table  # noqa: S608
    state = httpx.get(
        f"{whmcs_sandbox.simulator['url']}/__simulator/state", verify=whmcs_sandbox.simulator_verify
    )
    assert state.json()["domains"] == []


def test_order_on_an_unknown_host_or_without_a_sandbox_is_a_usage_error(
    whmcs_sandbox: SandboxInfo, tmp_path
) -> None:
    unknown = run_sandbox_cli(
        "order", "--dir", str(whmcs_sandbox.directory), "--host", "whmcs9", "--domain", "a.test"
    )
    assert unknown.returncode == 2 and "no sandbox host 'whmcs9'" in unknown.stderr
    negative = run_sandbox_cli(
        "order", "--dir", str(whmcs_sandbox.directory), "--domain", "a.test", "--usage-gb", "-1"
    )
    assert negative.returncode == 2 and "--usage-gb" in negative.stderr and "Traceback" not in negative.stderr
    missing = run_sandbox_cli("order", "--dir", str(tmp_path), "--domain", "a.test")
    assert missing.returncode == 2 and "holds no sandbox" in missing.stderr


def test_api_and_cron_commands_reach_the_hosts_php(whmcs_sandbox: SandboxInfo) -> None:
    directory = str(whmcs_sandbox.directory)
    details = run_sandbox_cli("api", "--dir", directory, "WhmcsDetails")
    assert details.returncode == 0, details.stderr
    assert '"canonicalversion": "8.13.0-release.1"' in details.stdout
    unknown = run_sandbox_cli("api", "--dir", directory, "NoSuchCommand")
    assert unknown.returncode == 1 and unknown.stderr == "error: whmcs1: NoSuchCommand: Command Not Found\n"
    cron = run_sandbox_cli("cron", "--dir", directory, "do", "--UpdateServerUsage", "-v")
    assert cron.returncode == 0 and "UpdateServerUsage" in cron.stdout, cron.stdout + cron.stderr
    bad = run_sandbox_cli("cron", "--dir", directory, "do", "--NoSuchTask")
    assert bad.returncode == 1 and 'Unknown task "NoSuchTask"' in bad.stderr
