# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Access to the WHMCS database with the credentials from configuration.php (pymysql).

Connections have autocommit off and return rows as dicts. Every write goes through
``transaction()``, which commits on success and rolls back on any error, so a failure never
leaves a half-written change. All SQL is parameterised. Errors are WhmcsDbError with a sentence
naming the address, database and user and the likely cause; never the password.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import contextlib
import os
import re
import ssl
import traceback
from typing import Any, Dict, Iterator, NamedTuple, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import scrub
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfig,
    database_address,
)

try:
    import pymysql
    import pymysql.cursors
except ImportError:  # pragma: no cover - exercised only where pymysql is missing
    pymysql = None  # type: ignore[assignment]
    HAS_PYMYSQL = False
    PYMYSQL_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    HAS_PYMYSQL = True
    PYMYSQL_IMPORT_ERROR = None

# Where PHP's mysql drivers look when $db_host is 'localhost' (they use the socket, not TCP).
DEFAULT_SOCKET_PATHS = (
    "/run/mysqld/mysqld.sock",
    "/var/run/mysqld/mysqld.sock",
    "/var/lib/mysql/mysql.sock",
)
_VERSION_PATTERN = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:-([A-Za-z]+)\.?(\d+)?)?\s*$")

# MySQL/MariaDB error numbers this module explains.
_ER_DBACCESS_DENIED = 1044
_ER_ACCESS_DENIED = 1045
_ER_BAD_DB = 1049
_ER_NO_SUCH_TABLE = 1146
_CR_CONNECTION_ERROR = 2002
_CR_CONN_HOST_ERROR = 2003
_CR_SERVER_LOST = 2013


