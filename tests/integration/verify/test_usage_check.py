"""verify's ``usage`` check against the sandbox's WHMCS: the disk_gb metric the module's invoices bill.

One sandbox host with the install playbook run; the check first runs with no service, then one
test order (25 GB on the simulator) is placed through localAPI, which runs the cron's
TenantUsageMetrics task (the fixture module's MetricProvider). Each failure test breaks one link
the way it breaks in production, checks the exact summary and hint, then shows the fix working:
``cron.php do --TenantUsageMetrics`` makes the check pass again.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fixtures.install import run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query
from fixtures.verify_whmcs import verify_host
from smartermail_whmcs.sandbox.orders import BYTES_PER_GB, place_test_order
from smartermail_whmcs.sandbox.state import load_running_state

pytestmark = pytest.mark.slow

HOST = "whmcs1"
DOMAIN = "usage-check.test"
SERVER = "WHMCS server 'sandbox-simulator' (id 1)"
SETTINGS = "MetricUsageCollection on, TenantUsageMetrics enabled (every 720 min)"


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        run = run_playbook(info, "astral360.smartermail.install", "--skip-tags", "verify")
        assert run.returncode == 0, run.output[-3000:]
        yield info


def cron(box: SandboxInfo, *args: str) -> str:
    done = subprocess.run(
        ["php", "-q", str(box.root(HOST) / "crons" / "cron.php"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    return done.stdout


def usage_check(box: SandboxInfo) -> dict[str, Any]:
    """Run verify (read-only, no canary) and return the usage check's result."""
    done, checks = verify_host(box, "--no-canary")
    assert checks["server"]["status"] == "pass", checks["server"]
    usage = checks["usage"]
    if usage["status"] == "fail":
        assert done.returncode == 1
    return usage


def set_setting(box: SandboxInfo, name: str, value: str) -> None:
    query(box, "UPDATE tblconfiguration SET value = %s WHERE setting = %s", value, name)


def set_sim_usage(box: SandboxInfo, gb: float) -> None:
    answer = httpx.post(
        f"{box.simulator['url']}/__simulator/domains/{DOMAIN}/usage", json={"bytes": int(gb * BYTES_PER_GB)}
    )
    assert answer.status_code == 200, answer.text


def stored_disk_gb(box: SandboxInfo) -> list[str]:
    rows = query(
        box,
        "SELECT s.value FROM tbltenant_stats s JOIN tblserver_tenants t ON t.id = s.tenant_id"
        " WHERE t.tenant = %s AND s.metric = 'disk_gb'",
        DOMAIN,
    )
    return [str(row["value"]) for row in rows]


def assert_passes(box: SandboxInfo) -> dict[str, Any]:
    usage = usage_check(box)
    assert usage["status"] == "pass", usage
    assert usage["summary"].startswith(f"1 active service(s) on {SERVER} have a disk_gb metric, the oldest")
    assert "agreeing with SmarterMail for 1 domain(s) (within 10 % or 0.25 GB)" in usage["summary"]
    return usage


def cron_hint(box: SandboxInfo) -> str:
    return f"run 'php -q {box.root(HOST)}/crons/cron.php do --TenantUsageMetrics' and read its output"


# ------------------------------------------------------------------------------------------ tests


def test_without_active_services_it_passes_once_collection_is_on(box: SandboxInfo) -> None:
    usage = usage_check(box)
    assert usage["status"] == "pass", usage
    assert (
        usage["summary"] == f"no active services on {SERVER} yet, so no disk_gb metric to check; {SETTINGS}"
    )
    set_setting(box, "MetricUsageCollection", "")
    try:
        usage = usage_check(box)  # nothing is billed yet, but the next order would bill one tranche
    finally:
        set_setting(box, "MetricUsageCollection", "1")
    assert usage["status"] == "fail"
    assert usage["summary"] == (
        "MetricUsageCollection is '': WHMCS does not collect the disk_gb usage metric the module's invoices bill"
    )


@pytest.fixture(scope="module")
def service(box: SandboxInfo) -> int:
    """The test order: 25 GB on the simulator, metered by the cron (sandbox order's steps)."""
    placed = place_test_order(load_running_state(box.directory), HOST, DOMAIN, 25)
    assert stored_disk_gb(box) == ["25.000000"]
    return placed.service_id


def test_a_collected_metric_passes_with_diskusage_reported_as_information(
    box: SandboxInfo, service: int
) -> None:
    usage = assert_passes(box)
    assert usage["hint"] == ""
    assert usage["details"]["per_service"][0]["disk_gb"] == "25.000000"
    # The module's UsageUpdate writes nothing when WHMCS calls it per server: diskusage 0 is healthy.
    query(
        box, "UPDATE tblhosting SET diskusage = 0, lastupdate = '0000-00-00 00:00:00' WHERE id = %s", service
    )
    usage = assert_passes(box)
    assert (
        "tblhosting.diskusage (informational: the UsageUpdate figure, not what invoices use) is filled for 0 of them"
        in usage["summary"]
    )


