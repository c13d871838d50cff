"""Ten simulated servers at 100 ms latency: one verify run takes less than twice a single server's.

Each server is its own simulator process; the whole run (canary included) is one run_checks call,
so targets proceed side by side instead of one after the other.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.simulator import RunningSimulator, start_simulator
from fixtures.verify_cli import SECRET, USERNAME, run_verify

SERVERS = 10
LATENCY_MS = 100


@pytest.fixture(scope="module")
def fleet() -> Iterator[list[RunningSimulator]]:
    with contextlib.ExitStack() as stack:
        sims = [
            stack.enter_context(
                start_simulator("--sysadmin", f"{USERNAME}:{SECRET}", "--latency-ms", str(LATENCY_MS))
            )
            for _ in range(SERVERS)
        ]
        yield sims


def write_config(path: Path, sims: list[RunningSimulator]) -> Path:
    lines = ["smartermail_servers:"]
    for index, sim in enumerate(sims, start=1):
        host, port = sim.host_port
        lines += [
            f"  - name: mail{index:02d}",
            f"    hostname: {host}",
            f"    port: {port}",
            "    secure: false",
            f"    username: {USERNAME}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def timed_run(config: Path) -> tuple[float, dict]:
    started = time.monotonic()
    # The default --parallel: what a user gets without tuning.
    done = run_verify("--config", str(config), "--format", "json", env={"SMARTERMAIL_PASSWORD": SECRET})
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return elapsed, json.loads(done.stdout)


def test_ten_servers_take_less_than_twice_one(fleet: list[RunningSimulator], tmp_path: Path) -> None:
    for sim in fleet:
        sim.reset()
    single, single_report = timed_run(write_config(tmp_path / "one.yml", fleet[:1]))
    many, many_report = timed_run(write_config(tmp_path / "ten.yml", fleet))
    assert single_report["summary"]["fail"] == 0 and many_report["summary"]["fail"] == 0
    assert len(many_report["targets"]) == SERVERS
    assert many_report["summary"]["total"] == SERVERS * single_report["summary"]["total"]
    # The canary alone makes 8 sequential calls at 100 ms: a serial run would take ~10x as long.
    assert single > 0.8
    print(
        f"verify wall time: 1 server {single:.2f} s, {SERVERS} servers {many:.2f} s, ratio {many / single:.2f}"
    )
    assert many < 2 * single, f"10 servers took {many:.2f} s, one took {single:.2f} s"
    assert all(sim.state()["domains"] == [] for sim in fleet)
