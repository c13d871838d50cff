"""The canary against the simulator: the module's calls and bodies, both success rules, safety and cleanup.

What travels is recorded twice: by an httpx transport under the verify client (method, path,
exact body bytes, Authorization header) and by the simulator itself (``Calls``: method, path,
status). The expected bodies below are written from module-api-calls.md 2.1-2.3 and 3.1-3.5, not
from the canary's code. Whatever goes wrong, GET /__simulator/state must show no canary domain
afterwards (unless the test makes deletion itself impossible, and then the result says so), and a
domain the canary did not create is never deleted. The WHMCS products part uses a sandbox host's
database (marked slow).
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import (
    ADMIN_PASSWORD_ALPHABET,
    CanaryCancelled,
    CanaryCleanupError,
    canary_name,
    cleanup_canaries,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import (
    create_options,
    default_options,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_run import STEPS, CanaryRun
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import FAIL, PASS, SKIP, WARN
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckResult,
    TargetContext,
    run_checks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    CLIENT_KEY,
    SMARTERMAIL_CHECKS,
    close_target,
)
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import connect_host
from fixtures.simulator import RunningSimulator, simulator_fixtures
from fixtures.simulator_api import Calls
from fixtures.whmcs_rows import insert_row

ADMIN_PASSWORD = "Canary-Admin-Secret-51"
MAX_ROUND_TRIPS = 20  # 15 module calls and 4 reads of our own for one product (19), plus a DKIM rollover

sim_process, sim = simulator_fixtures("--sysadmin", f"admin:{ADMIN_PASSWORD}")


@dataclass
class Sent:
    method: str
    path: str  # under /api/v1/
    content: bytes
    authorization: str
    status: int

    @property
    def body(self) -> Any:
        return json.loads(self.content) if self.content else None


class Recorder(httpx.BaseTransport):
    """A real HTTP transport that keeps every request it sends; ``after(path_end)`` runs a hook once."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[Sent] = []
        self.hooks: dict[str, Callable[[], None]] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        response = self.inner.handle_request(request)
        path = request.url.path.removeprefix("/api/v1/")
        self.sent.append(
            Sent(
                request.method, path, content, request.headers.get("authorization", ""), response.status_code
            )
        )
        for ending, hook in list(self.hooks.items()):
            if path.endswith(ending):
                del self.hooks[ending]
                hook()
        return response

    def close(self) -> None:
        self.inner.close()


def recording_client(sim: RunningSimulator, recorder: Recorder) -> SmarterMailClient:
    host, port = sim.host_port
    return SmarterMailClient(host, port, False, "admin", ADMIN_PASSWORD, timeout=5.0, transport=recorder)


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[SmarterMailClient]:
    host, port = sim.host_port
    with SmarterMailClient(host, port, False, "admin", ADMIN_PASSWORD, timeout=5.0) as smartermail:
        smartermail.login()
        yield smartermail


def settings_for(sim: RunningSimulator, **overrides: Any) -> dict[str, Any]:
    host, port = sim.host_port
    settings = {
        "name": "mail1",
        "hostname": host,
        "port": port,
        "secure": False,
        "username": "admin",
        "password": ADMIN_PASSWORD,
        "connect_timeout": 3.0,
        "timeout": 5.0,
        "canary": True,
    }
    settings.update(overrides)
    return settings


def verify(context: TargetContext) -> dict[str, CheckResult]:
    try:
        results = run_checks([context], SMARTERMAIL_CHECKS)
    finally:
        close_target(context)
    text = json.dumps([result.to_dict() for result in results], default=str)
    assert ADMIN_PASSWORD not in text
    return {result.id: result for result in results}


def only_run(result: CheckResult) -> dict[str, Any]:
    (run,) = result.details["runs"]
    return run


def domains_left(sim: RunningSimulator) -> list[str]:
    return [domain["name"] for domain in sim.state()["domains"]]


