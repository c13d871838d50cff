"""The fixture module's MetricProvider (real php) against the simulator over HTTP and HTTPS.

WHMCS builds the provider with the server's parameters only and asks it for every Active service's
figures (usage()) or one tenant's (tenantUsage()); the services come from a real WHMCS database
(MariaDB, the sandbox schema) through Capsule on Illuminate Database. The usage-billing classes are
the WHMCS stand-in's own, and the provider class is found the way WHMCS finds it: autoloaded from the
module's lib/ folder by the stand-in's module autoloader.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fixtures.fixture_module import ModuleRun, module_params, needs_php, run_for
from fixtures.mariadb import WhmcsDatabase
from fixtures.simulator_api import Calls, DomainApi, domain_api_over_http_and_https

pytestmark = needs_php
api = domain_api_over_http_and_https()

GIB = 1024**3
MIB = 1024**2
SERVER_ID = 1
METRIC_NAMES = ["disk_gb", "email_accounts", "aliases", "eas_accounts", "mapi_accounts"]
UNITS = "WHMCS\\UsageBilling\\Metrics\\Units\\"


def server_params(api: DomainApi, **overrides: Any) -> dict[str, Any]:
    """What WHMCS passes a MetricProvider: the server's fields, no service."""
    service = module_params(api.sim)
    keys = ("serverhostname", "serverip", "serversecure", "serverport", "serverusername", "serverpassword")
    return {"server": True, "serverid": SERVER_ID, **{key: service[key] for key in keys}, **overrides}


def provider(
    api: DomainApi, method: str, *args: Any, database: WhmcsDatabase | None = None, **overrides: Any
) -> ModuleRun:
    return run_for(
        api.sim,
        "smartermail_MetricProvider",
        server_params(api, **overrides),
        then=(method, list(args)),
        database=database,
    )


def usage_of(metrics: list[dict[str, Any]]) -> dict[str, Any]:
    return {metric["systemName"]: metric["usage"] for metric in metrics}


@pytest.fixture
def services(whmcs_database: WhmcsDatabase) -> Iterator[WhmcsDatabase]:
    """Services as WHMCS keeps them: the API's domain Active on this server, others that must be left out."""
    rows = [
        ("example.test", SERVER_ID, "Active", "hiddenadm"),
        ("suspended.test", SERVER_ID, "Suspended", "suspadmin"),
        ("elsewhere.test", SERVER_ID + 1, "Active", "elseadmin"),
        ("", SERVER_ID, "Active", "nodomain1"),
    ]
    with whmcs_database.connect(autocommit=True) as connection, connection.cursor() as cursor:
        for domain, server, status, username in rows:
            cursor.execute(
                "INSERT INTO tblhosting (userid, orderid, packageid, server, regdate, domain, paymentmethod,"
                " billingcycle, nextinvoicedate, domainstatus, username, password, notes, subscriptionid,"
                " promoid, suspendreason, overideautosuspend, overidesuspenduntil, dedicatedip, assignedips,"
                " ns1, ns2) VALUES (1, 1, 1, %s, CURDATE(), %s, 'mailin', 'Monthly', CURDATE(), %s, %s, '',"
                " '', '', 0, '', 0, '0000-00-00', '', '', '', '')",
                (server, domain, status, username),
            )
    yield whmcs_database


def fill_domain(api: DomainApi) -> None:
    """Two mailboxes (jane: both protocols, joe: ActiveSync), one alias, 12 GiB + 5 MiB used."""
    assert (
        api.sa_settings(
            enableActiveSyncAccountManagement=True, enableMapiEwsAccountManagement=True
        ).status_code
        == 200
    )
    for name in ("jane", "joe"):
        assert api.add_user(name).status_code == 200
    assert api.add_alias("sales", api.email("jane")).status_code == 200
    patch = [
        {"emailAddress": api.email("jane"), "isActive": True},
        {"emailAddress": api.email("joe"), "isActive": True},
    ]
    assert api.da_post("active-sync-mailboxes-patch", patch).status_code == 200
    assert api.da_post("mapi-ews-mailboxes-patch", patch[:1]).status_code == 200
    answer = api.sim.control("POST", f"domains/{api.domain}/usage", json={"bytes": 12 * GIB + 5 * MIB})
    assert answer.status_code == 200, answer.text