def test_collection_switched_off_fails_and_the_cron_then_collects_nothing(
    box: SandboxInfo, service: int
) -> None:
    set_setting(box, "MetricUsageCollection", "off")
    try:
        query(box, "DELETE FROM tbltenant_stats")
        assert "skipped, MetricUsageCollection is off" in cron(box, "do", "--TenantUsageMetrics", "-v")
        assert stored_disk_gb(box) == []
        usage = usage_check(box)
    finally:
        set_setting(box, "MetricUsageCollection", "on")
    assert usage["status"] == "fail"
    assert usage["summary"] == (
        "MetricUsageCollection is 'off': WHMCS does not collect the disk_gb usage metric the module's invoices "
        f"bill; 1 of 1 active service(s) on {SERVER} have no disk_gb metric (never collected): {DOMAIN}"
    )
    assert usage["hint"].startswith(
        "enable Usage Metrics collection in WHMCS's General Settings (tblconfiguration MetricUsageCollection = on"
    )
    cron(box, "do", "--TenantUsageMetrics")
    assert stored_disk_gb(box) == ["25.000000"]
    assert_passes(box)


def test_a_metric_never_collected_fails_until_the_task_runs(box: SandboxInfo, service: int) -> None:
    query(box, "DELETE FROM tbltenant_stats")
    usage = usage_check(box)
    assert usage["status"] == "fail"
    assert usage["summary"] == (
        f"1 of 1 active service(s) on {SERVER} have no disk_gb metric (never collected): {DOMAIN}"
    )
    assert usage["hint"].startswith(
        cron_hint(box) + "; if they stay missing, check the module's MetricProvider"
    )
    cron(box, "do", "--TenantUsageMetrics")
    assert_passes(box)


def test_a_stale_metric_fails_until_the_task_runs(box: SandboxInfo, service: int) -> None:
    query(box, "UPDATE tbltenant_stats SET measured_at = measured_at - 3 * 86400")
    usage = usage_check(box)
    assert usage["status"] == "fail"
    assert usage["summary"] == (
        f"1 of 1 active service(s) on {SERVER} have a disk_gb metric older than 25.0 h, twice the "
        f"TenantUsageMetrics frequency of 720 min plus 60 min: {DOMAIN} (3 days ago)"
    )
    assert usage[
        "hint"
    ] == "the TenantUsageMetrics task has stopped running (see the cron check); " + cron_hint(box)
    cron(box, "do", "--TenantUsageMetrics")
    assert_passes(box)


def test_a_disabled_task_fails(box: SandboxInfo, service: int) -> None:
    query(
        box,
        "UPDATE tbltask SET is_enabled = 0 WHERE class_name = 'WHMCS\\\\Cron\\\\Task\\\\TenantUsageMetrics'",
    )
    try:
        usage = usage_check(box)
    finally:
        query(
            box,
            "UPDATE tbltask SET is_enabled = 1 WHERE class_name = 'WHMCS\\\\Cron\\\\Task\\\\TenantUsageMetrics'",
        )
    assert usage["status"] == "fail"
    assert usage["summary"] == (
        "the TenantUsageMetrics cron task is disabled (tbltask.is_enabled = 0): WHMCS never collects the disk_gb "
        "usage metric the module's invoices bill"
    )
    assert usage["hint"].startswith("enable it (UPDATE tbltask SET is_enabled = 1 WHERE class_name = ")


def test_a_metric_disagreeing_with_smartermail_fails_until_the_task_runs(
    box: SandboxInfo, service: int
) -> None:
    set_sim_usage(box, 40)
    try:
        usage = usage_check(box)
        assert usage["status"] == "fail"
        assert usage["summary"] == (
            f"the disk_gb metric differs from SmarterMail for 1 domain(s): {DOMAIN} (metric 25.00 GB, SmarterMail "
            "40.00 GB)"
        )
        assert usage["hint"].startswith("invoices bill the stored metric, so refresh it; " + cron_hint(box))
        set_sim_usage(box, 27)  # within 10 %: usage moves between collections
        assert_passes(box)
        cron(box, "do", "--TenantUsageMetrics")
        assert stored_disk_gb(box) == ["27.000000"]
        assert_passes(box)
    finally:
        set_sim_usage(box, 25)
        cron(box, "do", "--TenantUsageMetrics")


def test_a_service_whose_domain_is_not_on_smartermail_fails(box: SandboxInfo, service: int) -> None:
    query(box, "UPDATE tblhosting SET domain = 'elsewhere.test' WHERE id = %s", service)
    try:
        cron(box, "do", "--TenantUsageMetrics")  # the provider reports zeros for a domain it cannot manage
        usage = usage_check(box)
    finally:
        query(box, "UPDATE tblhosting SET domain = %s WHERE id = %s", DOMAIN, service)
    assert usage["status"] == "fail"
    assert usage["summary"] == (
        f"1 active service(s) on {SERVER} have a domain that is not on SmarterMail: elsewhere.test"
    )
