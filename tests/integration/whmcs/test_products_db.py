"""whmcs_product's database logic on other WHMCS schemas and under failure (private MariaDB, strict mode)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    transaction,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.products import (
    WhmcsProductError,
    apply_plan,
    build_request,
    plan_product,
)
from fixtures.mariadb import WhmcsDatabase
from smartermail_whmcs.sandbox.mariadb import MariaDBServer

TOUCHED = ("tblproductgroups", "tblproducts", "tblpricing")


@pytest.fixture
def connection(whmcs_connection: Any) -> Any:
    """The tests here call it ``connection``."""
    return whmcs_connection


def as_root(server: MariaDBServer, database: WhmcsDatabase, *statements: str) -> None:
    root = server.root_connect(database.name)
    try:
        with root.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        root.commit()
    finally:
        root.close()


def converge(connection: Any, **params: Any) -> tuple[Any, Any]:
    request = build_request(dict({"name": "Mail", "group": "Email", "monthly_price": 5}, **params))
    with transaction(connection) as cursor:
        plan = plan_product(cursor, request)
        ids = apply_plan(cursor, plan) if plan.changed else (plan.product_id, plan.group_id)
    return plan, ids


def rows(connection: Any, table: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - test table names
        found = list(cursor.fetchall())
    connection.rollback()
    return found


def test_a_whmcs_84_schema_without_slugs_or_87_columns_works(
    connection: Any, mariadb_server: MariaDBServer, whmcs_database: WhmcsDatabase
) -> None:
    as_root(
        mariadb_server,
        whmcs_database,
        "DROP TABLE tblproducts_slugs",
        "ALTER TABLE tblproducts DROP COLUMN color, DROP COLUMN tagline, DROP COLUMN short_description, "
        "DROP COLUMN created_at, DROP COLUMN updated_at",
    )
    plan, (product_id, _group_id) = converge(connection)
    assert plan.changed and plan.slug_insert is None and "slug" not in plan.after
    product = rows(connection, "tblproducts")
    assert [row["id"] for row in product] == [product_id]
    assert "color" not in product[0] and product[0]["configoption1"] == "10"
    again, _ = converge(connection)
    assert again.changed is False
    updated, _ = converge(connection, options={"max_users": 3})
    assert updated.product_update == {"configoption7": "3"}  # no updated_at column to touch
    assert rows(connection, "tblproducts")[0]["configoption7"] == "3"


def test_a_column_a_later_whmcs_adds_gets_a_neutral_value(
    connection: Any, mariadb_server: MariaDBServer, whmcs_database: WhmcsDatabase
) -> None:
    as_root(
        mariadb_server,
        whmcs_database,
        "ALTER TABLE tblproducts ADD COLUMN future_text text NOT NULL, ADD COLUMN future_flag tinyint(1) NOT NULL",
        "ALTER TABLE tblproductgroups ADD COLUMN icon text NOT NULL",
    )
    converge(connection)
    product = rows(connection, "tblproducts")[0]
    assert (product["future_text"], product["future_flag"]) == ("", 0)
    assert rows(connection, "tblproductgroups")[0]["icon"] == ""


def test_a_failure_midway_rolls_back_group_and_product(
    connection: Any, mariadb_server: MariaDBServer, whmcs_database: WhmcsDatabase
) -> None:
    as_root(
        mariadb_server,
        whmcs_database,
        "CREATE TRIGGER refuse_pricing BEFORE INSERT ON tblpricing FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'pricing refused by the test'",
    )
    with pytest.raises(WhmcsDbError, match="rolled back: pricing refused by the test"):
        converge(connection)
    for table in TOUCHED:
        assert rows(connection, table) == [], table


def test_a_product_of_another_module_with_the_same_name_is_not_taken_over(connection: Any) -> None:
    _plan, (product_id, _group_id) = converge(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tblproducts SET servertype = 'cpanel' WHERE id = %s", (product_id,))
    connection.commit()
    with pytest.raises(WhmcsProductError, match="uses the module 'cpanel', not 'smartermail'"):
        converge(connection)


def test_duplicate_names_in_a_group_are_reported_not_guessed(connection: Any) -> None:
    _plan, (product_id, _group_id) = converge(connection)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copy SELECT * FROM tblproducts WHERE id = %s", (product_id,))
        cursor.execute("UPDATE copy SET id = id + 1000")
        cursor.execute("INSERT INTO tblproducts SELECT * FROM copy")
    connection.commit()
    with pytest.raises(WhmcsProductError, match=r"holds 2 products named 'Mail' \(ids \d+, \d+\)"):
        converge(connection)


def test_a_taken_slug_gets_a_suffix(connection: Any) -> None:
    converge(connection, name="Mail!")
    plan, _ = converge(connection, name="Mail?")
    assert plan.after["slug"] == "mail-2"
    assert [row["slug"] for row in rows(connection, "tblproducts_slugs")] == ["mail", "mail-2"]


def test_names_match_like_whmcs_compares_them_and_the_spelling_is_updated(connection: Any) -> None:
    _plan, (product_id, _group_id) = converge(connection, name="Email hosting")
    plan, (same_id, _group_id) = converge(connection, name="Email Hosting", group="EMAIL")
    assert same_id == product_id
    assert plan.product_update == {"name": "Email Hosting"}
    assert [row["name"] for row in rows(connection, "tblproducts")] == ["Email Hosting"]
