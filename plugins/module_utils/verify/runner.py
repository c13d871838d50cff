# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a registry of checks against several targets, concurrently where they are independent.

A check names the checks it needs (``requires``). It starts as soon as those have passed (or
warned); when one of them failed or was skipped, it is skipped with the reason. ``after`` names
checks it only waits for, whatever their result. Checks of one
target and different targets share one thread pool. On Ctrl-C / SIGTERM the runner sets the
context's ``cancelled`` event and waits for running checks to finish their cleanup (the canary
removes its domain in a ``finally``), then re-raises. A target's ``known_failures`` setting
(check id -> summary, hint) fails those checks without running them: what is already known to be
broken, such as a WHMCS row with an unusable address, is reported like any failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Type

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    MET_STATUSES,
    SKIP,
    CheckFailed,
    CheckResult,
    Outcome,
)

# How long an interrupted run waits for running checks to clean up before giving up on them.
CLEANUP_GRACE_SECONDS = 60.0


def _always(_context: "TargetContext") -> bool:
    return True


@dataclass(frozen=True)
class CheckSpec:
    """One entry of the check registry. ``id`` is part of the public interface."""

    id: str
    title: str
    run: Callable[["TargetContext"], Outcome]
    requires: Tuple[str, ...] = ()
    # False → the check is left out for this target (e.g. WHMCS checks without --whmcs-root).
    applies: Callable[["TargetContext"], bool] = _always
    # Checks this one starts after, whatever their status (it changes what they read: the test
    # order's service must not be seen by the usage check).
    after: Tuple[str, ...] = ()


@dataclass
class TargetContext:
    """What the checks of one target share: its settings, a cache, and the results so far."""

    name: str
    settings: Dict[str, Any]
    cancelled: threading.Event = field(default_factory=threading.Event)
    cache: Dict[str, Any] = field(default_factory=dict)
    results: Dict[str, CheckResult] = field(default_factory=dict)
    # Ids of the registry's checks that apply to this target (set by run_checks).
    applicable: Set[str] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def cached(self, key: str, factory: Callable[[], Any]) -> Any:
        """The value for ``key``, made once per target even when checks run concurrently."""
        with self.lock:
            if key not in self.cache:
                self.cache[key] = factory()
            return self.cache[key]


# What a check's ``run`` is: the target's context in, an Outcome out (or CheckFailed raised).
Check = Callable[[TargetContext], Outcome]
# (summary, hint) for an error a check raised: the sentence a failed check shows, and the next step.
Explain = Callable[[TargetContext, Exception], Tuple[str, str]]


def failing_on(errors: Tuple[Type[Exception], ...], explain: Explain) -> Callable[[Check], Check]:
    """A check decorator: ``errors`` fail the check with explain()'s summary and hint."""

    def decorate(check: Check) -> Check:
        @functools.wraps(check)
        def run(context: TargetContext) -> Outcome:
            try:
                return check(context)
            except errors as error:
                summary, hint = explain(context, error)
                raise CheckFailed(summary, hint) from None

        return run

    return decorate


def _run_one(
    spec: CheckSpec, context: TargetContext, error_types: Tuple[Type[BaseException], ...]
) -> CheckResult:
    started = time.monotonic()
    known = (context.settings or {}).get("known_failures") or {}
    try:
        # Already known to be broken (e.g. a WHMCS row with an unusable address): reported, not run.
        outcome = Outcome.failed(*known[spec.id]) if spec.id in known else spec.run(context)
    except CheckFailed as failure:
        outcome = failure.outcome
    except error_types as error:  # typed SmarterMail / WHMCS errors already speak human
        outcome = Outcome.failed(str(error), getattr(error, "hint", ""))
    except Exception as error:  # a check must never crash the run
        outcome = Outcome.failed(
            "internal error in the %s check: %s: %s" % (spec.id, type(error).__name__, error),
            "this is a bug in smartermail-whmcs; please report it with the JSON output",
        )
    elapsed_ms = int((time.monotonic() - started) * 1000)
    return CheckResult(
        spec.id,
        context.name,
        outcome.status,
        outcome.summary,
        outcome.hint,
        elapsed_ms,
        dict(outcome.details),
    )


def _blocking_requirement(spec: CheckSpec, context: TargetContext) -> Optional[CheckResult]:
    """The first requirement that did not pass, or None when all are met."""
    for required in spec.requires:
        result = context.results.get(required)
        if result is not None and result.status not in MET_STATUSES:
            return result
    return None


def _ready(spec: CheckSpec, context: TargetContext) -> bool:
    waits_for = spec.requires + spec.after
    return all(required in context.results for required in waits_for if required in context.applicable)


def run_checks(
    contexts: List[TargetContext],
    registry: List[CheckSpec],
    max_workers: int = 8,
    error_types: Tuple[Type[BaseException], ...] = (),
    on_result: Optional[Callable[[CheckResult], None]] = None,
) -> List[CheckResult]:
    """Run every applicable check on every target; results in target order, then registry order."""
    pending: List[Tuple[TargetContext, CheckSpec]] = []
    for context in contexts:
        context.applicable = {spec.id for spec in registry if spec.applies(context)}
        pending.extend((context, spec) for spec in registry if spec.id in context.applicable)

    def record(context: TargetContext, result: CheckResult) -> None:
        with context.lock:
            context.results[result.id] = result
        if on_result is not None:
            on_result(result)

    running: Dict["Future[CheckResult]", TargetContext] = {}
    executor = ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix="verify")
    try:
        while pending or running:
            for item in list(pending):
                context, spec = item
                if not _ready(spec, context):
                    continue
                pending.remove(item)
                blocker = _blocking_requirement(spec, context)
                if blocker is not None:
                    verb = "failed" if blocker.status == FAIL else "was skipped"
                    record(
                        context,
                        CheckResult(spec.id, context.name, SKIP, "skipped: %s check %s" % (blocker.id, verb)),
                    )
                    continue
                running[executor.submit(_run_one, spec, context, error_types)] = context
            if not running:
                if pending:  # a requirement that never runs: a registry bug, reported not hung on
                    context, spec = pending.pop(0)
                    record(
                        context,
                        CheckResult(spec.id, context.name, SKIP, "skipped: requirement not available"),
                    )
                continue
            done, _pending = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                record(running.pop(future), future.result())
    except BaseException:
        for context in contexts:
            context.cancelled.set()
        wait(list(running), timeout=CLEANUP_GRACE_SECONDS)
        raise
    finally:
        executor.shutdown(wait=False)

    order = {spec.id: index for index, spec in enumerate(registry)}
    ordered: List[CheckResult] = []
    for context in contexts:
        ordered.extend(sorted(context.results.values(), key=lambda result: order[result.id]))
    return ordered
