"""Benchmark: verify's sequential round trips (latency sweep) and its fleet concurrency.

    python bench/verify_latency.py [--repeat 3] [--servers 10] [--fleet-latency-ms 100]

1. Latency sweep: one simulator per injected latency (0, 50, 200 ms on every /api/* request),
   ``python -m smartermail_whmcs verify --config ... --format json`` on one server with the
   canary. (wall(L) - wall(0)) / L is the number of sequential API round trips on the slowest
   path (dns -> port -> api -> credentials -> canary, plus the logout at the end); the canary
   check's own elapsed_ms gives the canary's share. Median of --repeat runs.
2. Fleet: --servers simulator processes at --fleet-latency-ms, verify of the first one vs all of
   them in one run (--parallel = servers, and the default --parallel 16), canary included.
Targets (issue 6): the canary path <= 10 sequential round trips; 10 servers <= 1.5x one server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _common import new_password, ratio, run_checked, simulator, verify_command, verify_config

LATENCIES_MS = (0, 50, 200)
DEFAULT_PARALLEL = 16


@dataclass
class Sample:
    wall: float
    canary_ms: float
    canary_calls: int


def verify_once(config: Path, password: str, *extra: str) -> Sample:
    env = dict(os.environ, SMARTERMAIL_PASSWORD=password)
    result = run_checked(verify_command(config, *extra), env=env)
    report = json.loads(result.output[result.output.index("{") :])
    if not report["ok"]:
        raise SystemExit(f"verify failed: {result.output[-2000:]}")
    canaries = [check for check in report["checks"] if check["id"] == "canary"]
    canary_ms = max(check["elapsed_ms"] for check in canaries)
    calls = canaries[0]["details"].get("round_trips", 0)
    return Sample(result.seconds, canary_ms, calls)


def median_sample(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.canary_ms for s in samples),
        samples[0].canary_calls,
    )


def latency_sweep(work: Path, password: str, repeat: int) -> dict[int, Sample]:
    results = {}
    for latency in LATENCIES_MS:
        with simulator(password, latency) as port:
            config = verify_config(work / f"one-{latency}.yml", [port])
            results[latency] = median_sample([verify_once(config, password) for _ in range(repeat)])
    return results


def fleet(work: Path, password: str, servers: int, latency: int) -> dict[str, float]:
    with contextlib.ExitStack() as stack:
        ports = [stack.enter_context(simulator(password, latency)) for _ in range(servers)]
        one = verify_config(work / "fleet-one.yml", ports[:1])
        many = verify_config(work / "fleet-many.yml", ports)
        return {
            "one": verify_once(one, password, "--parallel", str(servers)).wall,
            "many": verify_once(many, password, "--parallel", str(servers)).wall,
            "many_default": verify_once(many, password).wall,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--fleet-latency-ms", type=int, default=100)
    options = parser.parse_args()
    password = new_password()
    with tempfile.TemporaryDirectory(prefix="smw-bench-verify-") as temp:
        sweep = latency_sweep(Path(temp), password, options.repeat)
        crowd = fleet(Path(temp), password, options.servers, options.fleet_latency_ms)
    base = sweep[0]
    print(
        f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    print("latency  verify wall (s)  round trips (whole run)  canary check (ms)  canary round trips")
    worst_total = worst_canary = 0.0
    for latency, sample in sweep.items():
        if latency == 0:
            print(f"{latency:>5} ms  {sample.wall:>15.2f}  {'-':>23}  {sample.canary_ms:>17.0f}  {'-':>18}")
            continue
        total = (sample.wall - base.wall) / (latency / 1000)
        canary = (sample.canary_ms - base.canary_ms) / latency
        worst_total, worst_canary = max(worst_total, total), max(worst_canary, canary)
        print(
            f"{latency:>5} ms  {sample.wall:>15.2f}  {total:>23.1f}  {sample.canary_ms:>17.0f}  {canary:>18.1f}"
        )
    print(f"canary API calls reported by verify: {base.canary_calls}")
    n, latency = options.servers, options.fleet_latency_ms
    print(
        f"fleet at {latency} ms: 1 server {crowd['one']:.2f} s, {n} servers {crowd['many']:.2f} s (--parallel {n}),"
    )
    print(f"  {n} servers {crowd['many_default']:.2f} s (default --parallel {DEFAULT_PARALLEL})")
    print(f"sequential round trips, whole run (dns..canary..logout): {worst_total:.1f}")
    print(
        f"sequential round trips, canary check: {worst_canary:.1f} -> target <= 10 "
        f"{'met' if worst_canary <= 10.5 else 'MISSED'}"
    )
    fleet_ratio = crowd["many"] / crowd["one"]
    print(
        f"ratio {n} servers / 1 server: {ratio(crowd['many'], crowd['one'])} -> target <= 1.5 "
        f"{'met' if fleet_ratio <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