def test_metrics_are_five_snapshots_and_need_no_server(api: DomainApi) -> None:
    calls = Calls(api.sim)
    metrics = provider(api, "metrics").result
    assert [m["systemName"] for m in metrics] == METRIC_NAMES
    assert {m["type"] for m in metrics} == {"snapshot"}
    assert [m["units"] for m in metrics] == [UNITS + "GigaBytes"] + [UNITS + "Accounts"] * 4
    assert all(m["usage"] is None and m["displayName"] for m in metrics)
    assert calls.made() == []


def test_usage_reports_every_active_service_of_this_server(api: DomainApi, services: WhmcsDatabase) -> None:
    fill_domain(api)
    calls = Calls(api.sim)
    run = provider(api, "usage", database=services)
    assert list(run.result) == ["example.test"]
    assert usage_of(run.result["example.test"]) == {
        "disk_gb": round(12293 / 1024, 4),  # sizeMb 12293.0 -> GB to 4 decimals
        "email_accounts": 3,  # jane, joe and the hidden admin
        "aliases": 1,
        "eas_accounts": 2,
        "mapi_accounts": 1,
    }
    assert calls.made() == [
        ("POST", "auth/authenticate-user", 200),
        ("POST", "settings/sysadmin/manage-domain/example.test", 200),
        ("GET", "settings/domain/data", 200),
        ("GET", "settings/domain/active-sync-mailboxes", 200),
        ("GET", "settings/domain/mapi-ews-mailboxes", 200),
    ]
    assert len([line for line in run.activity_log if "example.test" in line]) == 3


def test_usage_logs_in_once_for_all_domains_and_reports_a_missing_one_at_zero(
    api: DomainApi, services: WhmcsDatabase
) -> None:
    with services.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE tblhosting SET domainstatus = 'Active' WHERE domain = 'suspended.test'")
    calls = Calls(api.sim)
    result = provider(api, "usage", database=services).result
    assert sorted(result) == ["example.test", "suspended.test"]
    assert set(usage_of(result["suspended.test"]).values()) == {0}  # not on the server: zeros
    assert calls.paths().count("auth/authenticate-user") == 1
    assert ("POST", "settings/sysadmin/manage-domain/suspended.test", 404) in calls.made()


def test_usage_is_empty_when_the_sysadmin_login_fails(api: DomainApi, services: WhmcsDatabase) -> None:
    calls = Calls(api.sim)
    run = provider(api, "usage", database=services, serverpassword="wrong")
    assert run.result == []  # PHP's empty array
    assert calls.paths() == ["auth/authenticate-user"]
    assert any("sysadmin login failed" in line for line in run.activity_log)


def test_tenant_usage_finds_the_service_by_domain_then_by_username(
    api: DomainApi, services: WhmcsDatabase
) -> None:
    fill_domain(api)
    by_domain = usage_of(provider(api, "tenantUsage", "example.test", database=services).result)
    assert by_domain["disk_gb"] == round(12293 / 1024, 4) and by_domain["eas_accounts"] == 2
    assert usage_of(provider(api, "tenantUsage", "hiddenadm", database=services).result) == by_domain
    unknown = provider(api, "tenantUsage", "nobody.test", database=services).result
    assert [m["systemName"] for m in unknown] == METRIC_NAMES and set(usage_of(unknown).values()) == {0}


def test_tenant_usage_looks_only_on_this_server_unless_it_has_no_id(
    api: DomainApi, services: WhmcsDatabase
) -> None:
    """elsewhere.test belongs to server 2: by domain it is not found here (and no username matches it)."""
    calls = Calls(api.sim)
    here = provider(api, "tenantUsage", "elsewhere.test", database=services).result
    assert set(usage_of(here).values()) == {0}
    assert calls.paths() == ["auth/authenticate-user"]
    calls = Calls(api.sim)
    provider(api, "tenantUsage", "elsewhere.test", database=services, serverid=0)
    assert "settings/sysadmin/manage-domain/elsewhere.test" in calls.paths()
