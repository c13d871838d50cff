"""privileges against a real MariaDB user: each right is asked of the server, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pymysql
import pymysql.cursors
import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import transaction
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.privileges import (
    STEP_RIGHTS,
    MissingRight,
    grant_statements,
    missing_rights,
)
from fixtures.mariadb import WhmcsDatabase
from smartermail_whmcs.sandbox.mariadb import MariaDBServer

USER, PASSWORD = "whmcs_probe", "Probe-Pass-2291"
EVERY_STEP = ("server", "product", "setting")


@pytest.fixture
def limited(whmcs_database: WhmcsDatabase, mariadb_server: MariaDBServer) -> Iterator[Any]:
    """A user that may read the WHMCS database and write tblservers only; yields a root cursor to grant more."""
    root = mariadb_server.root_connect()
    with root.cursor() as cursor:
        cursor.execute("CREATE USER %s@'127.0.0.1' IDENTIFIED BY %s", (USER, PASSWORD))
        cursor.execute(f"GRANT SELECT ON `{whmcs_database.name}`.* TO %s@'127.0.0.1'", (USER,))
        cursor.execute(
            f"GRANT INSERT, UPDATE ON `{whmcs_database.name}`.tblservers TO %s@'127.0.0.1'", (USER,)
        )
        try:
            yield cursor
        finally:
            cursor.execute("DROP USER IF EXISTS %s@'127.0.0.1'", (USER,))
            root.close()


def connect(database: WhmcsDatabase) -> Any:
    return pymysql.connect(
        host=database.host,
        port=database.port,
        user=USER,
        password=PASSWORD,
        database=database.name,
        autocommit=False,
        cursorclass=pymysql.cursors.DictCursor,
    )


def probe(database: WhmcsDatabase, steps: tuple[str, ...] = EVERY_STEP) -> list[MissingRight]:
    connection = connect(database)
    try:
        with transaction(connection, commit=False) as cursor:
            return missing_rights(cursor, steps)
    finally:
        connection.close()


def test_each_missing_right_is_found_and_the_grants_are_exactly_enough(
    whmcs_database: WhmcsDatabase, limited: Any
) -> None:
    missing = probe(whmcs_database)
    assert MissingRight("tblservers", "DELETE", ("server",)) in missing
    assert ("tblservers", "INSERT") not in [(right.table, right.privilege) for right in missing]
    assert [right for right in missing if right.privilege == "SELECT"] == []
    assert {right.table for right in missing} == {
        table for step in EVERY_STEP for table, privileges in STEP_RIGHTS[step] if privileges != ("SELECT",)
    }
    assert probe(whmcs_database, ("setting",)) == [
        MissingRight("tblconfiguration", "INSERT", ("setting",)),
        MissingRight("tblconfiguration", "UPDATE", ("setting",)),
    ]
    for grant in grant_statements(missing, whmcs_database.name, f"{USER}@127.0.0.1"):
        limited.execute(grant)
    assert probe(whmcs_database) == []


def test_the_probes_write_nothing(whmcs_database: WhmcsDatabase, limited: Any) -> None:
    limited.execute(f"GRANT ALL ON `{whmcs_database.name}`.* TO %s@'127.0.0.1'", (USER,))
    owner = whmcs_database.connect(autocommit=True)
    with owner.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM tblconfiguration")
        settings = cursor.fetchone()["n"]
        assert probe(whmcs_database) == []
        cursor.execute("SELECT COUNT(*) AS n FROM tblconfiguration")
        assert cursor.fetchone()["n"] == settings
    owner.close()


def test_a_missing_table_is_named_and_an_optional_one_is_skipped(
    whmcs_database: WhmcsDatabase, mariadb_server: MariaDBServer, limited: Any
) -> None:
    limited.execute(f"GRANT ALL ON `{whmcs_database.name}`.* TO %s@'127.0.0.1'", (USER,))
    limited.execute(f"DROP TABLE `{whmcs_database.name}`.tblproducts_slugs")
    assert probe(whmcs_database, ("product",)) == []
    limited.execute(f"DROP TABLE `{whmcs_database.name}`.tblpricing")
    assert probe(whmcs_database, ("product",)) == [MissingRight("tblpricing", None, ("product",))]
