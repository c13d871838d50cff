# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory names the WHMCS database would mangle or merge, found before anything is written.

The writers find a row by ``WHERE name = %s``, and the database compares with the column's
collation (WHMCS 8: ``utf8_unicode_ci``, shown as ``utf8mb3_unicode_ci`` on MariaDB 10.6+),
which holds "Email Hosting" and "Émail Hosting", or "mail1", "MAIL1" and "mäil1", equal. Two
such inventory entries would both write one row, and each run would flip it between them. Only
the database knows its collation's rules, so it is asked: ``CONVERT(a USING cs) COLLATE c =
CONVERT(b USING cs) COLLATE c`` with the column's own character set and collation read from
``information_schema.COLUMNS``.

The same columns' character set limits what can be stored: ``utf8mb3`` has no 4-byte characters
(emoji), and a name holding one fails with "Illegal mix of collations" on the first lookup. A
value fits when converting it to the column's character set and back gives it unchanged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence

__all__ = ["ColumnText", "ProductName", "check_inventory_names", "product_names"]

_IDENTIFIER = re.compile(r"^[A-Za-z0-9_]+$")  # charset and collation names are spliced into SQL


class ColumnText(NamedTuple):
    """How a column stores and compares text."""

    table: str
    column: str
    charset: str
    collation: str

    @property
    def label(self) -> str:
        return "%s.%s" % (self.table, self.column)


class ProductName(NamedTuple):
    name: str
    group: str
    description: str = ""
    server_group: str = ""


_COLUMNS = {
    "server": ("tblservers", "name"),
    "server_group": ("tblservergroups", "name"),
    "product": ("tblproducts", "name"),
    "description": ("tblproducts", "description"),
    "group": ("tblproductgroups", "name"),
}


def _column_texts(cursor: Any) -> Dict[str, ColumnText]:
    """The character set and collation of each column in ``_COLUMNS`` (missing ones are left out)."""
    found: Dict[str, ColumnText] = {}
    for key, (table, column) in _COLUMNS.items():
        cursor.execute(
            "SELECT CHARACTER_SET_NAME AS cs, COLLATION_NAME AS coll FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND COLUMN_NAME = %s",
            (table, column),
        )
        row = cursor.fetchone()
        if row and row["cs"] and _IDENTIFIER.match(row["cs"]) and _IDENTIFIER.match(row["coll"] or ""):
            found[key] = ColumnText(table, column, row["cs"], row["coll"])
    return found


def _fits(cursor: Any, text: str, column: ColumnText) -> bool:
    cursor.execute(
        "SELECT CONVERT(CONVERT(%%s USING %s) USING utf8mb4) COLLATE utf8mb4_bin "
        "= CONVERT(%%s USING utf8mb4) COLLATE utf8mb4_bin AS fits" % column.charset,
        (text, text),
    )
    return bool(cursor.fetchone()["fits"])


def _equal(cursor: Any, first: str, second: str, column: ColumnText) -> bool:
    cursor.execute(
        "SELECT CONVERT(%%s USING %s) COLLATE %s = CONVERT(%%s USING %s) COLLATE %s AS same"
        % (column.charset, column.collation, column.charset, column.collation),
        (first, second),
    )
    return bool(cursor.fetchone()["same"])


def _unstorable(cursor: Any, text: str, column: ColumnText) -> List[str]:
    """The characters of ``text`` that ``column`` cannot store ([] when it fits)."""
    if not text or _fits(cursor, text, column):
        return []
    return [char for char in sorted(set(text)) if not _fits(cursor, char, column)]


def _charset_sentence(variable: str, what: str, text: str, chars: List[str], column: ColumnText) -> str:
    wide = any(ord(char) > 0xFFFF for char in chars)
    kind = " (4-byte characters such as emoji, which %s cannot hold)" % column.charset if wide else ""
    return (
        "%s: %s, %r, has characters the WHMCS database cannot store: %s%s. %s uses the %s character set; "
        "remove those characters (or convert the WHMCS tables to utf8mb4)"
        % (variable, what, text, " ".join(chars), kind, column.label, column.charset)
    )


