"""The sandbox's web server: PHP's built-in server serving every WHMCS host's client area.

One server per sandbox (``php -S 127.0.0.1:<free port>`` with ``web_router.php``), document root
``DIR/hosts``: host ``whmcsN`` answers under ``/whmcsN/`` (its SystemURL is
``http://127.0.0.1:<port>/whmcsN/``). One process for all hosts keeps ``sandbox up`` fast; PHP's
``PHP_CLI_SERVER_WORKERS`` lets it answer a browser's parallel requests. The server runs with the
settings of every PHP process of the sandbox (includes/sandbox/containment.php: the resolver
functions disabled, with ``--tls`` the simulator's CA as PHP's trust store), errors logged (not
shown) to ``DIR/web/web.log`` with its access log.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from smartermail_whmcs.sandbox.processes import (
    SandboxProcessError,
    cmdline,
    log_tail,
    pid_alive,
    port_open,
    stop_process,
    wait_until,
)
from smartermail_whmcs.sandbox.tree import STANDIN_DIR

ROUTER = Path(__file__).with_name("web_router.php")
ROUTER_NAME = "router.php"
WEB_MARKERS = ("-S", ROUTER_NAME)
WORKERS = 4
PING_PATH = "/__sandbox/ping"
_PORT_ATTEMPTS = 5
_DNS_CONST = re.compile(r"const WHMCS_SANDBOX_DNS_FUNCTIONS = \[(.*?)\];", re.DOTALL)


@dataclass
class WebServerProcess:
    url: str  # http://127.0.0.1:<port>
    port: int
    pid: int
    log_file: Path


def host_url(base_url: str, host_name: str) -> str:
    """The client area (WHMCS SystemURL) of one sandbox host: ``<base>/<host>/``."""
    return f"{base_url.rstrip('/')}/{host_name}/"


def dns_functions() -> list[str]:
    """The resolver functions the stand-in disables, read from its dns.php (one list, one place)."""
    source = (STANDIN_DIR / "includes" / "sandbox" / "dns.php").read_text(encoding="utf-8")
    match = _DNS_CONST.search(source)
    if not match:
        raise SandboxProcessError("includes/sandbox/dns.php has no WHMCS_SANDBOX_DNS_FUNCTIONS list")
    return re.findall(r"'([a-z_]+)'", match.group(1))


def _disable_functions_value(php: str) -> str:
    """php.ini's own disable_functions plus the resolver functions."""
    done = subprocess.run(
        [php, "-r", 'echo ini_get("disable_functions");'],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    current = [name.strip() for name in done.stdout.split(",") if name.strip()]
    return ",".join(dict.fromkeys([*current, *dns_functions()]))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(php: str, settings: dict[str, str], port: int, docroot: Path, router: Path) -> list[str]:
    command = [php]
    for name, value in settings.items():
        command += ["-d", f"{name}={value}"]
    return [*command, "-S", f"127.0.0.1:{port}", "-t", str(docroot), str(router)]


def php_settings(disabled: str, ca_file: str | None) -> dict[str, str]:
    """The web server's php settings: those of every sandbox PHP process (includes/sandbox/
    containment.php: resolver functions disabled; with --tls the simulator's CA as PHP's trust
    store), errors logged and never shown on a page."""
    settings = {"disable_functions": disabled}
    if ca_file:
        settings.update({"curl.cainfo": ca_file, "openssl.cafile": ca_file})
    settings.update({"display_errors": "0", "log_errors": "1", "error_reporting": "-1"})
    return settings


def start_web_server(
    work_dir: Path, docroot: Path, *, ca_file: str | None = None, timeout: float = 15.0
) -> WebServerProcess:
    """Start the server detached (its own session); return once it answers the ping."""
    php = shutil.which("php")
    if not php:
        raise SandboxProcessError("`php` was not found on PATH; install php-cli")
    work_dir.mkdir(parents=True, exist_ok=True)
    router = work_dir / ROUTER_NAME
    shutil.copyfile(ROUTER, router)
    log_file = work_dir / "web.log"
    settings = php_settings(_disable_functions_value(php), ca_file)
    env = dict(os.environ, PHP_CLI_SERVER_WORKERS=str(WORKERS))
    last_error = ""
    for _ in range(_PORT_ATTEMPTS):
        port = _free_port()
        with open(log_file, "ab") as log:
            process = subprocess.Popen(
                _command(php, settings, port, docroot, router),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=str(work_dir),
                env=env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None and not port_open("127.0.0.1", port):
            time.sleep(0.02)
        if process.poll() is not None:
            last_error = log_tail(log_file, 5, "web server log")
            if "Address already in use" in last_error:
                continue  # another process took the port between probe and bind
            raise SandboxProcessError(
                f"the web server (php -S) exited with code {process.returncode}; "
                f"last lines of {log_file}:\n{last_error}"
            )
        url = f"http://127.0.0.1:{port}"
        if not _answers(url):
            stop_web_server(process.pid)
            raise SandboxProcessError(
                f"the web server at {url} does not answer {PING_PATH}; last lines of {log_file}:\n"
                f"{log_tail(log_file, 10, 'web server log')}"
            )
        return WebServerProcess(url=url, port=port, pid=process.pid, log_file=log_file)
    raise SandboxProcessError(f"php -S could not bind a free port after {_PORT_ATTEMPTS} tries: {last_error}")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + PING_PATH, timeout=10.0).text.strip() == "ok"
    except httpx.HTTPError:
        return False


def stop_web_server(pid: int | None) -> bool:
    """Stop the server and its workers (its process group); False when it was not running.

    The pid must still be our server (its command line names ``-S`` and ``router.php``): a
    recycled pid is never signalled.
    """
    if not pid_alive(pid):
        return False
    assert pid is not None
    line = cmdline(pid)
    if line and not all(marker in line for marker in WEB_MARKERS):
        return False
    _signal_group(pid, signal.SIGTERM)
    stopped = stop_process(pid, what="web server", markers=WEB_MARKERS)
    if not wait_until(lambda: not _group_alive(pid), 5.0):
        _signal_group(pid, signal.SIGKILL)
        if not wait_until(lambda: not _group_alive(pid), 5.0):
            raise SandboxProcessError(f"workers of the web server (process group {pid}) are still running")
    return stopped


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
