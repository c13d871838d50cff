"""Run the check registry for the CLI, with Ctrl-C / SIGTERM turned into a clean cancel.

The first SIGINT or SIGTERM raises ``Interrupted`` in the main thread; run_checks then sets every
target's ``cancelled`` event and waits while running checks clean up (the canary deletes its
domain in a ``finally``, a test order removes its order, service and client). Further signals during that wait only print "still cleaning up".
Outcomes of checks that finish after the cancel are kept, so the CLI can say what was cleaned up.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    CheckFailed,
    CheckResult,
    Outcome,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    close_targets,
    verify_error_types,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckSpec,
    TargetContext,
    run_checks,
)

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; exit code 128 + signal number (130, 143)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@contextlib.contextmanager
def cancel_on_signals(notice: Callable[[str], None]) -> Iterator[None]:
    """Raise Interrupted on the first SIGINT/SIGTERM; later ones only print a notice."""
    fired: list[int] = []

    def handler(signum: int, _frame: Any) -> None:
        if not fired:
            fired.append(signum)
            # A test order's running step (a module command in WHMCS) is finished first: say so now.
            notice(
                f"{signal.Signals(signum).name}: stopping; the running steps finish and canary domains and "
                "test orders are removed first"
            )
            raise Interrupted(signum)
        notice("still cleaning up (canary domains and test orders are being removed); please wait")

    previous = {signum: signal.signal(signum, handler) for signum in HANDLED_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@dataclass
class LateOutcomes:
    """What checks reported after the run was cancelled (their cleanup), per target and check."""

    items: list[tuple[str, str, Outcome]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, target: str, check_id: str, outcome: Outcome) -> None:
        with self.lock:
            self.items.append((target, check_id, outcome))


def _recording(
    spec: CheckSpec, late: LateOutcomes, error_types: tuple[type[BaseException], ...]
) -> CheckSpec:
    def run(context: TargetContext) -> Outcome:
        try:
            outcome = spec.run(context)
        except CheckFailed as failure:
            if context.cancelled.is_set():
                late.add(context.name, spec.id, failure.outcome)
            raise
        except error_types as error:
            if context.cancelled.is_set():
                late.add(context.name, spec.id, Outcome.failed(str(error)))
            raise
        if context.cancelled.is_set():
            late.add(context.name, spec.id, outcome)
        return outcome

    return replace(spec, run=run)


@dataclass
class VerifyRun:
    contexts: list[TargetContext]
    late: LateOutcomes
    results: list[CheckResult] = field(default_factory=list)


def run_verify(
    targets: list[dict[str, Any]],
    registry: list[CheckSpec],
    parallel: int,
    on_result: Callable[[CheckResult], None] | None,
    run: VerifyRun | None = None,
) -> VerifyRun:
    """All targets in one run_checks call; Interrupted propagates after cleanup (see ``run.late``)."""
    error_types = verify_error_types()
    run = run or VerifyRun([TargetContext(t["name"], t) for t in targets], LateOutcomes())
    wrapped = [_recording(spec, run.late, error_types) for spec in registry]
    try:
        run.results = run_checks(
            run.contexts, wrapped, max_workers=parallel, error_types=error_types, on_result=on_result
        )
    finally:
        close_targets(run.contexts)
    return run


def planned_checks(contexts: list[TargetContext], registry: list[CheckSpec]) -> int:
    """How many checks will report (for the progress counter)."""
    total = 0
    for context in contexts:
        for spec in registry:
            try:
                applies = spec.applies(context)
            except Exception:  # run_checks will report it; the counter only needs a guess
                applies = True
            total += 1 if applies else 0
    return total


def stderr_notice(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