def _same_sentence(variable: str, first: str, second: str, columns: Sequence[ColumnText]) -> str:
    compared = " and ".join("%s with %s" % (column.label, column.collation) for column in columns)
    return (
        "%s: %s and %s are one entry to the WHMCS database, which compares %s and holds them equal; both "
        "would write the same row and each run would change it back and forth. Give them names that still "
        "differ when case and accents are ignored, or remove one" % (variable, first, second, compared)
    )


def _check_text(
    cursor: Any, problems: List[str], variable: str, what: str, text: str, column: Optional[ColumnText]
) -> bool:
    """Record a problem when ``column`` cannot store ``text``; True when it fits."""
    chars = _unstorable(cursor, text, column) if column else []
    if chars and column:
        problems.append(_charset_sentence(variable, what, text, chars, column))
    return not chars


def _server_problems(
    cursor: Any, columns: Mapping[str, ColumnText], names: Sequence[str], server_group: str
) -> List[str]:
    problems: List[str] = []
    column = columns.get("server")
    stored = [
        name
        for name in names
        if _check_text(cursor, problems, "smartermail_servers", "the server name", name, column)
    ]
    if server_group:
        _check_text(
            cursor,
            problems,
            "smartermail_server_group",
            "the server group name",
            server_group,
            columns.get("server_group"),
        )
    if column:
        for index, first in enumerate(stored):
            for second in stored[index + 1 :]:
                if _equal(cursor, first, second, column):
                    problems.append(
                        _same_sentence("smartermail_servers", repr(first), repr(second), [column])
                    )
    return problems


def _product_label(product: ProductName) -> str:
    return "%r (group %r)" % (product.name, product.group)


def _product_problems(
    cursor: Any, columns: Mapping[str, ColumnText], products: Sequence[ProductName]
) -> List[str]:
    problems: List[str] = []
    stored: List[ProductName] = []
    for product in products:
        label = _product_label(product)
        fits = [
            _check_text(cursor, problems, "smartermail_products", "the product name", product.name, columns.get("product")),
            _check_text(
                cursor, problems, "smartermail_products", "the group name of %r" % product.name, product.group,
                columns.get("group"),
            ),
            _check_text(
                cursor, problems, "smartermail_products", "the description of %s" % label, product.description,
                columns.get("description"),
            ),
            _check_text(
                cursor, problems, "smartermail_products", "the server_group of %s" % label, product.server_group,
                columns.get("server_group"),
            ),
        ]  # fmt: skip
        if all(fits):
            stored.append(product)
    name_column, group_column = columns.get("product"), columns.get("group")
    if name_column and group_column:
        for index, first in enumerate(stored):
            for second in stored[index + 1 :]:
                if _equal(cursor, first.group, second.group, group_column) and _equal(
                    cursor, first.name, second.name, name_column
                ):
                    problems.append(
                        _same_sentence(
                            "smartermail_products",
                            _product_label(first),
                            _product_label(second),
                            [name_column, group_column],
                        )
                    )
    return problems


def check_inventory_names(
    cursor: Any, servers: Sequence[str], server_group: str, products: Sequence[ProductName]
) -> List[str]:
    """Every name the database cannot store or would merge with another: one sentence each."""
    columns = _column_texts(cursor)
    return _server_problems(cursor, columns, servers, server_group) + _product_problems(
        cursor, columns, products
    )


def product_names(entries: Sequence[Mapping[str, Any]], default_group: str) -> List[ProductName]:
    """The ProductName of each product role entry (``group`` defaults to ``default_group``)."""
    return [
        ProductName(
            name=str(entry.get("name") or "").strip(),
            group=str(entry.get("group") or default_group).strip(),
            description=str(entry.get("description") or ""),
            server_group=str(entry.get("server_group") or "").strip(),
        )
        for entry in entries
    ]