class WhmcsDbError(Exception):
    """A WHMCS database operation failed; ``kind`` says why, the message never holds a secret.

    kind: 'driver', 'tls', 'access_denied', 'no_database_rights', 'unknown_database',
    'unreachable', 'timeout', 'unknown_host', 'not_whmcs', 'query'.
    """

    def __init__(self, message: str, kind: str = "query", errno: Optional[int] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.errno = errno


class WhmcsVersion(NamedTuple):
    """A WHMCS version; tuples compare in release order (alpha < beta < rc < release)."""

    major: int
    minor: int
    patch: int
    stage: str
    build: int

    def __str__(self) -> str:
        return "%d.%d.%d-%s.%d" % self


def parse_whmcs_version(text: str) -> WhmcsVersion:
    """'8.4.0-release.1' → WhmcsVersion(8, 4, 0, 'release', 1). '8.13.0' means release 1."""
    match = _VERSION_PATTERN.match(text or "")
    if not match:
        raise ValueError("%r is not a WHMCS version (expected X.Y.Z-stage.N, e.g. 8.13.0-release.1)" % text)
    major, minor, patch, stage, build = match.groups()
    return WhmcsVersion(
        int(major), int(minor), int(patch or 0), (stage or "release").lower(), int(build or 1)
    )


def _describe_address(host: str, port: int, unix_socket: Optional[str]) -> str:
    return "unix socket %s" % unix_socket if unix_socket else "%s:%d" % (host, port)


def _default_socket(host: str) -> Optional[str]:
    """PHP connects to 'localhost' through the local socket; do the same when one exists."""
    if host != "localhost":
        return None
    for candidate in DEFAULT_SOCKET_PATHS:
        if os.path.exists(candidate):
            return candidate
    return None


def _session_charset(mysql_charset: str) -> str:
    """WHMCS's 'utf8' (utf8mb3) as utf8mb4, its superset, so no text is mangled on the way."""
    charset = (mysql_charset or "").strip().lower()
    return "utf8mb4" if charset in ("", "utf8", "utf8mb3") else charset


def _truthy(value: str) -> bool:
    return str(value).strip().lower() not in ("", "0", "false", "no", "off")


def _tls_context(config: WhmcsConfig) -> Optional[ssl.SSLContext]:
    """An SSL context from the $db_tls_* variables, or None when none is set."""
    settings = (
        config.db_tls_ca,
        config.db_tls_ca_path,
        config.db_tls_cert,
        config.db_tls_key,
        config.db_tls_cipher,
    )
    if not any(settings):
        return None
    verify = _truthy(config.db_tls_verify_cert)
    try:
        context = ssl.create_default_context(
            cafile=config.db_tls_ca or None, capath=config.db_tls_ca_path or None
        )
        if config.db_tls_cert:
            context.load_cert_chain(config.db_tls_cert, config.db_tls_key or None)
        if config.db_tls_cipher:
            context.set_ciphers(config.db_tls_cipher)
    except (OSError, ssl.SSLError) as error:
        raise WhmcsDbError(
            "the TLS settings in %s cannot be used ($db_tls_ca=%r, $db_tls_ca_path=%r, $db_tls_cert=%r, "
            "$db_tls_key=%r): %s"
            % (
                config.path,
                config.db_tls_ca,
                config.db_tls_ca_path,
                config.db_tls_cert,
                config.db_tls_key,
                getattr(error, "strerror", None) or error,
            ),
            kind="tls",
        ) from None
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _scrub_password(text: str, secret: str) -> str:
    # Any length: the database password is known exactly, so even a short one is masked.
    return scrub(text, [secret], min_chars=1)


def _connect_error(error: Exception, config: WhmcsConfig, where: str, timeout: float) -> WhmcsDbError:
    errno = error.args[0] if error.args and isinstance(error.args[0], int) else None
    detail = str(error.args[-1]) if error.args else str(error)
    lowered = detail.lower()
    prefix = "cannot open the WHMCS database %r as user %r at %s" % (
        config.db_name,
        config.db_username,
        where,
    )
    if errno == _ER_ACCESS_DENIED:
        kind = "access_denied"
        cause = (
            "the server refused the login (access denied): $db_username or $db_password in %s is "
            "wrong, or this user may not log in from this host" % config.path
        )
    elif errno == _ER_DBACCESS_DENIED:
        kind = "no_database_rights"
        cause = "the user has no rights on that database: grant them, or check $db_name in %s" % config.path
    elif errno == _ER_BAD_DB:
        kind = "unknown_database"
        cause = "the database does not exist on that server: check $db_name in %s" % config.path
    elif "timed out" in lowered or "timeout" in lowered:
        kind = "timeout"
        cause = "no answer within %g s: the host is down or a firewall is dropping the port" % timeout
    elif (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "getaddrinfo" in lowered
    ):
        kind = "unknown_host"
        cause = "the host name does not resolve: check $db_host in %s" % config.path
    elif errno in (_CR_CONNECTION_ERROR, _CR_CONN_HOST_ERROR, _CR_SERVER_LOST):
        kind = "unreachable"
        cause = (
            "nothing accepted the connection (%s): the database server is down, listens elsewhere "
            "($db_host/$db_port), or a firewall rejects it" % detail
        )
    else:
        kind = "unreachable"
        cause = "the server reported: %s" % detail
    return WhmcsDbError(
        _scrub_password("%s: %s" % (prefix, cause), config.db_password), kind=kind, errno=errno
    )


def connect(config: WhmcsConfig, *, socket: Optional[str] = None, connect_timeout: float = 10) -> Any:
    """Open a pymysql connection to the WHMCS database (autocommit off, DictCursor rows).

    ``socket`` overrides the address in configuration.php (useful when $db_host is 'localhost'
    and the server's socket is not in a default place).
    """
    if not HAS_PYMYSQL:
        raise WhmcsDbError(
            "the Python library PyMySQL is needed to reach the WHMCS database; install it "
            "(pip install pymysql, or the python3-pymysql package)",
            kind="driver",
        )
    host, port, unix_socket = database_address(config, socket)
    unix_socket = unix_socket or _default_socket(host)
    where = _describe_address(host, port, unix_socket)
    options: Dict[str, Any] = {
        "user": config.db_username,
        "password": config.db_password,
        "database": config.db_name,
        "charset": _session_charset(config.mysql_charset),
        "autocommit": False,
        "connect_timeout": connect_timeout,
        "cursorclass": pymysql.cursors.DictCursor,
    }
    if unix_socket:
        options["unix_socket"] = unix_socket
    else:
        options["host"] = host
        options["port"] = port
        context = _tls_context(config)
        if context is not None:
            options["ssl"] = context
    try:
        return pymysql.connect(**options)
    except pymysql.MySQLError as error:
        raise _connect_error(error, config, where, connect_timeout) from None
    except (OSError, LookupError) as error:  # e.g. an unknown $mysql_charset
        raise WhmcsDbError(
            _scrub_password(
                "cannot open the WHMCS database %r at %s: %s" % (config.db_name, where, error),
                config.db_password,
            ),
            kind="unreachable",
        ) from None


@contextlib.contextmanager
def transaction(connection: Any, commit: bool = True) -> Iterator[Any]:
    """Yield a cursor inside a transaction: commit if the block succeeds, roll back otherwise.

    ``commit=False`` (check mode) rolls back even on success: the block's reads and row locks are
    the real ones, and nothing it might have written stays.
    """
    try:
        connection.begin()
        cursor = connection.cursor()
    except pymysql.MySQLError as error:
        raise WhmcsDbError(
            "cannot start a database transaction: %s" % error.args[-1], errno=error.args[0]
        ) from None
    try:
        yield cursor
        if commit:
            connection.commit()
        else:
            connection.rollback()
    except BaseException as error:
        with contextlib.suppress(Exception):
            connection.rollback()
        if HAS_PYMYSQL and isinstance(error, pymysql.MySQLError):
            raise WhmcsDbError(
                "the database change failed and was rolled back: %s" % (error.args[-1],),
                errno=error.args[0] if isinstance(error.args[0], int) else None,
            ) from None
        raise
    finally:
        with contextlib.suppress(Exception):
            cursor.close()


def _query(connection: Any, sql: str, parameters: tuple) -> list:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return list(cursor.fetchall())
    except pymysql.MySQLError as error:
        errno = error.args[0] if isinstance(error.args[0], int) else None
        if errno == _ER_NO_SUCH_TABLE:
            raise WhmcsDbError(
                "%s: this does not look like a WHMCS database" % error.args[-1], kind="not_whmcs", errno=errno
            ) from None
        raise WhmcsDbError("database query failed: %s" % error.args[-1], errno=errno) from None


def get_setting(connection: Any, name: str) -> Optional[str]:
    """The value of tblconfiguration ``name``, or None if WHMCS has no such row."""
    rows = _query(connection, "SELECT value FROM tblconfiguration WHERE setting = %s", (name,))
    return rows[0]["value"] if rows else None


def set_setting(connection: Any, name: str, value: str) -> bool:
    """Insert or update tblconfiguration ``name``; True if the stored value changed.

    It does not commit: call it inside ``transaction()``.
    """
    if get_setting(connection, name) == value:
        return False
    _query(
        connection,
        "INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES (%s, %s, NOW(), NOW()) "
        "ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = NOW()",
        (name, value),
    )
    return True


def get_whmcs_version(connection: Any) -> str:
    """The WHMCS version recorded by install/upgrade, e.g. '8.13.0-release.1'."""
    version = get_setting(connection, "Version")
    if not version:
        raise WhmcsDbError(
            "tblconfiguration has no 'Version' setting: this is not a complete WHMCS database",
            kind="not_whmcs",
        )
    return version