def add_fault(sim: RunningSimulator, **rule: Any) -> None:
    sim.control("POST", "faults", rule).raise_for_status()


PRODUCT = {
    "configoption5": "D:\\Mail\\Domains\\",
    "configoption6": "203.0.113.7",
    "configoption7": "25",
    "configoption8": "",  # keep the data on termination
    "configoption14": "on",
    "configoption15": "",
}


# ----- the module's calls, exactly ---------------------------------------------------------------


def test_the_canary_sends_the_module_s_calls_and_bodies_in_its_order(sim: RunningSimulator) -> None:
    recorder = Recorder()
    seen: dict[str, Any] = {}
    with recording_client(sim, recorder) as smartermail:
        smartermail.login()  # as the credentials check leaves the shared client
        recorder.sent.clear()
        calls = Calls(sim)
        name = canary_name()
        run = CanaryRun(smartermail, ADMIN_PASSWORD, name, create_options(PRODUCT))
        # At the end of the module's Create (its DKIM read): the domain as its calls left it.
        recorder.hooks["settings/domain/domain"] = lambda: seen.update(sim.state()["domains"][0])
        run.run()
    sa = f"settings/sysadmin/domain/{name}"
    settings = f"settings/sysadmin/domain-settings/{name}"
    login = {"username": "admin", "password": ADMIN_PASSWORD}
    expected: list[tuple[str, str, Any]] = [
        # Create (3.1): login, probe, domain-put, domain-settings, manage-domain, DKIM
        ("POST", "auth/authenticate-user", login),
        ("GET", sa, None),
        (
            "POST",
            "settings/sysadmin/domain-put",
            {
                "adminUsername": run.admin,
                "adminPassword": "<24 characters>",
                "deliverLocallyForExternalDomain": False,
                "domainLocation": 0,
                "domainLocationAddress": "",
                "domainData": {
                    "name": name,
                    "hostname": "mail." + name,
                    "userLimit": 25,
                    "maxSize": 0,
                    "aliasLimit": 0,
                    "listLimit": 0,
                    "path": "D:\\Mail\\Domains\\" + name,
                },
            },
        ),
        (
            "POST",
            settings,
            {
                "domainSettings": {
                    "isEnabled": True,
                    "enableMailForwarding": True,
                    "enableSmtpAccounts": True,
                    "enableActiveSyncAccountManagement": True,
                    "enableMapiEwsAccountManagement": False,
                    "outgoingIP": "203.0.113.7",
                }
            },
        ),
        ("POST", f"settings/sysadmin/manage-domain/{name}", []),
        ("POST", "settings/domain/dkim-enable/false", []),
        ("GET", "settings/domain/domain", None),
        # our read-back (not the module's)
        ("GET", sa, None),
        ("GET", settings, None),
        # Suspend (3.2), our read, Unsuspend
        ("POST", "auth/authenticate-user", login),
        ("POST", settings, {"domainSettings": {"isEnabled": False}}),
        ("GET", sa, None),
        ("POST", "auth/authenticate-user", login),
        ("POST", settings, {"domainSettings": {"isEnabled": True}}),
        # UsageUpdate (3.5)
        ("POST", "auth/authenticate-user", login),
        ("GET", sa, None),
        # Terminate (3.3) with option 8 off, then our read: gone
        ("POST", "auth/authenticate-user", login),
        ("POST", f"settings/sysadmin/domain-delete/{name}/false", []),
        ("GET", sa, None),
    ]
    sent = recorder.sent
    put = sent[2].body
    assert len(put["adminPassword"]) == 24 and set(put["adminPassword"]) <= set(ADMIN_PASSWORD_ALPHABET)
    put["adminPassword"] = "<24 characters>"
    assert [(s.method, s.path, put if i == 2 else s.body) for i, s in enumerate(sent)] == expected
    # "Empty" POSTs carry the JSON array PHP's json_encode([]) gives; GETs carry nothing.
    assert all(s.content == b"[]" for s in sent if s.body == [])
    assert all(s.content == b"" for s in sent if s.method == "GET")
    # Tokens: a fresh sysadmin login per module function, the impersonation token for DKIM only.
    tokens = [s.authorization for s in sent]
    assert tokens[0] == "" and tokens[1] == tokens[2] == tokens[3] == tokens[4]
    assert tokens[5] == tokens[6] != tokens[1]
    assert len({tokens[1], tokens[10], tokens[13], tokens[15], tokens[17]}) == 5
    # The simulator saw the same calls, all answered 200 but the probe and the last read (404).
    statuses = [status for _method, _path, status in calls.made()]
    assert [(m, p) for m, p, _ in calls.made()] == [(s.method, s.path) for s in sent]
    assert statuses == [200, 404, *[200] * 16, 404]
    # What Create made: the product's path, user limit, flags and outgoing IP; the random admin.
    assert seen["path"] == "D:\\Mail\\Domains\\" + name and seen["userLimit"] == 25
    assert seen["hostname"] == "mail." + name and seen["primaryAdmin"] == run.admin
    assert seen["settings"]["enableActiveSyncAccountManagement"] is True
    assert seen["settings"]["enableMapiEwsAccountManagement"] is False
    assert seen["settings"]["outgoingIP"] == "203.0.113.7"
    assert seen["dkim"]["enabled"] is True
    # Terminate kept the files, as option 8 says; the run is complete and says so.
    assert sim.state()["deletions"] == [{"domain": name, "deleteFiles": False}]
    assert run.steps_done == list(STEPS) and not run.failures and not run.warnings
    assert run.module_results == {
        "Create": "success",
        "Suspend": "success",
        "Unsuspend": "success",
        "UsageUpdate": "diskusage 0.00 MB",
        "Terminate": "success",
    }
    assert run.facts["files_kept"] == "D:\\Mail\\Domains\\" + name
    assert run.round_trips == len(sent) == 19 <= MAX_ROUND_TRIPS
    ours = {7, 8, 11, 18}  # the reads of our own are not in the module's call list
    assert run.calls == [f"{s.method} {s.path} {s.status}" for i, s in enumerate(sent) if i not in ours]


