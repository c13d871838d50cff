"""A private MariaDB server for tests and sandboxes.

Each ``MariaDBServer`` owns one ``mariadbd`` process with its own data directory, unix socket
and a free TCP port on 127.0.0.1. It never touches a system service. Several can run side by
side (small memory settings), and a later process can find a running one again through the
JSON state file (``save_state`` / ``MariaDBServer.load``), e.g. for ``sandbox down``.

Root access is over the unix socket only (``unix_socket`` authentication for the OS user that
started the server), so the TCP port has no password-less account on it.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymysql
import pymysql.cursors

from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox.processes import cmdline, log_tail, pid_alive

SQL_DIR = Path(__file__).with_name("sql")
STATE_FILE_NAME = "mariadb.json"
DEFAULT_WHMCS_VERSION = "8.13.0-release.1"
DEFAULT_SYSTEM_URL = "http://127.0.0.1/whmcs/"
STRICT_SQL_MODE = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
# Where a WHMCS database user logs in from: TCP on the loopback address, and the socket.
USER_HOSTS = ("127.0.0.1", "localhost")
INSTALL_HINT = "install the Debian package with `apt-get install mariadb-server`"

# Linux limits a unix socket path to 108 bytes including the terminating NUL.
_MAX_SOCKET_PATH = 100
_PORT_ATTEMPTS = 5
_DATABASE_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_USER_NAME = re.compile(r"^[A-Za-z0-9_]{1,80}$")


class MariaDBError(StageError):
    """The private MariaDB server could not be installed, started, stopped or used."""


def _find_binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if not found:
        raise MariaDBError(f"`{name}` was not found on PATH or in /usr/sbin; {INSTALL_HINT}")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _error_log_tail(path: Path) -> str:
    return log_tail(path, 20, "error log")


def split_sql_statements(script: str) -> list[str]:
    """Split an SQL script on top-level ``;``, skipping comments and respecting quotes."""
    statements: list[str] = []
    current: list[str] = []
    index, length = 0, len(script)
    while index < length:
        char = script[index]
        pair = script[index : index + 2]
        if pair == "--" or char == "#":
            newline = script.find("\n", index)
            index = length if newline < 0 else newline + 1
            current.append("\n")
            continue
        if pair == "/*":
            end = script.find("*/", index + 2)
            if end < 0:
                raise ValueError("unterminated /* comment in SQL script")
            index = end + 2
            current.append(" ")
            continue
        if char in "'\"`":
            end = index + 1
            while end < length:
                if script[end] == "\\" and char != "`":
                    end += 2
                    continue
                if script[end] == char:
                    if script[end + 1 : end + 2] == char:  # doubled quote inside the literal
                        end += 2
                        continue
                    break
                end += 1
            if end >= length:
                raise ValueError(f"unterminated {char} quote in SQL script")
            current.append(script[index : end + 1])
            index = end + 1
            continue
        if char == ";":
            statement = "".join(current).strip()
            if statement:
                statements.append(statement)
            current = []
        else:
            current.append(char)
        index += 1
    tail = "".join(current).strip()
    if tail:
        statements.append(tail)
    return statements


class MariaDBServer:
    """One private ``mariadbd`` under ``base_dir`` (data/, mysqld.sock, mysqld.pid, error.log)."""

    host = "127.0.0.1"

    def __init__(self, base_dir: Path | str) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.data_dir = self.base_dir / "data"
        self.pid_file = self.base_dir / "mysqld.pid"
        self.error_log = self.base_dir / "error.log"
        self.state_file = self.base_dir / STATE_FILE_NAME
        self.socket = self._socket_path()
        self.port: int | None = None
        self.pid: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        return f"MariaDBServer(base_dir={str(self.base_dir)!r}, port={self.port}, pid={self.pid})"

    def __enter__(self) -> MariaDBServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _socket_path(self) -> Path:
        preferred = self.base_dir / "mysqld.sock"
        if len(str(preferred)) <= _MAX_SOCKET_PATH:
            return preferred
        # A deep base_dir would exceed the kernel's socket path limit: use a short, stable
        # directory derived from base_dir instead (recorded in the state file).
        digest = hashlib.sha256(str(self.base_dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"smw-mariadb-{digest}" / "mysqld.sock"

    # ----------------------------------------------------------------- lifecycle
    def is_running(self) -> bool:
        return self.pid is not None and pid_alive(self.pid)

    def start(self, timeout: float = 60.0) -> None:
        """Initialise the data directory if needed, start mariadbd and wait until it answers."""
        if self.is_running():
            return
        mariadbd = _find_binary("mariadbd")
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        if not self.data_dir.is_dir() or not any(self.data_dir.iterdir()):
            self._install_data_dir()
        last_error = ""
        for _attempt in range(_PORT_ATTEMPTS):
            self.port = _free_port()
            try:
                self._launch(mariadbd, timeout)
            except _PortTakenError as error:
                last_error = str(error)  # another process took the port between probe and bind
                continue
            self.save_state()
            return
        raise MariaDBError(
            f"mariadbd could not bind a free port on 127.0.0.1 after {_PORT_ATTEMPTS} tries: {last_error}"
        )

    def _install_data_dir(self) -> None:
        install_db = _find_binary("mariadb-install-db")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            install_db,
            "--no-defaults",
            f"--datadir={self.data_dir}",
            f"--user={getpass.getuser()}",
            "--auth-root-authentication-method=socket",
            f"--auth-root-socket-user={getpass.getuser()}",
            "--skip-test-db",
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        except subprocess.TimeoutExpired as error:
            raise MariaDBError(
                f"mariadb-install-db did not finish within 120 s for {self.data_dir}"
            ) from error
        if result.returncode != 0:
            output = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
            raise MariaDBError(
                f"mariadb-install-db failed for {self.data_dir} (exit {result.returncode}):\n{output}"
            )

    def _server_command(self, mariadbd: str) -> list[str]:
        command = [
            mariadbd,
            "--no-defaults",  # must come first: ignore /etc/mysql so no system setting leaks in
            f"--datadir={self.data_dir}",
            f"--socket={self.socket}",
            f"--pid-file={self.pid_file}",
            f"--log-error={self.error_log}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            f"--sql-mode={STRICT_SQL_MODE}",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            # Small footprint so several servers fit on one CI machine.
            "--performance-schema=OFF",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            "--innodb-log-buffer-size=4M",
            "--innodb-flush-log-at-trx-commit=2",
            "--innodb-use-native-aio=0",
            "--key-buffer-size=1M",
            "--max-connections=60",
            "--skip-log-bin",
        ]
        if os.geteuid() == 0:
            command.append("--user=root")
        return command

    def _launch(self, mariadbd: str, timeout: float) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.error_log.unlink()
        with open(self.base_dir / "mariadbd.out", "ab") as output:
            # A new session: Ctrl-C in the caller's terminal must not kill the server mid-write.
            self._process = subprocess.Popen(
                self._server_command(mariadbd),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self._process.pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            exit_code = self._process.poll()
            if exit_code is not None:
                last_lines = _error_log_tail(self.error_log)
                self.pid = None
                if (
                    "Address already in use" in last_lines
                    or "Can't start server: Bind on TCP/IP port" in last_lines
                ):
                    raise _PortTakenError(f"port {self.port} was taken")
                raise MariaDBError(
                    f"mariadbd exited with code {exit_code} while starting in {self.base_dir}; "
                    f"last lines of {self.error_log}:\n{last_lines}"
                )
            if self.socket.exists():
                try:
                    self.root_connect().close()
                    return
                except pymysql.err.OperationalError:
                    pass
            time.sleep(0.1)
        self._kill()
        raise MariaDBError(
            f"mariadbd did not accept connections on {self.socket} within {timeout:.0f} s; "
            f"last lines of {self.error_log}:\n{_error_log_tail(self.error_log)}"
        )

    def stop(self, timeout: float = 30.0) -> None:
        """Shut down gracefully (SIGTERM), SIGKILL after ``timeout``, and wait for the exit."""
        if self.pid is None:
            return
        if not pid_alive(self.pid) or not self._owns_pid(self.pid):
            self._forget()
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        if not self._wait_exit(timeout):
            self._kill()
        self._forget()

    def _owns_pid(self, pid: int) -> bool:
        """Guard against a recycled pid: the process must be a mariadbd on our data directory."""
        command_line = cmdline(pid)
        return not command_line or ("mariadbd" in command_line and str(self.data_dir) in command_line)

    def _wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(timeout=0.1)
                if self._process.poll() is not None:
                    return True
            elif self.pid is None or not pid_alive(self.pid):
                return True
            else:
                time.sleep(0.1)
        return False

    def _kill(self) -> None:
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait_exit(10.0)

    def _forget(self) -> None:
        self.pid = None
        self._process = None
        with contextlib.suppress(FileNotFoundError):
            self.state_file.unlink()

    # ----------------------------------------------------------------- state
    def save_state(self) -> Path:
        """Write port/socket/pid to ``base_dir/mariadb.json`` so another process can stop it."""
        state = {
            "base_dir": str(self.base_dir),
            "data_dir": str(self.data_dir),
            "host": self.host,
            "port": self.port,
            "socket": str(self.socket),
            "pid": self.pid,
            "error_log": str(self.error_log),
        }
        self.state_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        return self.state_file

    @classmethod
    def load(cls, base_dir: Path | str) -> MariaDBServer:
        """Rebuild a handle on a server started by another process (see ``save_state``)."""
        server = cls(base_dir)
        try:
            state = json.loads(server.state_file.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise MariaDBError(
                f"no MariaDB state file at {server.state_file}: the server is not running"
            ) from error
        except (OSError, ValueError) as error:
            raise MariaDBError(f"cannot read MariaDB state file {server.state_file}: {error}") from error
        server.port = state.get("port")
        server.pid = state.get("pid")
        if state.get("socket"):
            server.socket = Path(state["socket"])
        return server

    # ----------------------------------------------------------------- SQL access
    def root_connect(self, database: str | None = None) -> pymysql.connections.Connection:
        """A root connection over the unix socket (autocommit on, DictCursor)."""
        return pymysql.connect(
            unix_socket=str(self.socket),
            user="root",
            database=database,
            charset="utf8mb4",
            autocommit=True,
            connect_timeout=5,
            cursorclass=pymysql.cursors.DictCursor,
        )

    def create_whmcs_database(
        self,
        name: str,
        user: str,
        password: str,
        *,
        version: str = DEFAULT_WHMCS_VERSION,
        system_url: str = DEFAULT_SYSTEM_URL,
    ) -> None:
        """Create database ``name`` with the WHMCS schema + seed, and ``user`` with rights on it only.

        The user can log in from 127.0.0.1 (TCP) and localhost (socket).
        """
        failure = f"creating WHMCS database {name!r} for user {user!r} failed"
        with self._account_cursor(name, user, failure) as cursor:
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci")
            for user_host in USER_HOSTS:
                cursor.execute("CREATE USER %s@%s IDENTIFIED BY %s", (user, user_host, password))
                cursor.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO %s@%s", (user, user_host))
            cursor.execute(f"USE `{name}`")
            cursor.execute("SET SESSION sql_mode = %s", (STRICT_SQL_MODE,))
            cursor.execute("SET @whmcs_version = %s, @whmcs_system_url = %s", (version, system_url))
            for script in ("whmcs_schema.sql", "whmcs_seed.sql"):
                self._run_script(cursor, SQL_DIR / script)

    def drop_whmcs_database(self, name: str, user: str) -> None:
        """Remove what ``create_whmcs_database`` made (missing pieces are fine)."""
        with self._account_cursor(name, user) as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            for user_host in USER_HOSTS:
                cursor.execute("DROP USER IF EXISTS %s@%s", (user, user_host))

    @contextlib.contextmanager
    def _account_cursor(self, name: str, user: str, failure: str | None = None) -> Iterator[Any]:
        """A root cursor for work on database ``name`` and its ``user`` (both names checked first).

        With ``failure``, a MySQL error inside becomes a MariaDBError starting with that text.
        """
        _check_identifier(name, _DATABASE_NAME, "database name")
        _check_identifier(user, _USER_NAME, "user name")
        connection = self.root_connect()
        try:
            with connection.cursor() as cursor:
                yield cursor
        except pymysql.MySQLError as error:
            if failure is None:
                raise
            raise MariaDBError(f"{failure}: {error.args[-1]}") from error
        finally:
            connection.close()

    @staticmethod
    def _run_script(cursor: Any, path: Path) -> None:
        for statement in split_sql_statements(path.read_text(encoding="utf-8")):
            try:
                cursor.execute(statement)
            except pymysql.MySQLError as error:
                first_line = statement.splitlines()[0][:80]
                raise MariaDBError(
                    f"{path.name}: statement `{first_line}` failed: {error.args[-1]}"
                ) from error


class _PortTakenError(Exception):
    """mariadbd lost the race for the port it was given; start() retries with another one."""


def _check_identifier(value: str, pattern: re.Pattern[str], what: str) -> None:
    if not pattern.match(value or ""):
        raise MariaDBError(f"invalid {what} {value!r}: use letters, digits and underscores only")
