"""The SmarterMail verify checks run through the real runner against the simulator over HTTP and HTTPS.

One test per broken link: each asserts which check fails, that the checks after it are skipped
(or still pass when they do not depend on it), the hint names the cause, and no domain is left.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import FAIL, PASS, SKIP
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckResult,
    TargetContext,
    run_checks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    SMARTERMAIL_CHECKS,
    close_target,
)
from fixtures.network import closed_port, full_backlog_port
from fixtures.simulator import RunningSimulator, simulator_fixtures

ADMIN_PASSWORD = "Adm1n-Verify-Secret-77"
USER_PASSWORD = "Us3r-Verify-Secret-88"
SECRETS = (ADMIN_PASSWORD, USER_PASSWORD)
CHAIN = ["dns", "port", "tls", "api", "credentials", "version", "canary"]


SIMULATOR_ARGS = ("--sysadmin", f"admin:{ADMIN_PASSWORD}", "--user", f"mailuser:{USER_PASSWORD}")
sim_process, sim = simulator_fixtures(*SIMULATOR_ARGS)
tls_sim_process, tls_sim = simulator_fixtures(*SIMULATOR_ARGS, tls=True, names=("tls_sim_process", "tls_sim"))


def settings_for(sim: RunningSimulator, **overrides: Any) -> dict[str, Any]:
    host, port = sim.host_port
    settings: dict[str, Any] = {
        "name": "mail1",
        "hostname": host,
        "port": port,
        "secure": sim.ca_file is not None,
        "username": "admin",
        "password": ADMIN_PASSWORD,
        "ca_file": str(sim.ca_file) if sim.ca_file else None,
        "verify_tls": True,
        "connect_timeout": 3.0,
        "timeout": 5.0,
        "canary": True,
        "canary_prefix": "smw-canary-",
        "canary_domain_path": "C:\\SmarterMail\\Domains\\",
    }
    settings.update(overrides)
    return settings


def verify(settings: dict[str, Any]) -> dict[str, CheckResult]:
    context = TargetContext(settings["name"], settings)
    try:
        results = run_checks([context], SMARTERMAIL_CHECKS)
    finally:
        close_target(context)
    assert_no_secret(results)
    return {result.id: result for result in results}


def assert_no_secret(results: list[CheckResult]) -> None:
    text = json.dumps([result.to_dict() for result in results], default=str)
    for secret in SECRETS:
        assert secret not in text


def statuses(results: dict[str, CheckResult]) -> dict[str, str]:
    return {check_id: result.status for check_id, result in results.items()}


def assert_failed_then_skipped(results: dict[str, CheckResult], failing: str, skipped: list[str]) -> None:
    assert results[failing].status == FAIL, results[failing]
    for check_id in skipped:
        assert results[check_id].status == SKIP, results[check_id]
        assert results[check_id].summary.startswith("skipped: ")


def domains_left(sim: RunningSimulator) -> list[str]:
    return [domain["name"] for domain in sim.state()["domains"]]


# ----- healthy -------------------------------------------------------------------------------------


def test_all_checks_pass_over_http(sim: RunningSimulator) -> None:
    results = verify(settings_for(sim))
    # tls does not apply to plain HTTP: it is left out, not passed or skipped.
    assert list(results) == [check for check in CHAIN if check != "tls"]
    assert set(statuses(results).values()) == {PASS}
    assert "REST API v1" in results["api"].summary
    assert results["version"].details["version"] == "100.0.9504"
    assert results["credentials"].details == {"username": "admin", "domain_count": 0}
    (run,) = results["canary"].details["runs"]
    assert run["steps_done"] == [
        "create",
        "impersonate",
        "dkim",
        "read",
        "suspend",
        "unsuspend",
        "usage",
        "terminate",
        "gone",
    ]
    assert domains_left(sim) == []


def test_all_checks_pass_over_https_with_the_ca_file(tls_sim: RunningSimulator) -> None:
    results = verify(settings_for(tls_sim))
    assert list(results) == CHAIN
    assert set(statuses(results).values()) == {PASS}
    tls = results["tls"]
    assert tls.details["protocol"].startswith("TLS")
    assert "simulator test CA" in tls.details["issuer"]
    assert tls.details["days_left"] > 14
    assert domains_left(tls_sim) == []


def test_a_host_name_is_resolved_first(sim: RunningSimulator) -> None:
    results = verify(settings_for(sim, hostname="localhost", canary=False))
    assert results["dns"].status == PASS
    assert "localhost resolves to" in results["dns"].summary
    assert "127.0.0.1" in results["dns"].details["addresses"]
    assert results["credentials"].status == PASS
    assert "canary" not in results


def test_without_canary_nothing_is_written(sim: RunningSimulator) -> None:
    results = verify(settings_for(sim, canary=False))
    assert "canary" not in results
    methods = {request["method"] for request in sim.state()["requests"]}
    paths = {request["path"] for request in sim.state()["requests"] if request["method"] == "POST"}
    assert methods <= {"GET", "POST"}
    assert paths <= {"/api/v1/auth/authenticate-user", "/api/v1/auth/logout-user"}


# ----- one test per broken link ---------------------------------------------------------------------


def test_unknown_host_name_fails_dns(sim: RunningSimulator) -> None:
    results = verify(settings_for(sim, hostname="no-such-host.invalid"))
    assert_failed_then_skipped(results, "dns", ["port", "api", "credentials", "version", "canary"])
    assert "no-such-host.invalid" in results["dns"].summary
    assert "resolver" in results["dns"].hint or "resolve" in results["dns"].summary


@pytest.mark.parametrize("style", ["401", "200"])
def test_wrong_password_fails_credentials_once(sim: RunningSimulator, style: str) -> None:
    sim.control("POST", "config", {"login_failure_style": style}).raise_for_status()
    results = verify(settings_for(sim, password="not-the-password"))
    assert_failed_then_skipped(results, "credentials", ["canary"])
    credentials = results["credentials"]
    assert credentials.summary.startswith("wrong sysadmin credentials")
    assert "'admin'" in credentials.summary
    assert "USERNAME_OR_PASSWORD_INCORRECT" in credentials.summary
    assert "IDS" in credentials.hint
    assert results["version"].status == PASS  # licensing/about needs no login: still reported
    login_attempts = [r for r in sim.state()["requests"] if r["path"].endswith("/auth/authenticate-user")]
    assert len(login_attempts) == 1  # tried once, never retried (SmarterMail's IDS)
    assert "not-the-password" not in json.dumps([r.to_dict() for r in results.values()])


def test_non_sysadmin_account_fails_credentials(sim: RunningSimulator) -> None:
    results = verify(settings_for(sim, username="mailuser", password=USER_PASSWORD))
    assert_failed_then_skipped(results, "credentials", ["canary"])
    credentials = results["credentials"]
    assert "'mailuser'" in credentials.summary
    assert "not a system administrator" in credentials.summary
    assert "needs a system administrator" in credentials.hint
    assert domains_left(sim) == []


def test_closed_port_is_refused() -> None:
    port = closed_port()
    results = verify(
        {"name": "mail1", "hostname": "127.0.0.1", "port": port, "secure": False, "canary": True}
    )
    assert_failed_then_skipped(results, "port", ["api", "credentials", "version", "canary"])
    assert results["port"].summary == f"TCP connect to 127.0.0.1:{port} was refused"
    assert "nothing listens on that port" in results["port"].hint
    assert "9998" in results["port"].hint
    assert results["port"].details["reason"] == "refused"


def test_filtered_port_times_out_and_blames_a_firewall() -> None:
    with full_backlog_port() as port:
        results = verify(
            {
                "name": "mail1",
                "hostname": "127.0.0.1",
                "port": port,
                "secure": True,
                "connect_timeout": 0.5,
                "canary": True,
            }
        )
    assert_failed_then_skipped(results, "port", ["tls", "api", "credentials", "version", "canary"])
    assert "timed out after 0.5 s" in results["port"].summary
    assert "a firewall is probably dropping the port" in results["port"].hint
    assert results["port"].details["reason"] == "timeout"


def test_api_disabled_fails_the_api_check(sim: RunningSimulator) -> None:
    sim.control("POST", "faults", {"fault": "api-disabled"}).raise_for_status()
    results = verify(settings_for(sim))
    assert_failed_then_skipped(results, "api", ["credentials", "version", "canary"])
    assert results["port"].status == PASS
    assert "HTML page" in results["api"].summary
    assert "the REST API is off or the path is wrong" in results["api"].hint
    assert domains_left(sim) == []


def test_server_error_on_the_api_is_named(sim: RunningSimulator) -> None:
    sim.control("POST", "faults", {"fault": "http-500", "path": "login-settings"}).raise_for_status()
    results = verify(settings_for(sim))
    assert_failed_then_skipped(results, "api", ["credentials", "version", "canary"])
    assert "HTTP 500" in results["api"].summary
    assert "server error" in results["api"].hint


def test_api_read_timeout_is_accepted_but_unanswered(sim: RunningSimulator) -> None:
    sim.control("POST", "faults", {"fault": "timeout", "path": "licensing/about"}).raise_for_status()
    results = verify(settings_for(sim, timeout=1.0))
    assert_failed_then_skipped(results, "api", ["credentials", "version", "canary"])
    assert "did not answer" in results["api"].summary
    assert "accepted the connection but did not answer" in results["api"].hint


def test_https_to_the_plain_http_port_is_named(sim: RunningSimulator) -> None:
    results = verify(settings_for(sim, secure=True))
    assert_failed_then_skipped(results, "tls", ["api", "credentials", "version", "canary"])
    assert "plain HTTP" in results["tls"].summary
    assert "the port speaks plain HTTP: set secure off / use port 443" in results["tls"].hint
    assert results["tls"].details["reason"] == "plain_http"
    assert sim.state()["requestCount"] == 0


def test_untrusted_certificate_fails_tls(tls_sim: RunningSimulator) -> None:
    results = verify(settings_for(tls_sim, ca_file=None))
    assert_failed_then_skipped(results, "tls", ["api", "credentials", "version", "canary"])
    assert "not trusted" in results["tls"].summary
    assert "--ca-file" in results["tls"].hint
    assert tls_sim.state()["requestCount"] == 0


def test_verification_off_warns_that_whmcs_would_refuse(tls_sim: RunningSimulator) -> None:
    results = verify(settings_for(tls_sim, ca_file=None, verify_tls=False, canary=False))
    assert results["tls"].status == "warn"
    assert "verification off" in results["tls"].summary
    assert "WHMCS module verifies" in results["tls"].hint
    assert results["credentials"].status == PASS


def test_version_15_fails_the_version_check(sim: RunningSimulator) -> None:
    sim.control("POST", "config", {"version": "15.0.1"}).raise_for_status()
    results = verify(settings_for(sim))
    assert_failed_then_skipped(results, "version", ["canary"])
    assert "SmarterMail 15.0.1" in results["version"].summary
    assert "16 or later" in results["version"].summary
    assert results["credentials"].status == PASS
    assert domains_left(sim) == []


def test_canary_refused_by_the_edition_domain_limit(sim: RunningSimulator) -> None:
    sim.control("POST", "config", {"max_domains": 0}).raise_for_status()
    results = verify(settings_for(sim))
    canary = results["canary"]
    assert canary.status == FAIL
    assert all(results[c].status == PASS for c in ("dns", "port", "api", "credentials", "version"))
    assert "create step failed" in canary.summary
    assert "DOMAIN_ADD_ERROR_LICENSE_LIMIT" in canary.summary
    assert "free edition allows only one domain" in canary.hint
    assert "--no-canary" in canary.hint
    assert canary.details["runs"][0]["steps_done"] == []
    assert domains_left(sim) == []


def test_canary_refused_on_a_one_domain_server_leaves_the_customer_domain(sim: RunningSimulator) -> None:
    host, port = sim.host_port
    with SmarterMailClient(host, port, False, "admin", ADMIN_PASSWORD) as client:
        client.add_domain(
            "customer.example",
            path="C:\\D\\customer.example",
            admin_username="owner",
            admin_password="x" * 12,
        )
    sim.control("POST", "config", {"max_domains": 1}).raise_for_status()
    results = verify(settings_for(sim))
    assert results["canary"].status == FAIL
    assert "--no-canary" in results["canary"].hint
    assert domains_left(sim) == ["customer.example"]
    deletions = sim.state()["deletions"]
    assert deletions == []