def test_without_whmcs_the_canary_runs_the_module_defaults(sim: RunningSimulator) -> None:
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    assert canary.status == PASS, canary
    run = only_run(canary)
    assert run["label"] == "the module's default options" and run["products"] == []
    assert canary.summary.startswith("the module's default options: test domain smw-canary-")
    assert "user limit 0, EAS management on, MAPI management on, outgoing IP server default" in canary.summary
    assert "terminated with its files, gone" in canary.summary
    assert run["options"] == default_options().describe()
    assert run["steps_done"] == list(STEPS) and run["differences"] == []
    assert run["dkim"] == "pending key" and run["disk_usage_bytes"] == 0
    assert sim.state()["deletions"] == [{"domain": run["domain"], "deleteFiles": True}]
    assert domains_left(sim) == []


def test_canary_domain_path_is_option_5_without_whmcs(sim: RunningSimulator) -> None:
    results = verify(
        TargetContext("mail1", settings_for(sim, canary_domain_path="/var/lib/smartermail/Domains/"))
    )
    run = only_run(results["canary"])
    assert results["canary"].status == PASS
    assert f"path /var/lib/smartermail/Domains/\\{run['domain']}" in run["summary"]  # the module's own rule


# ----- where the module's rule and ours disagree --------------------------------------------------


def test_domain_settings_200_with_success_false_is_a_success_for_the_module_only(
    sim: RunningSimulator,
) -> None:
    add_fault(sim, fault="success-false", method="POST", path="sysadmin/domain-settings/", count=1)
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == FAIL
    assert (
        f"canary create step failed for test domain {run['domain']}: domain-settings answered HTTP 200 with "
        "success:false (SIMULATED_FAILURE): the module would report success, the domain is misconfigured"
    ) in canary.summary
    assert "the test domain was removed" in canary.summary
    assert "success:false" in canary.hint and "status alone" in canary.hint
    assert run["module_results"]["Create"] == "success"  # Create ran to its end: the module reports success
    assert run["differences"][0].startswith("domain-settings answered HTTP 200 with success:false")
    assert run["steps_done"] == ["create", "impersonate", "dkim"]  # stopped after the module's Create
    assert domains_left(sim) == []


