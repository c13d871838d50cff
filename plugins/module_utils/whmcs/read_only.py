# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One read-only query on a WHMCS connection, its database errors as WhmcsDbError sentences.

The readers that verify and ``smartermail-whmcs billing`` share (usage_metrics.py,
invoice_reads.py) go through ``select()``: rows come back as dicts (the connection's cursor
class), a missing table says the database is not (a complete) WHMCS one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs import database
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import WhmcsDbError

_ER_NO_SUCH_TABLE = 1146
_ER_BAD_FIELD = 1054
# The driver's errors (none to catch where pymysql is missing: connect() already said so).
_DRIVER_ERRORS = (database.pymysql.MySQLError,) if database.HAS_PYMYSQL else ()


def select(connection: Any, sql: str, parameters: Sequence[Any] = ()) -> List[Dict[str, Any]]:
    """The rows of one SELECT; WhmcsDbError (kind 'not_whmcs' for a missing table or column)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, tuple(parameters))
            return list(cursor.fetchall())
    except _DRIVER_ERRORS as error:
        args = getattr(error, "args", ())
        errno = args[0] if args and isinstance(args[0], int) else None
        text = args[-1] if args else str(error)
        if errno in (_ER_NO_SUCH_TABLE, _ER_BAD_FIELD):
            raise WhmcsDbError(
                "%s: this is not a complete WHMCS 8 database" % text, kind="not_whmcs", errno=errno
            ) from None
        raise WhmcsDbError("database query failed: %s" % text, errno=errno) from None
