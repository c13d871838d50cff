"""Benchmark: wall time of ``smartermail-whmcs verify`` for 1 server vs N servers with latency.

    python bench/verify_concurrency.py [--servers 10] [--latency-ms 100] [--parallel 10]

Starts N simulator processes on 127.0.0.1 (each with --latency-ms), runs the real CLI once
against the first server and once against all of them (canary included), and prints both wall
times and their ratio. Concurrency works when the ratio stays well under N (the issue asks < 2).
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LISTENING_PREFIX = "listening on "


def start_simulator(password: str, latency_ms: int) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ, SMARTERMAIL_SIMULATOR_SYSADMIN=f"admin:{password}")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smartermail_whmcs",
            "simulator",
            "--port",
            "0",
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith(LISTENING_PREFIX):
        process.kill()
        raise SystemExit(f"simulator did not start: {line!r}")
    return process, int(line.strip().rsplit(":", 1)[1])


def write_config(path: Path, ports: list[int]) -> Path:
    lines = ["smartermail_servers:"]
    for index, port in enumerate(ports, start=1):
        lines.append(
            f"  - {{name: mail{index:02d}, hostname: 127.0.0.1, port: {port}, secure: false, username: admin}}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def timed_verify(config: Path, password: str, parallel: int) -> float:
    env = dict(os.environ, SMARTERMAIL_PASSWORD=password)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "smartermail_whmcs", "verify", "--config", str(config), "--format", "json",
         "--parallel", str(parallel)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"verify exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=10)
    options = parser.parse_args()
    password = secrets.token_urlsafe(16)
    processes = []
    try:
        ports = []
        for _ in range(options.servers):
            process, port = start_simulator(password, options.latency_ms)
            processes.append(process)
            ports.append(port)
        with tempfile.TemporaryDirectory() as work:
            one = timed_verify(write_config(Path(work) / "one.yml", ports[:1]), password, options.parallel)
            many = timed_verify(write_config(Path(work) / "many.yml", ports), password, options.parallel)
        print(f"1 server: {one:.2f} s")
        print(f"{options.servers} servers: {many:.2f} s")
        print(f"ratio: {many / one:.2f} (latency {options.latency_ms} ms, --parallel {options.parallel})")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
