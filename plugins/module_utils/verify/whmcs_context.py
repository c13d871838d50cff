# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the WHMCS-side verify checks share: the tree's configuration, database access, the server row.

configuration.php is read once per target (``context.cached``). Each check opens its own short
database connection (checks run in parallel threads and a pymysql connection is not thread-safe)
and rolls back before closing, so verify never holds a lock or writes anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
from typing import Any, Dict, Iterator, List, Sequence, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    TargetContext,
    failing_on,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfig,
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration_parser import (
    WhmcsConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import (
    SERVER_TYPE,
    WhmcsServerError,
    find_server,
)

CONFIG_KEY = "whmcs_config"
SERVER_ROW_KEY = "whmcs_server_row"
DEFAULT_DB_TIMEOUT = 10.0

_DB_HINTS = {
    "driver": "install PyMySQL where verify runs (pip install pymysql)",
    "access_denied": "the database user and password in configuration.php are refused: fix $db_username / "
    "$db_password, or the user's GRANTs for this host",
    "no_database_rights": "the database user in configuration.php has no rights on $db_name: GRANT them",
    "unknown_database": "$db_name in configuration.php names a database that does not exist on that server",
    "unreachable": "the database server is down or $db_host / $db_port in configuration.php are wrong",
    "timeout": "the database server does not answer: a firewall, or the server is overloaded",
    "unknown_host": "$db_host in configuration.php does not resolve on this host",
    "tls": "the database TLS settings in configuration.php ($db_tls_*) do not work",
    "not_whmcs": "$db_name is not a (complete) WHMCS database: check configuration.php",
}


def applies(context: TargetContext) -> bool:
    """The WHMCS checks run only for a target with a WHMCS root."""
    return bool((context.settings or {}).get("whmcs_root"))


def setting(context: TargetContext, key: str, default: Any = None) -> Any:
    value = (context.settings or {}).get(key)
    return default if value is None else value


def db_hint(error: Exception) -> str:
    return _DB_HINTS.get(getattr(error, "kind", ""), "check the database settings in configuration.php")


def config_hint(root: Any) -> str:
    return (
        "check that --whmcs-root %s is the WHMCS directory (the one holding configuration.php) and that "
        "this user can read configuration.php" % root
    )


def _whmcs_failure(context: TargetContext, error: Exception) -> Tuple[str, str]:
    if isinstance(error, WhmcsConfigError):
        return str(error), config_hint(setting(context, "whmcs_root"))
    return str(error), db_hint(error)


# configuration.php / database errors fail the check with their sentence and a next step.
explained = failing_on((WhmcsConfigError, WhmcsDbError), _whmcs_failure)


def whmcs_config(context: TargetContext) -> WhmcsConfig:
    """The tree's WhmcsConfig, read once per target (php CLI first, the strict parser otherwise)."""
    root = setting(context, "whmcs_root")
    php = setting(context, "php_binary", "php")
    return context.cached(CONFIG_KEY, lambda: read_whmcs_config(root, php_binary=php))


@contextlib.contextmanager
def whmcs_db(context: TargetContext) -> Iterator[Any]:
    """A fresh read-only use of the WHMCS database: rolled back and closed afterwards."""
    timeout = setting(context, "connect_timeout", DEFAULT_DB_TIMEOUT)
    connection = connect(whmcs_config(context), connect_timeout=timeout)
    try:
        yield connection
    finally:
        with contextlib.suppress(Exception):
            connection.rollback()
        with contextlib.suppress(Exception):
            connection.close()


def query(connection: Any, sql: str, parameters: Sequence[Any] = ()) -> List[Dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall())


def _server_by_hostname(connection: Any, hostname: str) -> Dict[str, Any]:
    rows = query(
        connection,
        "SELECT * FROM tblservers WHERE type = %s AND (hostname = %s OR (hostname = '' AND ipaddress = %s))"
        " ORDER BY disabled, id",
        (SERVER_TYPE, hostname, hostname),
    )
    if not rows:
        raise CheckFailed(
            "no WHMCS server of type smartermail in tblservers has hostname %s" % hostname,
            "add the server with the install playbook's server role (smartermail_servers), or in WHMCS "
            "(Configuration > System Settings > Servers); if it exists under another name or address, give "
            "its name (the smartermail_servers entry's name, or the config file's)",
        )
    enabled = [row for row in rows if not int(row.get("disabled") or 0)]
    if len(enabled) > 1:
        raise CheckFailed(
            "%d enabled smartermail servers in tblservers have hostname %s (%s)"
            % (len(enabled), hostname, ", ".join("%r id %d" % (row["name"], row["id"]) for row in enabled)),
            "name the one to check: give the server entry a name equal to its WHMCS name",
        )
    return (enabled or rows)[0]


def _lookup_server(context: TargetContext) -> Dict[str, Any]:
    name = setting(context, "whmcs_server_name")
    with whmcs_db(context) as connection:
        if not name:
            return _server_by_hostname(connection, setting(context, "hostname"))
        try:
            with connection.cursor() as cursor:
                row = find_server(cursor, name)
        except WhmcsServerError as error:
            raise CheckFailed(
                str(error), "the server entry's name must be the WHMCS name of the SmarterMail server"
            ) from None
    if row is None:
        raise CheckFailed(
            "no WHMCS server named %r in tblservers" % name,
            "add it with the install playbook's server role (smartermail_servers), or in WHMCS "
            "(Configuration > System Settings > Servers > Add New Server) with module SmarterMail",
        )
    return row


def server_row(context: TargetContext) -> Dict[str, Any]:
    """The tblservers row of this target's SmarterMail server (by whmcs_server_name, else hostname).

    Raises CheckFailed (summary + hint) when there is no such row or the choice is ambiguous. The
    result, a failure included, is computed once per target.
    """

    def lookup() -> Tuple[str, Any]:
        try:
            return ("row", _lookup_server(context))
        except CheckFailed as failure:
            return ("failed", failure)

    kind, value = context.cached(SERVER_ROW_KEY, lookup)
    if kind == "failed":
        raise CheckFailed(value.outcome.summary, value.outcome.hint)
    return value


def server_label(row: Dict[str, Any]) -> str:
    return "%r (id %d)" % (row["name"], int(row["id"]))