def test_a_refused_domain_settings_is_rolled_back_as_the_module_does(sim: RunningSimulator) -> None:
    """Option 6 'Default' is not the module's exact 'default': it is sent, refused, and the domain deleted."""
    recorder = Recorder()
    options = create_options({**PRODUCT, "configoption6": "Default", "configoption8": "on"})
    with recording_client(sim, recorder) as smartermail:
        smartermail.login()
        recorder.sent.clear()
        run = CanaryRun(smartermail, ADMIN_PASSWORD, canary_name(), options)
        run.run()
    name = run.name
    assert [(s.method, s.path, s.status) for s in recorder.sent][3:] == [
        ("POST", f"settings/sysadmin/domain-settings/{name}", 400),
        ("POST", f"settings/sysadmin/domain-delete/{name}/true", 200),  # the module's rollback
        ("GET", f"settings/sysadmin/domain/{name}", 404),  # our cleanup: already gone
    ]
    assert recorder.sent[3].body["domainSettings"]["outgoingIP"] == "Default"
    assert recorder.sent[4].content == b"[]"
    assert run.module_results["Create"] == (
        "err_config_domain (domain deleted): DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP"
    )
    (failure,) = run.failures
    assert failure.step == "create"
    assert (
        "the module then deletes the domain with its files (that call answered HTTP 200)" in failure.sentence
    )
    assert "option 6 (outgoing IP) is sent as 'Default'" in failure.hint
    assert run.cleanup == "absent" and run.removed is True
    assert sim.state()["deletions"] == [{"domain": name, "deleteFiles": True}]


def test_a_probe_answering_200_with_success_false_would_refuse_every_order(sim: RunningSimulator) -> None:
    add_fault(sim, fault="success-false", method="GET", path="sysadmin/domain/", count=1)
    calls = Calls(sim)
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == FAIL
    assert "the module takes any 200 as 'the domain exists'" in canary.summary
    assert "err_domain_exists" in canary.summary
    assert run["module_results"] == {"Create": "err_domain_exists"}
    assert not [path for path in calls.paths() if path.endswith("domain-put")]  # the module stops there
    assert run["cleanup"] == "nothing-created" and domains_left(sim) == []


def test_a_failing_probe_is_a_difference_the_module_ignores(sim: RunningSimulator) -> None:
    add_fault(sim, fault="http-500", method="GET", path="sysadmin/domain/", count=1)
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == WARN, canary
    assert run["differences"] == [
        "the existence probe answered HTTP 500 (INTERNAL_SERVER_ERROR), not 404; the module takes any answer "
        "but 200 as 'no such domain' and creates the domain anyway"
    ]
    assert run["steps_done"] == list(STEPS) and domains_left(sim) == []


# ----- a fault at each call: the module's outcome, and no domain left ---------------------------


