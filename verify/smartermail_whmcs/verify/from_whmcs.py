"""``verify --from-whmcs ROOT``: the SmarterMail servers exactly as that WHMCS stores them.

Reads configuration.php, connects to its database, takes every tblservers row of type
``smartermail`` and decrypts its password with the tree's cc_encryption_hash — the values WHMCS
itself will use when it provisions an account.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

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
    servers = []
    for row in rows:
        label = f"tblservers id {row['id']} ({row['name']})"
        try:
            password = whmcs_decrypt(row["password"], config.cc_encryption_hash)
        except WhmcsCryptoError as error:
            raise ConfigError(
                f"--from-whmcs {root}: the password of {label} cannot be decrypted: {error}"
            ) from None
        hostname, port, secure = row_endpoint(row)
        if not hostname:
            raise ConfigError(f"--from-whmcs {root}: {label} has neither a hostname nor an IP address")
        servers.append(
            WhmcsServer(
                id=int(row["id"]),
                name=str(row["name"]),
                hostname=hostname,
                port=port,
                secure=secure,
                username=str(row["username"]),
                password=password,
                disabled=bool(int(row["disabled"] or 0)),
            )
        )
    return servers
