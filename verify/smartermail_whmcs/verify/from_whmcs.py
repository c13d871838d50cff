"""``verify --from-whmcs ROOT``: the SmarterMail servers exactly as that WHMCS stores them.

Reads configuration.php, connects to its database, takes every tblservers row of type
``smartermail`` and decrypts its password with the tree's cc_encryption_hash — the values WHMCS
itself will use when it provisions an account.

A row WHMCS could not use either (a hostname the client refuses, no address, a password that does
not decrypt) does not stop the others: its target carries the problem as a known failure of the
check it breaks (dns or credentials), so the report shows it as FAIL with the row's name.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.common.hostnames import (
    HostnameError,
    normalize_hostname,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    ADDRESS_CHECK,
    LOGIN_CHECK,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_server_checks import (
    EDIT_SERVER,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration_parser import (
    WhmcsConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    WhmcsCryptoError,
    whmcs_decrypt,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import row_endpoint

from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.safe_repr import repr_showing

SERVER_QUERY = (
    "SELECT id, name, hostname, ipaddress, port, secure, username, password, disabled "
    "FROM tblservers WHERE type = 'smartermail' ORDER BY name, id"
)


@repr_showing("id", "name", "hostname", "port")
@dataclass(frozen=True)
class WhmcsServer:
    """One tblservers row, password decrypted (never shown: repr hides it)."""

    id: int
    name: str
    hostname: str
    port: int | None
    secure: bool
    username: str
    password: str
    disabled: bool
    # check id -> (summary, hint) for what is wrong with the row itself.
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)


def read_whmcs_servers(
    root: str, php_binary: str = "php", connect_timeout: float = 10.0
) -> list[WhmcsServer]:
    """The smartermail rows of the WHMCS database under ``root``; ConfigError (exit 2) otherwise."""
    try:
        config = read_whmcs_config(root, php_binary=php_binary)
        connection = connect(config, connect_timeout=connect_timeout)
    except (WhmcsConfigError, WhmcsDbError) as error:
        raise ConfigError(f"--from-whmcs {root}: {error}") from None
    try:
        with connection.cursor() as cursor:
            cursor.execute(SERVER_QUERY)
            rows = list(cursor.fetchall())
    except Exception as error:  # pymysql errors: a broken or foreign database
        raise ConfigError(
            f"--from-whmcs {root}: cannot read tblservers in database {config.db_name!r}: "
            f"{getattr(error, 'args', [error])[-1]}"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    if not rows:
        raise ConfigError(
            f"--from-whmcs {root}: tblservers in database {config.db_name!r} has no server of type "
            "'smartermail'; add the server in WHMCS (or run the install playbook) first"
        )
    return [_server(row, config.cc_encryption_hash) for row in rows]


def _address_problem(label: str, hostname: str, port: int | None) -> str | None:
    if not hostname:
        return f"{label} has neither a hostname nor an IP address"
    try:
        normalize_hostname(hostname)
    except HostnameError as error:
        return f"{label} has the hostname {error.shown}, which {error.reason}"
    if port is not None and not 1 <= port <= 65535:
        return f"{label} has the port {port}, which is not a TCP port (1-65535)"
    return None


def _server(row: dict[str, Any], cc_encryption_hash: str) -> WhmcsServer:
    """One row as a server; what WHMCS could not use either becomes a problem, not an exit."""
    label = f"tblservers id {row['id']} ({row['name']})"
    problems: dict[str, tuple[str, str]] = {}
    try:
        password = whmcs_decrypt(row["password"], cc_encryption_hash)
    except WhmcsCryptoError as error:
        password = ""
        problems[LOGIN_CHECK] = (
            f"the password of {label} cannot be decrypted with this tree's cc_encryption_hash: {error}",
            f"it was written by another WHMCS installation or the cc_encryption_hash changed: {EDIT_SERVER} "
            "with the sysadmin password",
        )
    hostname, port, secure = row_endpoint(row)
    address = _address_problem(label, hostname, port)
    if address:
        problems[ADDRESS_CHECK] = (
            address,
            f"WHMCS would call this server at that address too: {EDIT_SERVER} "
            "(Configuration > System Settings > Servers) with a bare host name or IP address",
        )
    return WhmcsServer(
        id=int(row["id"]),
        name=str(row["name"]),
        hostname=hostname,
        port=port,
        secure=secure,
        username=str(row["username"]),
        password=password,
        disabled=bool(int(row["disabled"] or 0)),
        problems=problems,
    )