@pytest.mark.parametrize(
    ("method", "path", "after", "status", "step"),
    [
        ("POST", "auth/authenticate-user$", 1, FAIL, "create"),  # after the credentials check's login
        ("POST", "sysadmin/domain-put$", 0, FAIL, "create"),
        ("POST", "sysadmin/domain-settings/", 0, FAIL, "create"),
        ("POST", "sysadmin/manage-domain/", 0, FAIL, "impersonate"),
        ("POST", "domain/dkim-enable", 0, WARN, None),
        ("GET", "settings/domain/domain$", 0, WARN, None),
        ("GET", "sysadmin/domain/", 1, FAIL, "read"),
        ("GET", "sysadmin/domain-settings/", 0, FAIL, "read"),
        ("POST", "auth/authenticate-user$", 2, FAIL, "suspend"),
        ("POST", "sysadmin/domain-settings/", 1, FAIL, "suspend"),
        ("POST", "sysadmin/domain-settings/", 2, FAIL, "unsuspend"),
        ("GET", "sysadmin/domain/", 3, FAIL, "usage"),
        ("POST", "sysadmin/domain-delete/", 0, FAIL, "terminate"),
        ("GET", "sysadmin/domain/", 4, FAIL, "gone"),
    ],
)
def test_a_server_error_at_any_call_is_reported_and_leaves_no_domain(
    sim: RunningSimulator, method: str, path: str, after: int, status: str, step: str | None
) -> None:
    add_fault(sim, fault="http-500", method=method, path=path, after=after, count=1)
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == status, canary
    assert run["failed_step"] == step
    assert "HTTP 500" in canary.summary
    if status == FAIL:
        assert canary.summary.startswith(f"the module's default options: canary {step} step failed")
        assert STEPS[STEPS.index(step)] not in run["steps_done"]
    assert run["left_behind"] is False
    assert sim.state()["faults"][0]["fired"] == 1
    assert domains_left(sim) == []


def test_a_failed_login_is_not_tried_again(sim: RunningSimulator) -> None:
    """SmarterMail's IDS blocks an address after repeated failed logins: the canary stops at the first."""
    add_fault(sim, fault="http-500", method="POST", path="auth/authenticate-user$", after=1)
    results = verify(TargetContext("mail1", settings_for(sim)))
    run = only_run(results["canary"])
    assert run["module_results"] == {"Create": "err_server_connect"}
    assert "the module's Create starts with the sysadmin login, which answered HTTP 500" in run["summary"]
    assert "check the username and password" not in run["hint"]  # a server error, not a refused login
    fault = sim.state()["faults"][0]
    assert (fault["seen"], fault["fired"]) == (2, 1)  # the credentials check's login, then the canary's


@pytest.mark.parametrize(
    ("fault", "path"), [("reset", "sysadmin/domain-put$"), ("timeout", "sysadmin/domain-settings/")]
)
def test_transport_failures_during_create_leave_no_domain(
    sim: RunningSimulator, fault: str, path: str
) -> None:
    add_fault(sim, fault=fault, method="POST", path=path, count=1)
    results = verify(TargetContext("mail1", settings_for(sim, timeout=1.0)))
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == FAIL and run["failed_step"] == "create"
    assert "got no answer" in canary.summary
    assert run["left_behind"] is False
    assert domains_left(sim) == []


# ----- safety ------------------------------------------------------------------------------------


def test_a_domain_that_cannot_be_deleted_is_reported_then_cleaned_up(sim: RunningSimulator) -> None:
    add_fault(sim, fault="http-500", path="sysadmin/domain-delete/")
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == FAIL
    assert canary.details["left_behind"] is True and run["left_behind"] is True
    name = run["domain"]
    assert f"the test domain {name} could NOT be removed" in canary.summary
    assert "verify --cleanup" in canary.hint
    assert domains_left(sim) == [name]

    sim.control("DELETE", "faults").raise_for_status()
    host, port = sim.host_port
    with SmarterMailClient(host, port, False, "admin", ADMIN_PASSWORD) as client:
        assert cleanup_canaries(client, "smw-canary-", 0) == [name]
    assert domains_left(sim) == []


def test_cancelling_mid_canary_removes_the_domain(sim: RunningSimulator) -> None:
    sim.control("POST", "config", {"latency_ms": 300}).raise_for_status()
    context = TargetContext("mail1", settings_for(sim))

    def cancel_once_created() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not sim.state()["domains"]:
            time.sleep(0.02)
        context.cancelled.set()

    canceller = threading.Thread(target=cancel_once_created)
    canceller.start()
    results = verify(context)
    canceller.join()
    canary = results["canary"]
    run = only_run(canary)
    assert canary.status == SKIP
    assert canary.summary.startswith("the module's default options: canary cancelled before the ")
    assert "the test domain was removed" in canary.summary
    assert "gone" not in run["steps_done"]
    assert run["left_behind"] is False
    assert domains_left(sim) == []
    assert sim.state()["deletions"][-1]["deleteFiles"] is True


