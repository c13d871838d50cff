"""Benchmark: ``sandbox up`` for 1 and 16 hosts, and where its time goes (issue 12: 16 hosts < 30 s).

    python bench/sandbox_up.py [--hosts 1 16] [--no-breakdown]

For each fleet size: ``python -m smartermail_whmcs sandbox up --dir D --hosts N`` as a user runs it
(wall time of the whole command), then ``sandbox down``. Then, for the largest fleet, the same
``bring_up`` once more inside this process with a timer around each step it takes (MariaDB start,
simulator start, web server start, each host's database, tree and first cron run, the inventory), so a figure over
the target says which step to look at. Prints seconds, seconds per host and the step table.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import ratio, run_checked

TARGET_HOSTS = 16
TARGET_SECONDS = 30.0


@dataclass
class UpRun:
    hosts: int
    up_seconds: float
    down_seconds: float


def cli(action: str, directory: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "smartermail_whmcs", "sandbox", action, "--dir", str(directory), *extra]
    return run_checked(command, timeout=900).seconds


def time_up(hosts: int) -> UpRun:
    with tempfile.TemporaryDirectory(prefix="smw-bench-up-") as base:
        directory = Path(base) / "sandbox"
        up = cli("up", directory, "--hosts", str(hosts))
        down = cli("down", directory)
    return UpRun(hosts, up, down)


class StepTimer:
    """Wraps functions of the lifecycle module so that each call adds its wall time to a step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[step] += time.monotonic() - started
                self.calls[step] += 1

        return timed


@contextlib.contextmanager
def patched(owner: Any, name: str, replacement: Any) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


def breakdown(hosts: int) -> tuple[float, StepTimer]:
    """bring_up in this process with every step timed; (total seconds, timer)."""
    from smartermail_whmcs.sandbox import lifecycle
    from smartermail_whmcs.sandbox.mariadb import MariaDBServer

    timer = StepTimer()
    steps = [
        (MariaDBServer, "start", "MariaDB start (install-db, mariadbd)"),
        (MariaDBServer, "create_whmcs_database", "host database (schema + seed)"),
        (lifecycle, "start_simulator", "simulator start"),
        (lifecycle, "start_web_server", "web server start (php -S, client area)"),
        (lifecycle, "build_host_tree", "host tree (copy + templates)"),
        (lifecycle, "run_cron", "host first cron (php cron.php all --force)"),
        (lifecycle, "write_inventory", "inventory"),
    ]
    with tempfile.TemporaryDirectory(prefix="smw-bench-up-") as base, contextlib.ExitStack() as stack:
        for owner, name, step in steps:
            stack.enter_context(patched(owner, name, timer.wrap(step, getattr(owner, name))))
        directory = Path(base) / "sandbox"
        started = time.monotonic()
        lifecycle.bring_up(lifecycle.UpOptions(directory=directory, hosts=hosts))
        total = time.monotonic() - started
        stack.close()
        lifecycle.tear_down(directory)
    return total, timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[1, TARGET_HOSTS])
    parser.add_argument("--no-breakdown", action="store_true", help="Skip the in-process step timing.")
    args = parser.parse_args()
    runs = []
    for hosts in sorted(set(args.hosts)):
        print(f"sandbox up --hosts {hosts} ...", file=sys.stderr, flush=True)
        runs.append(time_up(hosts))
    largest, smallest = runs[-1], runs[0]
    if not args.no_breakdown:
        print(f"step timing of bring_up for {largest.hosts} hosts ...", file=sys.stderr, flush=True)
        total, timer = breakdown(largest.hosts)
        print(f"where the time goes ({largest.hosts} hosts, in process, {total:.1f} s in all):")
        accounted = sum(timer.seconds.values())
        for step, seconds in sorted(timer.seconds.items(), key=lambda item: -item[1]):
            each = seconds / timer.calls[step]
            print(
                f"  {step:<46} {seconds:6.1f} s  {timer.calls[step]:>3} x {each:5.2f} s  {seconds / total:4.0%}"
            )
        print(f"  {'other (state file, checks, Python)':<46} {total - accounted:6.1f} s")
    print("hosts  up (s)  s/host  down (s)")
    for run in runs:
        print(
            f"{run.hosts:>5}  {run.up_seconds:6.1f}  {run.up_seconds / run.hosts:6.2f}  {run.down_seconds:8.1f}"
        )
    if largest.hosts != smallest.hosts:
        print(
            f"growth {smallest.hosts} -> {largest.hosts} hosts: {ratio(largest.up_seconds, smallest.up_seconds)}x"
        )
    for run in runs:
        if run.hosts == TARGET_HOSTS:
            verdict = "under" if run.up_seconds < TARGET_SECONDS else "OVER"
            print(f"target: {TARGET_HOSTS} hosts in {run.up_seconds:.1f} s, {verdict} {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
