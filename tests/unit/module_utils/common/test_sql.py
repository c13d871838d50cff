"""common.sql: INSERT/UPDATE text from column dicts; values only ever travel as parameters."""

from __future__ import annotations

from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.common.sql import (
    insert_row,
    quote_identifier,
    update_row,
)


class RecordingCursor:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.lastrowid = 7

    def execute(self, sql: str, parameters: tuple[Any, ...]) -> None:
        self.calls.append((sql, parameters))


def test_identifiers_cannot_break_out_of_their_backticks() -> None:
    assert quote_identifier("order") == "`order`"
    assert quote_identifier("a`; DROP TABLE x; --") == "`a; DROP TABLE x; --`"


def test_insert_keeps_column_order_and_returns_the_new_id() -> None:
    cursor = RecordingCursor()
    assert insert_row(cursor, "tblservers", {"name": "mail1", "port": None}) == 7
    assert cursor.calls == [("INSERT INTO tblservers (`name`, `port`) VALUES (%s, %s)", ("mail1", None))]


def test_update_sets_each_column_and_keys_on_id() -> None:
    cursor = RecordingCursor()
    update_row(cursor, "tblpricing", 3, {"monthly": "6.00", "msetupfee": "0.00"})
    assert cursor.calls == [
        ("UPDATE tblpricing SET `monthly` = %s, `msetupfee` = %s WHERE id = %s", ("6.00", "0.00", 3))
    ]


def test_values_that_look_like_sql_stay_parameters() -> None:
    cursor = RecordingCursor()
    insert_row(cursor, "t", {"name": "x'); DROP TABLE t; --"})
    sql, parameters = cursor.calls[0]
    assert "DROP" not in sql and parameters == ("x'); DROP TABLE t; --",)