def test_cancelled_before_the_canary_creates_nothing(sim: RunningSimulator) -> None:
    context = TargetContext("mail1", settings_for(sim))
    context.cancelled.set()
    results = verify(context)
    assert results["credentials"].status == PASS
    assert results["canary"].status == SKIP
    assert (
        results["canary"].summary == "the module's default options: canary cancelled before the create step"
    )
    assert not [r for r in sim.state()["requests"] if "domain-put" in r["path"]]


def test_the_canary_never_touches_a_domain_it_did_not_create(
    sim: RunningSimulator, client: SmarterMailClient
) -> None:
    name = canary_name()
    client.add_domain(name, path="C:\\D\\" + name, admin_username="owner", admin_password="Owner-Pass-123")
    # 1. The existence probe finds it: the module's Create refuses, nothing is sent after it.
    run = CanaryRun(client, ADMIN_PASSWORD, name, default_options())
    run.run()
    assert run.failed_step == "create" and "already exists" in run.failures[0].sentence
    assert run.module_results == {"Create": "err_domain_exists"}
    assert run.cleanup == "nothing-created"
    # 2. A probe that fails (the module goes on) and an unclear create (HTTP 500): the cleanup looks,
    #    sees another admin, and leaves the domain alone.
    add_fault(sim, fault="http-500", method="GET", path="sysadmin/domain/", count=1)
    add_fault(sim, fault="http-500", path="domain-put", count=1)
    run = CanaryRun(client, ADMIN_PASSWORD, name, default_options())
    run.run()
    assert run.failed_step == "create"
    assert run.cleanup == "not-ours" and run.removed is not True
    assert domains_left(sim) == [name]
    assert sim.state()["deletions"] == []


def test_a_cancelled_run_raises_after_its_cleanup(sim: RunningSimulator, client: SmarterMailClient) -> None:
    stop = threading.Event()
    recorder = Recorder()
    with recording_client(sim, recorder) as smartermail:
        run = CanaryRun(smartermail, ADMIN_PASSWORD, canary_name(), default_options(), cancelled=stop)
        recorder.hooks["domain-put"] = stop.set
        with pytest.raises(CanaryCancelled, match="cancelled before the create step"):
            run.run()
    assert run.cleanup == "deleted" and domains_left(sim) == []
    assert run._password not in repr(run)


# ----- leftovers -----------------------------------------------------------------------------------


def _old_and_new_names(now: datetime.datetime) -> tuple[str, str]:
    old = canary_name("smw-canary-", now=now - datetime.timedelta(hours=3))
    fresh = canary_name("smw-canary-", now=now - datetime.timedelta(minutes=5))
    return old, fresh


def test_cleanup_removes_only_old_prefixed_canaries(sim: RunningSimulator, client: SmarterMailClient) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    old, fresh = _old_and_new_names(now)
    other_prefix = canary_name("other-canary-", now=now - datetime.timedelta(days=2))
    lookalikes = [
        "smw-canary-customer.test",  # the prefix, but no timestamp: not ours
        "smw-canary-20200101t000000-abc123.example",  # right shape, another TLD: not ours
        "customer.example",
        other_prefix,
    ]
    for name in [old, fresh, *lookalikes]:
        client.add_domain(
            name, path="C:\\D\\" + name, admin_username="owner", admin_password="Owner-Pass-123"
        )
    deleted = cleanup_canaries(client, "smw-canary-", 3600)
    assert deleted == [old]
    assert sorted(domains_left(sim)) == sorted([fresh, *lookalikes])
    assert sim.state()["deletions"] == [{"domain": old, "deleteFiles": True}]


