"""The verify check runner: requirements, skips, concurrency, ordering, crashes, interruption."""

from __future__ import annotations

import threading
import time

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    PASS,
    SKIP,
    WARN,
    CheckFailed,
    Outcome,
    summarize,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckSpec,
    TargetContext,
    run_checks,
)


def passing(summary: str = "ok"):
    return lambda context: Outcome.passed(summary)


def test_failed_requirement_skips_dependents_with_the_reason() -> None:
    def port_fails(context: TargetContext) -> Outcome:
        raise CheckFailed("TCP connect refused", "start the service")

    registry = [
        CheckSpec("port", "port", port_fails),
        CheckSpec("api", "api", passing(), requires=("port",)),
        CheckSpec("credentials", "credentials", passing(), requires=("api",)),
    ]
    results = run_checks([TargetContext("mail1", {})], registry)
    assert [(r.id, r.status) for r in results] == [("port", FAIL), ("api", SKIP), ("credentials", SKIP)]
    assert results[0].hint == "start the service"
    assert results[1].summary == "skipped: port check failed"
    assert results[2].summary == "skipped: api check was skipped"


def test_warning_meets_a_requirement() -> None:
    registry = [
        CheckSpec("tls", "tls", lambda c: Outcome.warning("expires in 3 days", "renew it")),
        CheckSpec("api", "api", passing(), requires=("tls",)),
    ]
    results = run_checks([TargetContext("mail1", {})], registry)
    assert [r.status for r in results] == [WARN, PASS]
    assert summarize(results)["ok"] is True


def test_after_waits_for_a_check_whatever_its_result_and_never_skips() -> None:
    """The test order waits for the usage check (it must not see the test service), failed or not."""
    finished: list[str] = []

    def slow_usage_fails(context: TargetContext) -> Outcome:
        time.sleep(0.2)
        finished.append("usage")
        raise CheckFailed("usage older than 48 h")

    def order(context: TargetContext) -> Outcome:
        assert finished == ["usage"], "order started before usage finished"
        return Outcome.passed("ordered")

    registry = [
        CheckSpec("usage", "usage", slow_usage_fails),
        CheckSpec("order", "order", order, after=("usage",)),
    ]
    results = run_checks([TargetContext("mail1", {})], registry, max_workers=4)
    assert [(r.id, r.status) for r in results] == [("usage", FAIL), ("order", PASS)]
    # A check it waits for that does not apply to the target does not hold it back.
    absent = [
        CheckSpec("usage", "usage", slow_usage_fails, applies=lambda c: False),
        CheckSpec("order", "order", passing("ordered"), after=("usage",)),
    ]
    assert [(r.id, r.status) for r in run_checks([TargetContext("mail1", {})], absent)] == [("order", PASS)]


def test_a_known_failure_is_reported_without_running_the_check() -> None:
    """A --from-whmcs row with an unusable address: its dns check fails with the row's sentence."""
    ran: list[str] = []

    def dns(context: TargetContext) -> Outcome:
        ran.append(context.name)
        return Outcome.passed("resolves")

    registry = [
        CheckSpec("dns", "dns", dns),
        CheckSpec("port", "port", passing(), requires=("dns",)),
        CheckSpec("whmcs-version", "whmcs", passing()),
    ]
    broken = TargetContext("Bad Host", {"known_failures": {"dns": ("row 7 has a bad hostname", "fix it")}})
    results = run_checks([broken, TargetContext("Good", {})], registry)
    assert [(r.target, r.id, r.status) for r in results] == [
        ("Bad Host", "dns", FAIL),
        ("Bad Host", "port", SKIP),
        ("Bad Host", "whmcs-version", PASS),
        ("Good", "dns", PASS),
        ("Good", "port", PASS),
        ("Good", "whmcs-version", PASS),
    ]
    assert (results[0].summary, results[0].hint) == ("row 7 has a bad hostname", "fix it")
    assert ran == ["Good"]


def test_independent_checks_and_targets_run_concurrently() -> None:
    def slow(context: TargetContext) -> Outcome:
        time.sleep(0.3)
        return Outcome.passed("slow")

    registry = [CheckSpec("a", "a", slow), CheckSpec("b", "b", slow)]
    contexts = [TargetContext(f"t{i}", {}) for i in range(4)]
    started = time.monotonic()
    results = run_checks(contexts, registry, max_workers=8)
    elapsed = time.monotonic() - started
    assert len(results) == 8 and all(r.status == PASS for r in results)
    assert elapsed < 0.3 * 8 / 2, elapsed  # serial would take 2.4 s


def test_results_come_in_target_then_registry_order() -> None:
    def sleepy(delay: float):
        return lambda context: (time.sleep(delay), Outcome.passed("done"))[1]

    registry = [CheckSpec("first", "1", sleepy(0.2)), CheckSpec("second", "2", sleepy(0.0))]
    results = run_checks([TargetContext("x", {}), TargetContext("y", {})], registry)
    assert [(r.target, r.id) for r in results] == [
        ("x", "first"),
        ("x", "second"),
        ("y", "first"),
        ("y", "second"),
    ]
    assert results[0].elapsed_ms >= 150


def test_crashing_check_is_a_failure_not_a_traceback() -> None:
    def broken(context: TargetContext) -> Outcome:
        raise KeyError("boom")

    (result,) = run_checks([TargetContext("t", {})], [CheckSpec("broken", "broken", broken)])
    assert result.status == FAIL
    assert "internal error in the broken check" in result.summary


def test_typed_errors_keep_their_sentence() -> None:
    class ServerSaidNo(Exception):
        pass

    def refuses(context: TargetContext) -> Outcome:
        raise ServerSaidNo("mail1:443 refused the login: wrong sysadmin password")

    (result,) = run_checks(
        [TargetContext("t", {})], [CheckSpec("credentials", "c", refuses)], error_types=(ServerSaidNo,)
    )
    assert result.summary == "mail1:443 refused the login: wrong sysadmin password"


def test_checks_that_do_not_apply_are_left_out_and_do_not_block() -> None:
    registry = [
        CheckSpec("whmcs", "whmcs", passing(), applies=lambda c: "whmcs_root" in c.settings),
        CheckSpec("api", "api", passing(), requires=("whmcs",)),
    ]
    results = run_checks([TargetContext("t", {})], registry)
    assert [(r.id, r.status) for r in results] == [("api", PASS)]


def test_cached_value_is_made_once_across_threads() -> None:
    made = []

    def uses_cache(context: TargetContext) -> Outcome:
        context.cached("client", lambda: (time.sleep(0.05), made.append(1))[1])
        return Outcome.passed("ok")

    registry = [CheckSpec(f"c{i}", "c", uses_cache) for i in range(5)]
    run_checks([TargetContext("t", {})], registry, max_workers=5)
    assert made == [1]


def test_interruption_cancels_and_waits_for_cleanup() -> None:
    cleaned = threading.Event()

    def canary(context: TargetContext) -> Outcome:
        try:
            context.cancelled.wait(5)
            return Outcome.failed("interrupted")
        finally:
            time.sleep(0.1)
            cleaned.set()

    def interrupt(result) -> None:
        raise KeyboardInterrupt

    registry = [CheckSpec("quick", "q", passing()), CheckSpec("canary", "c", canary)]
    with pytest.raises(KeyboardInterrupt):
        run_checks([TargetContext("t", {})], registry, on_result=interrupt)
    assert cleaned.is_set()
