# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""INSERT and UPDATE statements from a dict of column values, with values always as parameters.

Table and column names are spliced into the SQL: callers pass only their own constants or names
read from information_schema, never user input. Values always travel as driver parameters. Column
names are backquoted (WHMCS has columns named like keywords: ``order``); table names are WHMCS's own
plain constants and stay as written, so the statement reads as it does in the processlist.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Mapping


def quote_identifier(name: str) -> str:
    """A MariaDB identifier in backticks (a backtick inside the name is dropped, never escaped into SQL)."""
    return "`%s`" % name.replace("`", "")


def insert_row(cursor: Any, table: str, row: Mapping[str, Any]) -> int:
    """INSERT ``row`` into ``table``; returns the new row's id."""
    columns = ", ".join(quote_identifier(column) for column in row)
    marks = ", ".join(["%s"] * len(row))
    sql = "INSERT INTO %s (%s) VALUES (%s)" % (table, columns, marks)  # noqa: S608
    cursor.execute(sql, tuple(row.values()))
    return int(cursor.lastrowid)


def update_row(cursor: Any, table: str, row_id: int, changes: Mapping[str, Any]) -> None:
    """UPDATE the columns in ``changes`` of ``table``'s row ``id = row_id``."""
    assignments = ", ".join("%s = %%s" % quote_identifier(column) for column in changes)
    sql = "UPDATE %s SET %s WHERE id = %%s" % (table, assignments)  # noqa: S608
    cursor.execute(sql, (*changes.values(), row_id))
