"""Shared helpers for the bench/ scripts: the simulator, a private sshd, timed child processes.

Everything runs on 127.0.0.1 and is stopped by the context managers that start it. The scripts
import this file as ``_common`` (bench/ is on sys.path when a script in it runs).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN_DIR = Path(sys.executable).parent
FIXTURE_MODULE = REPO / "verify/smartermail_whmcs/sandbox/fixture_module/modules/servers/smartermail"
SSHD = Path("/usr/sbin/sshd")
LISTENING_PREFIX = "listening on "


def ansible_env(**extra: str) -> dict[str, str]:
    """ansible-playbook's environment: this venv first on PATH, no colour, no retry files."""
    env = dict(os.environ)
    env.update(
        PATH=f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_HOST_KEY_CHECKING="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
    )
    env.update(extra)
    return env


@dataclass
class Timed:
    seconds: float
    returncode: int
    output: str
    peak_rss_kb: int = 0


def timed_run(command: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> Timed:
    """Run a command to completion; wall time, exit code and combined output."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    return Timed(time.monotonic() - started, done.returncode, done.stdout + done.stderr)


def run_checked(command: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> Timed:
    """timed_run that stops the benchmark with the command's output when it fails."""
    result = timed_run(command, env, timeout)
    if result.returncode != 0:
        tail = "\n".join(result.output.splitlines()[-30:])
        raise SystemExit(f"{' '.join(command[:4])} ... exited {result.returncode}:\n{tail}")
    return result


def peak_rss_run(command: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> Timed:
    """Run a command in a fresh child and read its peak RSS from wait4() (ru_maxrss, KiB on Linux).

    wait4 reports the one child's own peak, unlike RUSAGE_CHILDREN, which is the maximum over
    every child this process ever waited for.
    """
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env, text=True)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit(f"{command[:4]} ran longer than {timeout} s")
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        sink.seek(0)
        output = sink.read()
    return Timed(time.monotonic() - started, process.returncode, output, int(usage.ru_maxrss))


def stop(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process is still there after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class SimulatorProcess:
    process: subprocess.Popen[str]
    url: str
    port: int
    start_seconds: float  # from the spawn to the "listening on" line


@contextlib.contextmanager
def simulator_process(password: str, *extra: str) -> Iterator[SimulatorProcess]:
    """``python -m smartermail_whmcs simulator --port 0 [extra]`` with sysadmin admin:<password>, timed."""
    env = dict(os.environ, SMARTERMAIL_SIMULATOR_SYSADMIN=f"admin:{password}")
    command = [sys.executable, "-m", "smartermail_whmcs", "simulator", "--port", "0", *extra]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        seconds = time.monotonic() - started
        if not line.startswith(LISTENING_PREFIX):
            raise SystemExit(f"simulator did not start: {line!r}")
        url = line[len(LISTENING_PREFIX) :].strip()
        yield SimulatorProcess(process, url, int(url.rsplit(":", 1)[1]), seconds)
    finally:
        stop(process)


@contextlib.contextmanager
def simulator(password: str, latency_ms: int = 0) -> Iterator[int]:
    """A simulator on a free port with sysadmin admin:<password>; yields the port."""
    with simulator_process(password, "--latency-ms", str(latency_ms)) as running:
        yield running.port


def new_password() -> str:
    return secrets.token_urlsafe(16)


def verify_config(path: Path, ports: list[int], targets: int | None = None) -> Path:
    """A verify --config file: ``targets`` server entries (default one per port), ports in turn."""
    lines = ["smartermail_servers:"]
    for number in range(targets or len(ports)):
        port = ports[number % len(ports)]
        lines.append(
            f"  - {{name: mail{number + 1:03d}, hostname: 127.0.0.1, port: {port}, secure: false, username: admin}}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def verify_command(config: Path, *extra: str) -> list[str]:
    base = [sys.executable, "-m", "smartermail_whmcs", "verify", "--config", str(config)]
    return [*base, "--format", "json", *extra]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Sshd:
    port: int
    key: Path
    base: Path


@contextlib.contextmanager
def private_sshd() -> Iterator[Sshd]:
    """A throwaway sshd on 127.0.0.1 (own host key, config, authorized_keys) for the current user."""
    base = Path(tempfile.mkdtemp(prefix="smw-bench-ssh-", dir="/tmp"))  # short: ControlPath lives here
    try:
        for name in ("host_key", "client_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(base / name)], check=True
            )
        shutil.copy(base / "client_key.pub", base / "authorized_keys")
        port = free_port()
        config = base / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {base / 'host_key'}\nPidFile {base / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {base / 'authorized_keys'}\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\n"
            "Subsystem sftp internal-sftp\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    raise SystemExit(f"sshd did not start: {stderr}")
                time.sleep(0.05)
            yield Sshd(port, base / "client_key", base)
        finally:
            stop(process)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator > 0 else "n/a"