def test_cleanup_reports_what_it_could_not_delete(sim: RunningSimulator, client: SmarterMailClient) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    first = canary_name("smw-canary-", now=now - datetime.timedelta(hours=2))
    second = canary_name("smw-canary-", now=now - datetime.timedelta(hours=3))
    for name in (first, second):
        client.add_domain(
            name, path="C:\\D\\" + name, admin_username="owner", admin_password="Owner-Pass-123"
        )
    add_fault(sim, fault="http-500", path="domain-delete/" + first)
    with pytest.raises(CanaryCleanupError) as caught:
        cleanup_canaries(client, "smw-canary-", 3600)
    assert caught.value.deleted == [second]
    assert list(caught.value.failed) == [first]
    assert first in str(caught.value)
    assert domains_left(sim) == [first]


def test_the_check_uses_the_target_s_shared_client(sim: RunningSimulator) -> None:
    """The canary's calls go through the client the other checks share (one connection pool, one TLS setup)."""
    recorder = Recorder()
    context = TargetContext("mail1", settings_for(sim))
    context.cache[CLIENT_KEY] = recording_client(sim, recorder)
    results = verify(context)
    assert results["canary"].status == PASS
    assert any(s.path == "settings/sysadmin/domain-put" for s in recorder.sent)


# ----- per product, from the WHMCS database -----------------------------------------------------

HOST = "whmcs1"


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


