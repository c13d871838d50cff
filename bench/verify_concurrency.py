"""Benchmark: wall time of ``smartermail-whmcs verify`` for 1 server vs N servers with latency.

    python bench/verify_concurrency.py [--servers 10] [--latency-ms 100]

The fleet half of bench/verify_latency.py on its own (same code): N simulator processes with
--latency-ms, verify of the first one, then of all N in one run (canary included), with
--parallel N and with the default --parallel 8. Target (issue 6): N=10 within 1.5x one server.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import new_password
from verify_latency import DEFAULT_PARALLEL, fleet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=100)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smw-bench-fleet-") as temp:
        times = fleet(Path(temp), new_password(), options.servers, options.latency_ms)
    n = options.servers
    print(f"1 server: {times['one']:.2f} s")
    print(
        f"{n} servers: {times['many']:.2f} s (--parallel {n}), {times['many_default']:.2f} s (default {DEFAULT_PARALLEL})"
    )
    print(f"ratio: {times['many'] / times['one']:.2f} (latency {options.latency_ms} ms, --parallel {n})")


if __name__ == "__main__":
    main()
