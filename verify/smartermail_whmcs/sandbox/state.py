"""DIR/sandbox.json: what ``sandbox up`` made and started, so that ``down`` and tests can find it.

The file holds passwords and encryption keys, so it is written with mode 0600. ``status`` is
"up" while the processes run and "down" after ``sandbox down`` (the file stays behind, without
secrets unless --keep-files was given, so that a second ``down`` can say "already down").
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.safe_repr import repr_showing

STATE_FILE_NAME = "sandbox.json"
STATE_FORMAT = 1
SECRET_FILE_MODE = 0o600


@repr_showing("name", "user", "port")
@dataclass
class DatabaseRecord:
    host: str
    port: int
    socket: str
    name: str
    user: str
    password: str


@repr_showing("email")
@dataclass
class TestClientRecord:
    """The client ``sandbox order`` places its orders for: its client-area login."""

    client_id: int
    email: str
    password: str


@repr_showing("name", "whmcs_root")
@dataclass
class HostRecord:
    name: str
    whmcs_root: str
    database: DatabaseRecord
    cc_encryption_hash: str
    client_area_url: str = ""  # WHMCS's SystemURL: where the web server serves this host
    test_client: TestClientRecord | None = None


@repr_showing("username")
@dataclass
class SysadminRecord:
    username: str
    password: str


@dataclass
class SimulatorRecord:
    url: str
    port: int
    secure: bool
    ca_file: str | None
    sysadmin: SysadminRecord
    pid: int
    log_file: str


@dataclass
class WebRecord:
    """The PHP web server serving every host's client area (sandbox/web.py)."""

    url: str
    port: int
    pid: int
    log_file: str


@dataclass
class MariaDBRecord:
    pid: int
    port: int
    socket: str
    base_dir: str


@dataclass
class SandboxState:
    directory: str
    status: str = "up"
    whmcs_version: str = ""
    hosts: list[HostRecord] = field(default_factory=list)
    simulator: SimulatorRecord | None = None
    mariadb: MariaDBRecord | None = None
    web: WebRecord | None = None
    inventory: str = ""
    format: int = STATE_FORMAT

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        hosts = [
            HostRecord(
                name=host["name"],
                whmcs_root=host["whmcs_root"],
                database=DatabaseRecord(**host["database"]),
                cc_encryption_hash=host["cc_encryption_hash"],
                client_area_url=host.get("client_area_url", ""),
                test_client=TestClientRecord(**host["test_client"]) if host.get("test_client") else None,
            )
            for host in data.get("hosts", [])
        ]
        simulator = None
        if data.get("simulator"):
            raw = dict(data["simulator"])
            raw["sysadmin"] = SysadminRecord(**raw["sysadmin"])
            simulator = SimulatorRecord(**raw)
        mariadb = MariaDBRecord(**data["mariadb"]) if data.get("mariadb") else None
        web = WebRecord(**data["web"]) if data.get("web") else None
        return cls(
            directory=data["directory"],
            status=data.get("status", "up"),
            whmcs_version=data.get("whmcs_version", ""),
            hosts=hosts,
            simulator=simulator,
            mariadb=mariadb,
            web=web,
            inventory=data.get("inventory", ""),
            format=data.get("format", STATE_FORMAT),
        )


def state_path(directory: Path) -> Path:
    return directory / STATE_FILE_NAME


def write_secret_file(path: Path, text: str, mode: int = SECRET_FILE_MODE) -> None:
    """Create ``path`` with ``mode`` from the start, so the secret is never readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def save_state(state: SandboxState) -> Path:
    path = state_path(Path(state.directory))
    write_secret_file(path, json.dumps(state.to_json(), indent=2) + "\n")
    return path


def load_state(directory: Path) -> SandboxState | None:
    """The recorded state, or None when DIR has no sandbox.json."""
    path = state_path(directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SandboxState.from_json(data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"{path} is not a readable sandbox state file ({type(error).__name__}); "
            "remove it by hand if the sandbox is gone"
        ) from error


def load_running_state(directory: Path) -> SandboxState:
    """The state of a sandbox that is up, or a ConfigError saying what to run first."""
    state = load_state(directory)
    if state is None:
        raise ConfigError(
            f"{directory} holds no sandbox: run `smartermail-whmcs sandbox up --dir {directory}` first"
        )
    if state.status != "up" or state.simulator is None:
        raise ConfigError(
            f"the sandbox in {directory} is {state.status}: run `smartermail-whmcs sandbox up` first"
        )
    return state