def box_control(box: SandboxInfo, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(method, f"{box.simulator['url']}/__simulator/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def products(box: SandboxInfo) -> Iterator[dict[str, int]]:
    """Four products: two of the module with the same Create options, one that keeps data, one of cPanel."""
    box_control(box, "POST", "reset")
    rows = {
        "Mail": {"servertype": "smartermail", "configoption1": "10"},
        "Mail Pro": {"servertype": "smartermail", "configoption1": "20", "configoption2": "5.00"},
        "Mail Keep": {
            "servertype": "smartermail",
            "configoption5": "E:\\Mail\\",
            "configoption7": "10",
            "configoption8": "",
            "configoption14": "",
        },
        "Web": {"servertype": "cpanel"},
    }
    defaults = {
        "configoption5": "C:\\SmarterMail\\Domains\\",
        "configoption6": "default",
        "configoption7": "0",
        "configoption8": "on",
        "configoption14": "on",
        "configoption15": "on",
    }
    connection = connect_host(box, HOST)
    ids: dict[str, int] = {}
    try:
        with connection.cursor() as cursor:
            for name, values in rows.items():
                ids[name] = insert_row(
                    cursor, "tblproducts", {"name": name, "type": "other", **defaults, **values}
                )
        yield ids
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tblproducts WHERE id IN %s", (list(ids.values()),))
        connection.close()


def box_settings(box: SandboxInfo, **overrides: Any) -> dict[str, Any]:
    simulator = box.simulator
    settings = {
        "name": "sandbox-simulator",
        "hostname": "127.0.0.1",
        "port": simulator["port"],
        "secure": False,
        "username": simulator["sysadmin"]["username"],
        "password": simulator["sysadmin"]["password"],
        "timeout": 5.0,
        "connect_timeout": 3.0,
        "canary": True,
        "whmcs_root": str(box.root(HOST)),
    }
    settings.update(overrides)
    return settings


def box_canary(box: SandboxInfo, **overrides: Any) -> CheckResult:
    context = TargetContext("sandbox-simulator", box_settings(box, **overrides))
    try:
        results = run_checks([context], SMARTERMAIL_CHECKS)
    finally:
        close_target(context)
    assert box.simulator["sysadmin"]["password"] not in json.dumps([r.to_dict() for r in results])
    return {result.id: result for result in results}["canary"]


@pytest.mark.slow
def test_each_product_of_the_module_has_its_canary(box: SandboxInfo, products: dict[str, int]) -> None:
    canary = box_canary(box)
    assert canary.status == PASS, canary
    first, second = canary.details["runs"]
    assert first["label"] == (
        f"products 'Mail' (id {products['Mail']}), 'Mail Pro' (id {products['Mail Pro']}) "
        "(identical Create options: one run)"
    )
    assert second["label"] == f"product 'Mail Keep' (id {products['Mail Keep']})"
    assert [p["name"] for p in first["products"]] == ["Mail", "Mail Pro"]
    # Several runs: each passing one in a few words, its full summary in its entry.
    assert canary.summary == (
        f"{first['label']}: passed, Create to Terminate as the module does it (user limit 0, EAS on, MAPI on, "
        f"outgoing IP server default, files deleted; {first['round_trips']} API calls) | {second['label']}: "
        "passed, Create to Terminate as the module does it (user limit 10, EAS off, MAPI on, outgoing IP server "
        f"default, files kept; {second['round_trips']} API calls)"
    )
    assert "user limit 10, EAS management off, MAPI management on" in second["summary"]
    assert f"path E:\\Mail\\{second['domain']}" in second["summary"]
    assert "terminated keeping its files (option 8 off" in second["summary"]
    state = box_control(box, "GET", "state")
    assert state["deletions"] == [
        {"domain": first["domain"], "deleteFiles": True},
        {"domain": second["domain"], "deleteFiles": False},
    ]
    assert not [d for d in state["domains"] if d["name"].startswith("smw-canary-")]


@pytest.mark.slow
def test_a_product_whose_options_break_create_fails_its_own_run(
    box: SandboxInfo, products: dict[str, int]
) -> None:
    connection = connect_host(box, HOST)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tblproducts SET configoption6 = 'Default' WHERE id = %s", (products["Mail Keep"],)
            )
    finally:
        connection.close()
    canary = box_canary(box)
    assert canary.status == FAIL
    assert [run["status"] for run in canary.details["runs"]] == [PASS, FAIL]
    bad = canary.details["runs"][1]
    assert bad["module_results"]["Create"].startswith("err_config_domain (domain deleted)")
    assert f"product 'Mail Keep' (id {products['Mail Keep']}): canary create step failed" in canary.summary
    assert canary.hint.startswith(f"product 'Mail Keep' (id {products['Mail Keep']}): the product's option 6")


@pytest.mark.slow
def test_the_named_product_only(box: SandboxInfo, products: dict[str, int]) -> None:
    canary = box_canary(box, whmcs_product_name="Mail Keep")
    assert [run["label"] for run in canary.details["runs"]] == [
        f"product 'Mail Keep' (id {products['Mail Keep']})"
    ]
    assert box_canary(box, whmcs_product_name="Web").summary == (
        "canary not run: no WHMCS product named 'Web' uses the smartermail module"
    )


@pytest.mark.slow
def test_a_failed_login_stops_the_later_runs(box: SandboxInfo, products: dict[str, int]) -> None:
    box_control(
        box,
        "POST",
        "faults",
        {"fault": "http-500", "method": "POST", "path": "authenticate-user$", "after": 1},
    )
    try:
        canary = box_canary(box)
        fault = box_control(box, "GET", "state")["faults"][0]
    finally:
        box_control(box, "DELETE", "faults")
    assert (fault["seen"], fault["fired"]) == (2, 1)  # the credentials check's login, then the canary's
    first, second = canary.details["runs"]
    assert first["status"] == FAIL and first["module_results"] == {"Create": "err_server_connect"}
    assert second["status"] == SKIP
    assert second["summary"] == f"not run: the sysadmin login failed in the run for {first['label']}"


@pytest.mark.slow
def test_without_a_product_of_the_module_the_defaults_run(box: SandboxInfo) -> None:
    """The product check fails for a WHMCS without a product; the canary says so and proves the defaults."""
    box_control(box, "POST", "reset")
    canary = box_canary(box)
    assert canary.status == PASS
    assert canary.summary.startswith(
        "no WHMCS product uses the smartermail module: the canary ran with the module's defaults | "
        "the module's default options: test domain "
    )
