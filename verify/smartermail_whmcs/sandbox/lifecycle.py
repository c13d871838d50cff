"""Bring a sandbox up (MariaDB + simulator + N WHMCS trees + inventory) and take it down again.

``bring_up`` records each process in DIR/sandbox.json as soon as it runs, so that even a hard
crash leaves enough behind for ``sandbox down``; on any failure it stops what it started and
removes what it wrote before reporting the cause.
"""

from __future__ import annotations

import contextlib
import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.crontab import (
    NAME_MARKER,
    parse_crontab,
)

from smartermail_whmcs.errors import ConfigError, StageError
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR, build_inventory, write_inventory
from smartermail_whmcs.sandbox.mariadb import (
    DEFAULT_SYSTEM_URL,
    DEFAULT_WHMCS_VERSION,
    MariaDBError,
    MariaDBServer,
)
from smartermail_whmcs.sandbox.processes import (
    SIMULATOR_MARKERS,
    cmdline,
    pid_alive,
    port_open,
    start_simulator,
    stop_process,
    wait_until,
)
from smartermail_whmcs.sandbox.randomness import random_alphanumeric, random_password
from smartermail_whmcs.sandbox.state import (
    DatabaseRecord,
    HostRecord,
    MariaDBRecord,
    SandboxState,
    SimulatorRecord,
    SysadminRecord,
    WebRecord,
    load_state,
    save_state,
    state_path,
)
from smartermail_whmcs.sandbox.tree import HostTreeSpec, build_host_tree, run_cron, short_version
from smartermail_whmcs.sandbox.web import WEB_MARKERS, host_url, start_web_server, stop_web_server

MAX_HOSTS = 64
GENERATED_DIRS = ("hosts", "mariadb", "simulator", "web")
GENERATED_FILES = ("inventory.yml",)
SYSADMIN_USER = "admin"
CC_HASH_LENGTH = 64


@dataclass
class UpOptions:
    directory: Path
    hosts: int = 1
    module_src: Path | None = None
    tls: bool = False
    whmcs_version: str = DEFAULT_WHMCS_VERSION


def _validate(options: UpOptions) -> Path:
    """Check the options before anything is created; return the module source directory."""
    if not 1 <= options.hosts <= MAX_HOSTS:
        raise ConfigError(f"--hosts must be between 1 and {MAX_HOSTS}, got {options.hosts}")
    try:
        short_version(options.whmcs_version)
    except ValueError as error:
        raise ConfigError(str(error)) from error
    module_src = (options.module_src or FIXTURE_MODULE_DIR).resolve()
    if not (module_src / "smartermail.php").is_file():
        raise ConfigError(
            f"--module-src {module_src} is not a SmarterMail module folder (no smartermail.php in it); "
            "point it at .../modules/servers/smartermail"
        )
    if options.directory.exists() and not options.directory.is_dir():
        raise ConfigError(f"--dir {options.directory} exists and is not a directory")
    return module_src


def _running_pids(state: SandboxState) -> list[str]:
    running = []
    if state.simulator and pid_alive(state.simulator.pid):
        running.append(f"simulator pid {state.simulator.pid}")
    if state.mariadb and pid_alive(state.mariadb.pid):
        running.append(f"MariaDB pid {state.mariadb.pid}")
    if state.web and pid_alive(state.web.pid):
        running.append(f"web server pid {state.web.pid}")
    return running


def _check_directory_free(directory: Path) -> None:
    state = load_state(directory)
    if state is not None and state.status != "down":
        running = _running_pids(state)
        if running:
            raise ConfigError(
                f"a sandbox is already running in {directory} ({', '.join(running)}); "
                f"run `smartermail-whmcs sandbox down --dir {directory}` first"
            )
        raise ConfigError(
            f"{directory} holds a sandbox whose processes are gone (status {state.status!r}); "
            f"run `smartermail-whmcs sandbox down --dir {directory}` to clean it up first"
        )
    if state is None:
        leftovers = [name for name in (*GENERATED_DIRS, *GENERATED_FILES) if (directory / name).exists()]
        if leftovers:
            raise ConfigError(
                f"{directory} already contains {', '.join(leftovers)} but no sandbox.json; "
                "choose an empty directory for the sandbox"
            )


def remove_generated_content(directory: Path) -> None:
    for name in GENERATED_DIRS:
        shutil.rmtree(directory / name, ignore_errors=True)
    for name in GENERATED_FILES:
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()


def _check_simulator_answers(simulator: SimulatorRecord) -> None:
    verify: ssl.SSLContext | bool = True
    if simulator.ca_file:
        verify = ssl.create_default_context(cafile=simulator.ca_file)
    try:
        response = httpx.get(f"{simulator.url}/api/v1/licensing/about", verify=verify, timeout=10.0)
    except httpx.HTTPError as error:
        raise StageError(f"the simulator at {simulator.url} does not answer: {error}") from error
    if response.status_code != 200:
        raise StageError(
            f"the simulator at {simulator.url} answered HTTP {response.status_code} "
            "to GET /api/v1/licensing/about"
        )


