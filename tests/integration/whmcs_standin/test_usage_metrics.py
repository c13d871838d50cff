"""Usage metrics as WHMCS collects them: the TenantUsageMetrics cron task and the admin "Refresh Now".

A test module (tests/fixtures/php/modules/servers/meterrecorder) provides the MetricProvider, its
class autoloaded from the module's lib/; the stand-in stores what it reports in tblserver_tenants /
tbltenant_stats (whmcs-runtime.md c.2, c.3), run through real php and MariaDB.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fixtures import standin
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query
from fixtures.standin_cron import (
    activity_since,
    add_product,
    add_server,
    add_service,
    cron,
    install_test_modules,
    last_activity_id,
    php_diagnostics,
    run_php,
    set_setting,
)
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow

DEFAULT_USAGE = {
    "alpha.test": {
        "disk_gb": "12.500000",
        "mailboxes": "7.000000",
        "sent_day": "100.000000",
        "traffic_month": "2048.250000",
    },
    "beta.test": {
        "disk_gb": "3.000000",
        "mailboxes": "2.000000",
        "sent_day": "5.000000",
        "traffic_month": "0.000000",
    },
}
TYPES = {"disk_gb": "snapshot", "mailboxes": "snapshot", "sent_day": "day", "traffic_month": "month"}


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        install_test_modules(info.root("whmcs1"))
        yield info


@pytest.fixture(autouse=True)
def only_this_tests_servers(box: SandboxInfo) -> None:
    """Each test starts with every server disabled and collection on, as a fresh install has it."""
    query(box, "UPDATE tblservers SET disabled = 1")
    set_setting(box, "MetricUsageCollection", "1")


def collect(box: SandboxInfo, *args: str) -> str:
    done = cron(box.root("whmcs1"), "do", "--TenantUsageMetrics", "-v", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def tenants(box: SandboxInfo, server_id: int) -> dict[str, dict[str, Any]]:
    rows = query(box, "SELECT * FROM tblserver_tenants WHERE server_id = %s ORDER BY id", server_id)
    return {row["tenant"]: row for row in rows}


def stats(box: SandboxInfo, server_id: int) -> list[dict[str, Any]]:
    return query(
        box,
        "SELECT t.tenant, s.* FROM tbltenant_stats s JOIN tblserver_tenants t ON t.id = s.tenant_id"
        " WHERE t.server_id = %s ORDER BY s.id",
        server_id,
    )


def values(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        table.setdefault(row["tenant"], {})[row["metric"]] = str(row["value"])
    return table


def at(day: str) -> float:
    """Noon UTC of ``day`` as a Unix time (the same date in any time zone from -11 to +11)."""
    return dt.datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()


def test_collects_every_tenant_the_provider_reports(box: SandboxInfo) -> None:
    server_id = add_server(box, "meterrecorder")
    before = time.time()
    output = collect(box)
    assert f"(ID {server_id}): 2 tenant(s)" in output
    assert set(tenants(box, server_id)) == {"alpha.test", "beta.test"}
    rows = stats(box, server_id)
    assert values(rows) == DEFAULT_USAGE
    for row in rows:
        assert row["type"] == TYPES[row["metric"]]
        assert before - 1 <= float(row["measured_at"]) <= time.time() + 1
        assert row["invoice_id"] == 0 and row["created_at"] is not None
    for tenant in tenants(box, server_id).values():
        assert tenant["created_at"] is not None and tenant["updated_at"] is not None


def test_a_second_run_overwrites_snapshots_and_moves_measured_at_forward(box: SandboxInfo) -> None:
    server_id = add_server(box, "meterrecorder")
    collect(box)
    first = {(row["tenant"], row["metric"]): row for row in stats(box, server_id)}
    changed = {"alpha.test": {"disk_gb": 20, "mailboxes": 9, "sent_day": 150, "traffic_month": 4096}}
    query(
        box,
        "UPDATE tblservers SET accesshash = %s WHERE id = %s",
        json.dumps({"tenants": changed}),
        server_id,
    )
    collect(box)
    second = {(row["tenant"], row["metric"]): row for row in stats(box, server_id)}
    assert second.keys() == first.keys()  # no duplicate rows, beta.test's rows left as they were
    assert values(list(second.values()))["alpha.test"] == {
        "disk_gb": "20.000000",
        "mailboxes": "9.000000",
        "sent_day": "150.000000",  # same day: the day's row is overwritten
        "traffic_month": "4096.000000",
    }
    for key, row in second.items():
        assert row["id"] == first[key]["id"]
        if key[0] == "alpha.test":
            assert row["measured_at"] > first[key]["measured_at"]
        else:
            assert row == first[key]
    assert len(tenants(box, server_id)) == 2


def test_day_and_month_metrics_keep_one_row_per_period(box: SandboxInfo) -> None:
    usage = {"alpha.test": {"disk_gb": 1, "sent_day": 10, "traffic_month": 100}}
    server_id = add_server(box, "meterrecorder")

    def collect_at(day: str, scale: int) -> None:
        scaled = {tenant: {m: v * scale for m, v in metrics.items()} for tenant, metrics in usage.items()}
        access = json.dumps({"tenants": scaled, "collected_at": at(day)})
        query(box, "UPDATE tblservers SET accesshash = %s WHERE id = %s", access, server_id)
        collect(box)

    collect_at("2026-01-10", 1)
    collect_at("2026-01-11", 2)
    collect_at("2026-02-03", 3)
    rows = stats(box, server_id)
    by_metric: dict[str, list[tuple[str, Decimal]]] = {}
    for row in rows:
        by_metric.setdefault(row["metric"], []).append((str(row["value"]), row["measured_at"]))
    assert by_metric["disk_gb"] == [("3.000000", Decimal(f"{at('2026-02-03'):.6f}"))]
    assert [value for value, _ in by_metric["sent_day"]] == ["10.000000", "20.000000", "30.000000"]
    assert [value for value, _ in by_metric["traffic_month"]] == ["200.000000", "300.000000"]

    # A measurement older than the stored one overwrites the value but not measured_at.
    collect_at("2026-01-20", 5)
    snapshot = [row for row in stats(box, server_id) if row["metric"] == "disk_gb"]
    assert [(str(row["value"]), row["measured_at"]) for row in snapshot] == [
        ("5.000000", Decimal(f"{at('2026-02-03'):.6f}"))
    ]
    january = next(row for row in stats(box, server_id) if row["metric"] == "traffic_month")
    assert (str(january["value"]), january["measured_at"]) == (
        "500.000000",
        Decimal(f"{at('2026-01-20'):.6f}"),
    )


@pytest.mark.parametrize("setting", ["", "0", "off", None])
def test_collection_off_collects_nothing(box: SandboxInfo, setting: str | None) -> None:
    server_id = add_server(box, "meterrecorder")
    set_setting(box, "MetricUsageCollection", setting)
    output = collect(box)
    assert "skipped, MetricUsageCollection is off" in output
    assert tenants(box, server_id) == {}


@pytest.mark.parametrize("setting", ["on", "1"])
def test_collection_on_is_on_or_1(box: SandboxInfo, setting: str) -> None:
    server_id = add_server(box, "meterrecorder")
    set_setting(box, "MetricUsageCollection", setting)
    collect(box)
    assert set(tenants(box, server_id)) == {"alpha.test", "beta.test"}


def test_a_disabled_server_is_skipped(box: SandboxInfo) -> None:
    disabled = add_server(box, "meterrecorder", disabled=1)
    enabled = add_server(box, "meterrecorder")
    collect(box)
    assert tenants(box, disabled) == {}
    assert set(tenants(box, enabled)) == {"alpha.test", "beta.test"}


def test_servers_without_a_provider_are_skipped(box: SandboxInfo) -> None:
    plain = add_server(box, "plainserver")
    no_provider = add_server(box, "meterrecorder", access={"provider": "none"})
    with_provider = add_server(box, "meterrecorder")
    mark = last_activity_id(box)
    output = collect(box)
    assert tenants(box, plain) == {} and tenants(box, no_provider) == {}
    assert set(tenants(box, with_provider)) == {"alpha.test", "beta.test"}
    assert "1 server(s), 2 tenant(s) updated" in output
    assert not [line for line in activity_since(box, mark) if "Failed" in line]


def test_a_throwing_provider_is_logged_and_the_other_servers_are_collected(box: SandboxInfo) -> None:
    failing = add_server(box, "meterrecorder", access={"throw": "meter offline"}, name="a-failing")
    working = add_server(box, "meterrecorder", name="b-working")
    mark = last_activity_id(box)
    done = cron(box.root("whmcs1"), "do", "--TenantUsageMetrics")
    assert done.returncode == 0
    message = f"Tenant Usage Metrics Failed: RuntimeException: meter offline - Server ID: {failing}"
    assert f"warning: {message}" in done.stderr
    assert message in activity_since(box, mark)
    assert tenants(box, failing) == {}
    assert set(tenants(box, working)) == {"alpha.test", "beta.test"}


# ---------------------------------------------------------------- admin "Refresh Now"


def refresh(box: SandboxInfo, service_id: int) -> tuple[int, dict[str, Any] | str]:
    done = run_php(box.root("whmcs1"), "sandbox/admin.php", "refresh-usage", str(service_id))
    assert not php_diagnostics(done.stderr), done.stderr
    return done.returncode, json.loads(done.stdout) if done.returncode == 0 else done.stderr


def test_refresh_now_stores_one_services_usage(box: SandboxInfo) -> None:
    server_id = add_server(box, "meterrecorder")
    service = add_service(box, server_id, "beta.test", product_id=add_product(box, "meterrecorder"))
    code, answer = refresh(box, service)
    assert code == 0
    assert answer == {
        "success": True,
        "tenant": "beta.test",
        "server_id": server_id,
        "provider": True,
        "metrics": {"disk_gb": 3, "mailboxes": 2, "sent_day": 5, "traffic_month": 0},
    }
    assert list(tenants(box, server_id)) == ["beta.test"]  # only that tenant, not the whole server
    assert values(stats(box, server_id)) == {"beta.test": DEFAULT_USAGE["beta.test"]}
    # Refreshing again overwrites the same rows.
    refresh(box, service)
    assert len(stats(box, server_id)) == 4


def test_refresh_now_for_a_tenant_the_provider_does_not_know_stores_nothing(box: SandboxInfo) -> None:
    server_id = add_server(box, "meterrecorder")
    service = add_service(box, server_id, "unknown.test", product_id=add_product(box, "meterrecorder"))
    code, answer = refresh(box, service)
    assert code == 0
    assert answer == {
        "success": True,
        "tenant": "unknown.test",
        "server_id": server_id,
        "provider": True,
        "metrics": {},
    }
    assert tenants(box, server_id) == {}


@pytest.mark.parametrize(
    ("server", "domain", "message"),
    [
        (False, "alpha.test", "Tenant Identifier or Server ID missing"),
        (True, "", "Tenant Identifier or Server ID missing"),
    ],
)
def test_refresh_now_needs_a_tenant_and_a_server(
    box: SandboxInfo, server: bool, domain: str, message: str
) -> None:
    server_id = add_server(box, "meterrecorder") if server else 0
    service = add_service(box, server_id, domain, product_id=add_product(box, "meterrecorder"))
    code, answer = refresh(box, service)
    assert code == 1
    assert answer == f"error: service ID {service}: {message}\n"


def test_refresh_now_reports_a_throwing_provider(box: SandboxInfo) -> None:
    server_id = add_server(box, "meterrecorder", access={"throw": "meter offline"})
    service = add_service(box, server_id, "alpha.test", product_id=add_product(box, "meterrecorder"))
    code, answer = refresh(box, service)
    assert (code, answer) == (1, f"error: service ID {service}: meter offline\n")
    assert tenants(box, server_id) == {}


def test_refresh_now_of_an_unknown_service(box: SandboxInfo) -> None:
    assert refresh(box, 999999) == (1, "error: service ID 999999: Service ID Not Found\n")


# ---------------------------------------------------------------- the UsageBilling classes

_CLASSES_PROBE = r"""
require $argv[1];
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Metrics\{Metric, NoUsage, Usage};
use WHMCS\UsageBilling\Metrics\Units\{Accounts, Bytes, Domains, FloatingPoint, GigaBytes, MegaBytes, WholeNumber};
$unit = function ($u) {
    return [get_class($u), $u->name(), $u->perUnitName(1), $u->perUnitName(2), $u->prefix(), $u->suffix(),
        $u->type(), $u->decorate(2.345), $u->roundForType(2.345)];
};
$bare = new Metric('disk');
$used = $bare->withUsage(new Usage('7.5', 1700000000.25));
echo json_encode([
    'types' => [MetricInterface::TYPE_SNAPSHOT, MetricInterface::TYPE_PERIOD_DAY, MetricInterface::TYPE_PERIOD_MONTH],
    'units' => array_map($unit, [new WholeNumber(), new FloatingPoint(), new Bytes(), new MegaBytes(),
        new GigaBytes(), new Accounts(), new Domains(), new Accounts('Mailboxes', 'Mailbox', 'Mailboxes')]),
    'bare' => [$bare->displayName(), $bare->type(), get_class($bare->usage()), $bare->usage()->value(),
        get_class($bare->units()), (new Metric('x', 'X', 'weekly'))->type()],
    'used' => [$used->systemName(), $used->usage()->value(), $used->usage()->collectedAt()->format('U.u'),
        $used->usage()->startAt()->format('U.u'), $bare->usage() instanceof NoUsage],
    'now' => abs(microtime(true) - (float) (new Usage(1))->collectedAt()->format('U.u')) < 5,
    'bytes' => Bytes::convert(3 * 1024 * 1024 * 1024, 'B', 'GB'),
]);
"""


def test_usage_billing_classes_behave_as_whmcs_documents_them(box: SandboxInfo) -> None:
    done = subprocess.run(
        ["php", "-d", "error_reporting=-1", "-r", _CLASSES_PROBE, str(box.root("whmcs1") / "init.php")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    probe = json.loads(done.stdout)
    assert probe["types"] == ["snapshot", "day", "month"]
    prefix = "WHMCS\\UsageBilling\\Metrics\\Units\\"
    assert probe["units"] == [
        [prefix + "WholeNumber", "", "", "", "", "", "int", "2", 2],
        [prefix + "FloatingPoint", "", "", "", "", "", "low", "2.35", 2.35],
        [prefix + "Bytes", "Bytes", "Byte", "Bytes", "", "B", "low", "2.35 B", 2.35],
        [prefix + "MegaBytes", "Megabytes", "MB", "MB", "", "MB", "low", "2.35 MB", 2.35],
        [prefix + "GigaBytes", "Gigabytes", "GB", "GB", "", "GB", "low", "2.35 GB", 2.35],
        [prefix + "Accounts", "Accounts", "Account", "Accounts", "", "", "int", "2", 2],
        [prefix + "Domains", "Domains", "Domain", "Domains", "", "", "int", "2", 2],
        [prefix + "Accounts", "Mailboxes", "Mailbox", "Mailboxes", "", "", "int", "2", 2],
    ]
    assert probe["bare"] == [
        "disk",
        "snapshot",
        "WHMCS\\UsageBilling\\Metrics\\NoUsage",
        0,
        prefix + "FloatingPoint",
        "snapshot",
    ]
    assert probe["used"] == ["disk", 7.5, "1700000000.250000", "1700000000.250000", True]
    assert probe["now"] is True
    assert probe["bytes"] == 3


# ---------------------------------------------------------------- the fixture module on the simulator


def simulator_domain_with_usage(box: SandboxInfo, usage_bytes: int) -> str:
    """A domain created on the simulator as the sysadmin, its disk usage set via the control API."""
    simulator = box.simulator
    verify = box.simulator_verify
    login = httpx.post(
        f"{simulator['url']}/api/v1/auth/authenticate-user",
        json={"username": simulator["sysadmin"]["username"], "password": simulator["sysadmin"]["password"]},
        verify=verify,
        timeout=10,
    )
    login.raise_for_status()
    domain = f"metrics-{uuid.uuid4().hex[:10]}.test"
    created = httpx.post(
        f"{simulator['url']}/api/v1/settings/sysadmin/domain-put",
        headers={"Authorization": f"Bearer {login.json()['accessToken']}"},
        json={
            "adminUsername": "postmaster",
            "adminPassword": uuid.uuid4().hex,
            "deliverLocallyForExternalDomain": False,
            "domainLocation": 0,
            "domainLocationAddress": "",
            "domainData": {"name": domain, "hostname": f"mail.{domain}", "userLimit": 0, "maxSize": 0},
        },
        verify=verify,
        timeout=10,
    )
    assert created.status_code == 200, created.text
    usage = httpx.post(
        f"{simulator['url']}/__simulator/domains/{domain}/usage",
        json={"bytes": usage_bytes},
        verify=verify,
        timeout=10,
    )
    assert usage.status_code == 200, usage.text
    return domain


def test_the_fixture_modules_provider_collects_disk_usage_from_the_simulator(box: SandboxInfo) -> None:
    root = box.root("whmcs1")
    if not (root / "modules" / "servers" / "smartermail").exists():
        shutil.copytree(FIXTURE_MODULE_DIR, root / "modules" / "servers" / "smartermail")
    simulator = box.simulator
    server_id = standin.add_server(
        box,
        "smartermail",
        name="simulator",
        hostname="127.0.0.1",
        username=simulator["sysadmin"]["username"],
        password=simulator["sysadmin"]["password"],
        secure=simulator["url"].startswith("https"),
        port=int(simulator["port"]),
    )
    domain = simulator_domain_with_usage(box, int(5.5 * 1024**3))
    add_service(box, server_id, domain)
    collect(box)
    [tenant] = tenants(box, server_id).values()
    assert tenant["tenant"] == domain
    by_metric = {row["metric"]: row for row in stats(box, server_id)}
    assert set(by_metric) == {"disk_gb", "email_accounts", "aliases", "eas_accounts", "mapi_accounts"}
    assert (str(by_metric["disk_gb"]["value"]), by_metric["disk_gb"]["type"]) == ("5.500000", "snapshot")

    # The usage grows on the simulator; the next collection overwrites the same row.
    grown = httpx.post(
        f"{simulator['url']}/__simulator/domains/{domain}/usage",
        json={"bytes": 21 * 1024**3},
        verify=box.simulator_verify,
        timeout=10,
    )
    assert grown.status_code == 200, grown.text
    collect(box)
    [disk] = [row for row in stats(box, server_id) if row["metric"] == "disk_gb"]
    assert (disk["id"], str(disk["value"])) == (by_metric["disk_gb"]["id"], "21.000000")
