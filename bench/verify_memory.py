"""Benchmark: peak RSS of ``smartermail-whmcs verify`` for 1 and 50 targets.

    python bench/verify_memory.py [--targets 1 50] [--simulators 2]

The targets are server entries in a --config file, spread over a few simulator processes (no
injected latency), canary included (the heaviest path: every check of every target), run with
the default --parallel 8 and once with --parallel 50. Each verify is a fresh child process; its
peak RSS is ru_maxrss from wait4() on that child (KiB), so no other child is counted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
from pathlib import Path

from _common import Timed, new_password, peak_rss_run, simulator, verify_command, verify_config


def measure(config: Path, password: str, *extra: str) -> Timed:
    env = dict(os.environ, SMARTERMAIL_PASSWORD=password)
    result = peak_rss_run(verify_command(config, *extra), env=env)
    if result.returncode != 0:
        raise SystemExit(f"verify exited {result.returncode}:\n{result.output[-2000:]}")
    report = json.loads(result.output[result.output.index("{") :])
    if not report["ok"]:
        raise SystemExit("verify reported a failure")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--simulators", type=int, default=2)
    options = parser.parse_args()
    password = new_password()
    rows: list[tuple[int, str, Timed]] = []
    with tempfile.TemporaryDirectory(prefix="smw-bench-memory-") as temp, contextlib.ExitStack() as stack:
        ports = [stack.enter_context(simulator(password)) for _ in range(options.simulators)]
        for count in options.targets:
            config = verify_config(Path(temp) / f"targets-{count}.yml", ports, count)
            rows.append((count, "8 (default)", measure(config, password)))
            if count > 1:
                rows.append((count, str(count), measure(config, password, "--parallel", str(min(count, 64)))))
    print(
        f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    print(f"canary on, {options.simulators} simulator processes, JSON report")
    print("targets  --parallel   peak RSS (MiB)  wall (s)")
    for count, parallel, result in rows:
        print(f"{count:>7}  {parallel:<11}  {result.peak_rss_kb / 1024:>14.1f}  {result.seconds:>8.2f}")
    one = rows[0][2].peak_rss_kb
    for count, parallel, result in rows[1:]:
        extra = (result.peak_rss_kb - one) / 1024
        per_target = extra / (count - 1) if count > 1 else 0.0
        print(
            f"peak RSS {count} targets (--parallel {parallel}) / 1 target: {result.peak_rss_kb / one:.2f}"
            f" (+{extra:.1f} MiB, {per_target * 1024:.0f} KiB per extra target)"
        )


if __name__ == "__main__":
    main()