def bring_up(options: UpOptions) -> SandboxState:
    module_src = _validate(options)
    directory = options.directory.resolve()
    _check_directory_free(directory)
    remove_generated_content(directory)  # leftovers of a sandbox taken down with --keep-files
    directory.mkdir(parents=True, exist_ok=True)

    state = SandboxState(directory=str(directory), status="starting", whmcs_version=options.whmcs_version)
    mariadb = MariaDBServer(directory / "mariadb")
    try:
        mariadb.start()
        assert mariadb.pid is not None and mariadb.port is not None
        state.mariadb = MariaDBRecord(
            pid=mariadb.pid, port=mariadb.port, socket=str(mariadb.socket), base_dir=str(mariadb.base_dir)
        )
        save_state(state)

        sysadmin = SysadminRecord(username=SYSADMIN_USER, password=random_password())
        simulator = start_simulator(
            directory / "simulator",
            tls=options.tls,
            sysadmin_user=sysadmin.username,
            sysadmin_password=sysadmin.password,
        )
        state.simulator = SimulatorRecord(
            url=simulator.url,
            port=simulator.port,
            secure=options.tls,
            ca_file=str(simulator.ca_file) if simulator.ca_file else None,
            sysadmin=sysadmin,
            pid=simulator.pid,
            log_file=str(simulator.log_file),
        )
        save_state(state)
        _check_simulator_answers(state.simulator)

        # The client area of every host (its SystemURL), served before the hosts exist: each
        # host's database is created with its own URL.
        (directory / "hosts").mkdir(exist_ok=True)
        web = start_web_server(directory / "web", directory / "hosts", ca_file=state.simulator.ca_file)
        state.web = WebRecord(url=web.url, port=web.port, pid=web.pid, log_file=str(web.log_file))
        save_state(state)

        for index in range(1, options.hosts + 1):
            state.hosts.append(_make_host(directory, index, mariadb, state))
            save_state(state)
            # One cron run, as on a live WHMCS whose system cron has been running (the sandbox has
            # no cron daemon); without it verify would rightly report a cron that never ran.
            run_cron(Path(state.hosts[-1].whmcs_root), "all", "--force")

        state.inventory = str(write_inventory(directory, build_inventory(state, module_src)))
        state.status = "up"
        save_state(state)
        return state
    except BaseException as error:
        _abort(directory, state, mariadb)
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        cause = error.format_message() if isinstance(error, StageError | ConfigError) else str(error)
        raise StageError(
            f"sandbox up failed: {cause}\n"
            f"Everything started so far was stopped and {directory} was cleaned up."
        ) from error


def _make_host(directory: Path, index: int, mariadb: MariaDBServer, state: SandboxState) -> HostRecord:
    name = f"whmcs{index}"
    database = DatabaseRecord(
        host=mariadb.host,
        port=int(mariadb.port or 0),
        socket=str(mariadb.socket),
        name=name,
        user=name,
        password=random_password(),
    )
    client_area_url = host_url(state.web.url, name) if state.web else ""
    mariadb.create_whmcs_database(
        database.name,
        database.user,
        database.password,
        version=state.whmcs_version,
        system_url=client_area_url or DEFAULT_SYSTEM_URL,
    )
    host = HostRecord(
        name=name,
        whmcs_root=str(directory / "hosts" / name),
        database=database,
        cc_encryption_hash=random_alphanumeric(CC_HASH_LENGTH),
        client_area_url=client_area_url,
    )
    build_host_tree(
        HostTreeSpec(
            host_name=name,
            root=Path(host.whmcs_root),
            db_host=database.host,
            db_port=database.port,
            db_name=database.name,
            db_username=database.user,
            db_password=database.password,
            cc_encryption_hash=host.cc_encryption_hash,
            license=f"Sandbox-{random_alphanumeric(20)}",
            whmcs_version=state.whmcs_version,
            ca_file=(state.simulator.ca_file or "") if state.simulator else "",
        )
    )
    return host


def _abort(directory: Path, state: SandboxState, mariadb: MariaDBServer) -> None:
    """Undo a failed ``up``: stop what runs, remove what was written. Never raises."""
    if state.simulator:
        with contextlib.suppress(Exception):
            stop_process(state.simulator.pid, what="simulator", markers=SIMULATOR_MARKERS)
    if state.web:
        with contextlib.suppress(Exception):
            stop_web_server(state.web.pid)
    with contextlib.suppress(Exception):
        mariadb.stop()
    _remove_socket_dir(mariadb)
    remove_generated_content(directory)
    with contextlib.suppress(FileNotFoundError):
        state_path(directory).unlink()


