"""Start and stop the sandbox's detached SmarterMail simulator; pid and port probes.

The simulator runs in its own session (Ctrl-C in the terminal that ran ``sandbox up`` must not
stop it, and ``up`` returns while it keeps serving). Its stdout and stderr go to a log file; the
first stdout line, ``listening on <url>``, tells us where it listens.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from smartermail_whmcs.errors import StageError

LISTENING_PREFIX = "listening on "
SIMULATOR_MARKERS = ("smartermail_whmcs", "simulator")


class SandboxProcessError(StageError):
    """A sandbox process did not start, or did not stop when asked."""


def pid_alive(pid: int | None) -> bool:
    """True if ``pid`` runs and is not a zombie."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(timeout)
        return probe.connect_ex((host, port)) == 0


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def log_tail(path: Path, lines: int = 15, what: str = "log") -> str:
    """The last ``lines`` lines of a log file, for an error message; '(no log)' when unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no {what})"
    return "\n".join(text.splitlines()[-lines:]) or f"({what} is empty)"


@dataclass
class SimulatorProcess:
    url: str
    port: int
    pid: int
    log_file: Path
    ca_file: Path | None


def _find_ca_file(cert_dir: Path) -> Path | None:
    """The CA certificate the simulator wrote to --cert-dir (name chosen by the simulator)."""
    for name in ("ca.pem", "ca.crt", "ca-cert.pem", "ca_cert.pem"):
        if (cert_dir / name).is_file():
            return cert_dir / name
    candidates = sorted(
        p for p in cert_dir.glob("*ca*") if p.suffix in (".pem", ".crt") and "key" not in p.name
    )
    return candidates[0] if candidates else None


def start_simulator(
    work_dir: Path, *, tls: bool, sysadmin_user: str, sysadmin_password: str, timeout: float = 30.0
) -> SimulatorProcess:
    """Start ``python -m smartermail_whmcs simulator`` detached; return once it listens."""
    work_dir.mkdir(parents=True, exist_ok=True)
    log_file = work_dir / "simulator.log"
    command = [
        sys.executable,
        "-m",
        "smartermail_whmcs",
        "simulator",
        "--port",
        "0",
    ]
    cert_dir = work_dir / "certs"
    if tls:
        cert_dir.mkdir(exist_ok=True)
        command += ["--tls", "--cert-dir", str(cert_dir)]
    # The account goes through the environment, so the password stays out of `ps` output.
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        SMARTERMAIL_SIMULATOR_SYSADMIN=f"{sysadmin_user}:{sysadmin_password}",
    )
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=str(work_dir),
            env=env,
        )

    def first_line() -> str | None:
        try:
            text = log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith(LISTENING_PREFIX):
                return line[len(LISTENING_PREFIX) :].strip()
        return None

    deadline = time.monotonic() + timeout
    url = None
    while time.monotonic() < deadline:
        url = first_line()
        if url:
            break
        if process.poll() is not None:
            raise SandboxProcessError(
                f"the simulator exited with code {process.returncode} before listening; "
                f"last lines of {log_file}:\n{log_tail(log_file)}"
            )
        time.sleep(0.05)
    if not url:
        stop_process(process.pid, what="simulator", markers=SIMULATOR_MARKERS)
        raise SandboxProcessError(
            f"the simulator did not print '{LISTENING_PREFIX}<url>' within {timeout:.0f} s; "
            f"last lines of {log_file}:\n{log_tail(log_file)}"
        )
    port = urlsplit(url).port
    if port is None:
        stop_process(process.pid, what="simulator", markers=SIMULATOR_MARKERS)
        raise SandboxProcessError(f"the simulator announced {url!r}, which has no port")
    ca_file = None
    if tls:
        ca_file = _find_ca_file(cert_dir)
        if ca_file is None:
            stop_process(process.pid, what="simulator", markers=SIMULATOR_MARKERS)
            raise SandboxProcessError(
                f"the simulator runs with --tls but wrote no CA certificate to {cert_dir}"
            )
    return SimulatorProcess(
        url=url.rstrip("/"), port=port, pid=process.pid, log_file=log_file, ca_file=ca_file
    )


def stop_process(pid: int | None, *, what: str, markers: tuple[str, ...], timeout: float = 15.0) -> bool:
    """SIGTERM ``pid`` (SIGKILL after ``timeout``) if it is still the process we started.

    Returns False when there was nothing to stop. ``markers`` guard against a recycled pid:
    each must appear in the process's command line.
    """
    if not pid_alive(pid):
        return False
    assert pid is not None
    line = cmdline(pid)
    if line and not all(marker in line for marker in markers):
        return False  # the pid now belongs to someone else: ours is gone
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    _reap(pid)

    def gone() -> bool:
        _reap(pid)
        return not pid_alive(pid)

    if not wait_until(gone, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if not wait_until(gone, 5.0):
            raise SandboxProcessError(f"the {what} (pid {pid}) is still running after SIGKILL")
    return True


def _reap(pid: int) -> None:
    """Collect the exit status when the process is our own child (else it would stay a zombie)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
