# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One writer at a time per WHMCS database, with a MariaDB named lock (``GET_LOCK``).

Two installs against one database would otherwise both read "no such product group" and both
insert it: row locks cannot guard a row that does not exist yet. A named lock is taken before
the transaction starts (so the plan reads what the previous writer committed), and released
after the commit. The server frees it if the connection dies, so a killed run leaves nothing
stuck. Its name holds the database's name: installs against other databases never wait.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
from typing import Any, Iterator

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import WhmcsDbError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError

__all__ = ["LOCK_WAIT_SECONDS", "WhmcsLockTimeout", "lock_name", "named_lock"]

# A product write takes well under a second; a minute covers a slow host and a queue of writers.
LOCK_WAIT_SECONDS = 60
_MAX_NAME = 64  # MySQL's limit for GET_LOCK names (MariaDB accepts longer ones)


class WhmcsLockTimeout(WhmcsChangeError):
    """Another run held the lock for longer than the wait; nothing was read or written."""


def lock_name(purpose: str, database: str) -> str:
    """``astral360.smartermail:<purpose>:<database>``, cut to 64 characters."""
    return ("astral360.smartermail:%s:%s" % (purpose, database))[:_MAX_NAME]


def _scalar(connection: Any, sql: str, name: str, *parameters: Any) -> Any:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, (name, *parameters))
            row = cursor.fetchone()
    except Exception as error:  # a pymysql error; database.py owns the driver import
        raise WhmcsDbError("cannot take the database lock %r: %s" % (name, error.args[-1])) from None
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


@contextlib.contextmanager
def named_lock(
    connection: Any, purpose: str, database: str, timeout: float = LOCK_WAIT_SECONDS
) -> Iterator[str]:
    """Hold ``GET_LOCK(lock_name(purpose, database))`` for the block; WhmcsLockTimeout after ``timeout`` s."""
    name = lock_name(purpose, database)
    if _scalar(connection, "SELECT GET_LOCK(%s, %s)", name, timeout) != 1:
        raise WhmcsLockTimeout(
            "another run is writing the %s of the WHMCS database %r and still held the lock %r after "
            "%g s; nothing was changed. Run again when it has finished (SELECT IS_USED_LOCK('%s') on the "
            "database server names the connection that holds it)" % (purpose, database, name, timeout, name)
        )
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            _scalar(connection, "SELECT RELEASE_LOCK(%s)", name)