def _remove_socket_dir(mariadb: MariaDBServer) -> None:
    """A deep DIR puts the MariaDB socket in a private folder under /tmp: remove that folder too."""
    socket_dir = Path(mariadb.socket).parent
    if socket_dir.name.startswith("smw-mariadb-") and socket_dir != mariadb.base_dir:
        shutil.rmtree(socket_dir, ignore_errors=True)


def _stop_simulator(state: SandboxState) -> str:
    simulator = state.simulator
    if simulator is None:
        return "simulator: never started"
    stopped = stop_process(simulator.pid, what="simulator", markers=SIMULATOR_MARKERS)
    if pid_alive(simulator.pid) and all(marker in cmdline(simulator.pid) for marker in SIMULATOR_MARKERS):
        raise StageError(f"the simulator (pid {simulator.pid}) is still running")
    if not wait_until(lambda: not port_open("127.0.0.1", simulator.port), 5.0):
        raise StageError(f"port {simulator.port} still accepts connections after the simulator stopped")
    return f"simulator (pid {simulator.pid}): {'stopped' if stopped else 'was not running'}"


def _stop_web(state: SandboxState) -> str:
    web = state.web
    if web is None:
        return "web server: never started"
    stopped = stop_web_server(web.pid)
    if pid_alive(web.pid) and all(marker in cmdline(web.pid) for marker in WEB_MARKERS):
        raise StageError(f"the web server (pid {web.pid}) is still running")
    if not wait_until(lambda: not port_open("127.0.0.1", web.port), 5.0):
        raise StageError(f"port {web.port} still accepts connections after the web server stopped")
    return f"web server (pid {web.pid}): {'stopped' if stopped else 'was not running'}"


def _stop_mariadb(directory: Path, state: SandboxState) -> str:
    record = state.mariadb
    if record is None:
        return "MariaDB: never started"
    try:
        server = MariaDBServer.load(Path(record.base_dir))
    except MariaDBError:
        server = MariaDBServer(Path(record.base_dir))
        server.pid, server.port, server.socket = record.pid, record.port, Path(record.socket)
    was_running = server.is_running()
    server.stop()
    if pid_alive(record.pid) and "mariadbd" in cmdline(record.pid):
        raise StageError(f"MariaDB (pid {record.pid}) is still running")
    if not wait_until(lambda: not port_open("127.0.0.1", record.port), 5.0):
        raise StageError(f"port {record.port} still accepts connections after MariaDB stopped")
    _remove_socket_dir(server)
    return f"MariaDB (pid {record.pid}): {'stopped' if was_running else 'was not running'}"


def remove_sandbox_crontab_lines(directory: Path) -> int:
    """Drop crontab entries (and their '#Ansible:' name lines) that run cron.php inside DIR/hosts.

    The install playbook's cron role adds them for the current user; left behind they would fail
    every five minutes once the trees are gone.
    """
    crontab = shutil.which("crontab")
    if not crontab:
        return 0
    listing = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        return 0
    marker = str(directory / "hosts") + "/"
    # Read as cron reads it: in the line a % of the path is written \%.
    jobs = {entry.line_number: entry for entry in parse_crontab(listing.stdout)}
    kept: list[str] = []
    removed = 0
    for number, line in enumerate(listing.stdout.splitlines(), 1):
        job = jobs.get(number)
        if job is not None and (marker in job.command or marker in job.text):
            removed += 1
            if kept and kept[-1].startswith(NAME_MARKER):
                kept.pop()
            continue
        kept.append(line)
    if removed:
        subprocess.run([crontab, "-"], input="\n".join(kept) + "\n", text=True, check=True)
    return removed


def tear_down(directory: Path, keep_files: bool = False) -> list[str]:
    """Stop the sandbox in DIR and remove its files; return lines describing what was done."""
    directory = directory.resolve()
    if not directory.is_dir():
        raise ConfigError(f"{directory} does not exist: there is no sandbox to take down")
    state = load_state(directory)
    if state is None:
        raise ConfigError(f"{directory} holds no sandbox (no sandbox.json); nothing to take down")
    if state.status == "down":
        return [f"the sandbox in {directory} is already down"]

    report = [_stop_web(state), _stop_simulator(state), _stop_mariadb(directory, state)]
    removed_cron = remove_sandbox_crontab_lines(directory)
    if removed_cron:
        report.append(f"crontab: removed {removed_cron} line(s) running cron.php in the sandbox")
    if keep_files:
        state.status = "down"
        save_state(state)
        report.append(f"files kept in {directory}")
    else:
        remove_generated_content(directory)
        save_state(SandboxState(directory=str(directory), status="down", whmcs_version=state.whmcs_version))
        report.append(f"removed the generated files in {directory}")
    return report
