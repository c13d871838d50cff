"""Canary safety against the simulator: round trips, a fault at every step, cancellation, ownership, cleanup.

Whatever goes wrong, GET /__simulator/state must show no canary domain afterwards (unless the
test makes deletion itself impossible, and then the result must say so), and a domain the canary
did not create is never deleted.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import (
    STEPS,
    CanaryCleanupError,
    CanaryRun,
    CanaryStepFailed,
    canary_name,
    cleanup_canaries,
    domain_path,
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
from fixtures.simulator import RunningSimulator, simulator_fixtures

ADMIN_PASSWORD = "Canary-Admin-Secret-51"
# Requests the canary makes, and only those (the credentials check's "domains" list is not matched).
CANARY_PATHS = r"sysadmin/(domain-put|domain/|domain-settings/|manage-domain/|domain-delete/)"
MAX_CANARY_ROUND_TRIPS = 10


sim_process, sim = simulator_fixtures("--sysadmin", f"admin:{ADMIN_PASSWORD}")


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


def domains_left(sim: RunningSimulator) -> list[str]:
    return [domain["name"] for domain in sim.state()["domains"]]


def add_fault(sim: RunningSimulator, **rule: Any) -> None:
    sim.control("POST", "faults", rule).raise_for_status()


def test_canary_round_trips_are_few_and_counted(sim: RunningSimulator, client: SmarterMailClient) -> None:
    name = canary_name()
    before = sim.state()["requestCount"]
    run = CanaryRun(client, name, domain_path("C:\\SmarterMail\\Domains\\", name))
    facts = run.run()
    state = sim.state()
    assert state["requestCount"] - before == run.round_trips
    assert run.round_trips <= MAX_CANARY_ROUND_TRIPS
    assert run.steps_done == list(STEPS)
    assert facts == {"disk_usage_bytes": 0}
    assert run.removed is True
    assert state["domains"] == []
    assert state["deletions"] == [{"domain": name, "deleteFiles": True}]


def test_canary_creates_the_domain_like_the_module(sim: RunningSimulator, client: SmarterMailClient) -> None:
    """Stop after the read step (cancel) and look at what domain-put created, then it is removed."""
    name = canary_name("smw-canary-")
    seen: dict[str, Any] = {}
    stop = threading.Event()

    class Spy:
        """Hands every call to the real client; after the read step, snapshots the state and cancels."""

        def __getattr__(self, attribute: str) -> Any:
            return getattr(client, attribute)

        def get_domain(self, domain: str) -> Any:
            data = client.get_domain(domain)
            if not seen:
                seen.update(next(d for d in sim.state()["domains"] if d["name"] == domain))
                stop.set()
            return data

    run = CanaryRun(Spy(), name, domain_path("D:\\Mail\\Domains", name), cancelled=stop)
    with pytest.raises(Exception, match="cancelled before the suspend step"):
        run.run()
    assert seen["path"] == "D:\\Mail\\Domains\\" + name
    assert seen["hostname"] == "mail." + name
    assert seen["primaryAdmin"] == run.admin
    assert len(run.admin) == 10 and run.admin.isalpha() and run.admin.islower()
    assert domains_left(sim) == []
    assert run._password not in repr(run)


@pytest.mark.parametrize("index", range(len(STEPS)))
def test_a_server_error_at_any_canary_step_leaves_no_domain(sim: RunningSimulator, index: int) -> None:
    add_fault(sim, fault="http-500", path=CANARY_PATHS, after=index, count=1)
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    assert canary.status == FAIL, canary
    assert canary.details["failed_step"] == STEPS[index]
    assert canary.details["steps_done"] == list(STEPS[:index])
    assert canary.details["left_behind"] is False
    assert "HTTP 500" in canary.summary
    if index > 0:  # something was created: the summary says it was removed
        assert "the test domain was removed" in canary.summary
    assert domains_left(sim) == []


@pytest.mark.parametrize(("fault", "index"), [("reset", 0), ("reset", 6), ("timeout", 3), ("timeout", 6)])
def test_transport_failures_during_the_canary_leave_no_domain(
    sim: RunningSimulator, fault: str, index: int
) -> None:
    add_fault(sim, fault=fault, path=CANARY_PATHS, after=index, count=1)
    results = verify(TargetContext("mail1", settings_for(sim, timeout=1.0)))
    canary = results["canary"]
    assert canary.status == FAIL
    assert canary.details["failed_step"] == STEPS[index]
    assert canary.details["left_behind"] is False
    assert domains_left(sim) == []


def test_a_domain_that_cannot_be_deleted_is_reported_then_cleaned_up(sim: RunningSimulator) -> None:
    add_fault(sim, fault="http-500", path="sysadmin/domain-delete/")
    results = verify(TargetContext("mail1", settings_for(sim)))
    canary = results["canary"]
    assert canary.status == FAIL
    assert canary.details["left_behind"] is True
    name = canary.details["domain"]
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
    assert canary.status == SKIP
    assert canary.summary.startswith("canary cancelled before the ")
    assert "the test domain was removed" in canary.summary
    assert "create" in canary.details["steps_done"]
    assert "gone" not in canary.details["steps_done"]
    assert canary.details["left_behind"] is False
    assert domains_left(sim) == []
    assert sim.state()["deletions"][-1]["deleteFiles"] is True


def test_cancelled_before_the_canary_creates_nothing(sim: RunningSimulator) -> None:
    context = TargetContext("mail1", settings_for(sim))
    context.cancelled.set()
    results = verify(context)
    assert results["credentials"].status == PASS
    assert results["canary"].status == SKIP
    assert results["canary"].summary == "canary cancelled before the create step"
    assert not [r for r in sim.state()["requests"] if "domain-put" in r["path"]]


def test_the_canary_never_touches_a_domain_it_did_not_create(
    sim: RunningSimulator, client: SmarterMailClient
) -> None:
    name = canary_name()
    client.add_domain(name, path="C:\\D\\" + name, admin_username="owner", admin_password="Owner-Pass-123")
    # 1. A clean refusal (name in use): nothing to remove, nothing touched.
    run = CanaryRun(client, name, "C:\\D\\" + name)
    with pytest.raises(CanaryStepFailed) as refused:
        run.run()
    assert refused.value.step == "create"
    assert "NAME_IN_USE" in refused.value.reason
    # 2. An unclear create (HTTP 500): the cleanup looks, sees another admin, and leaves it alone.
    add_fault(sim, fault="http-500", path="domain-put", count=1)
    run = CanaryRun(client, name, "C:\\D\\" + name)
    with pytest.raises(CanaryStepFailed):
        run.run()
    assert run.removed is not True
    assert domains_left(sim) == [name]
    assert sim.state()["deletions"] == []


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
