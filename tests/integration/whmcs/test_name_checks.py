"""name_checks against a real WHMCS database: the database's own collation and character sets decide."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import transaction
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.name_checks import (
    ProductName,
    check_inventory_names,
)
from fixtures.mariadb import WhmcsDatabase
from smartermail_whmcs.sandbox.mariadb import MariaDBServer


def problems(connection: Any, servers: list[str] = [], *products: ProductName) -> list[str]:  # noqa: B006
    with transaction(connection, commit=False) as cursor:
        return check_inventory_names(cursor, servers, "", list(products))


@pytest.mark.parametrize(
    ("first", "second"),
    [("mail1", "mäil1"), ("mail1", "MAIL1"), ("strasse", "straße"), ("Mail", "Mail ")],
)
def test_server_names_the_collation_holds_equal_are_one_name(
    whmcs_connection: Any, first: str, second: str
) -> None:
    (problem,) = problems(whmcs_connection, [first, second])
    assert problem.startswith(f"smartermail_servers: {first!r} and {second!r} are one entry")
    assert "tblservers.name with utf8mb3_unicode_ci" in problem


def test_distinct_names_and_products_of_other_groups_pass(whmcs_connection: Any) -> None:
    assert (
        problems(
            whmcs_connection,
            ["mail1", "mail2", "mäil3"],
            ProductName("Email Hosting", "Email"),
            ProductName("Email Hosting", "Business"),
            ProductName("Émail Hosting Pro", "Email"),
        )
        == []
    )


def test_products_equal_in_an_equal_group_are_one_product(whmcs_connection: Any) -> None:
    (problem,) = problems(
        whmcs_connection, [], ProductName("Email Hosting", "Email"), ProductName("ÉMAIL hosting", "émail")
    )
    assert "'Email Hosting' (group 'Email') and 'ÉMAIL hosting' (group 'émail') are one entry" in problem
    assert (
        "tblproducts.name with utf8mb3_unicode_ci and tblproductgroups.name with utf8mb3_unicode_ci"
        in problem
    )


def test_four_byte_characters_are_refused_naming_value_characters_and_charset(whmcs_connection: Any) -> None:
    found = problems(
        whmcs_connection,
        ["mail 📬"],
        ProductName("Mail 📧", "Email"),
        ProductName("Mail", "Email", description="Fast 🚀 and ✓ safe", server_group="SM 🧱"),
    )
    assert len(found) == 4, found
    assert found[0].startswith("smartermail_servers: the server name, 'mail 📬', has characters the WHMCS")
    assert "📧 (4-byte characters such as emoji, which utf8mb3 cannot hold)" in found[1]
    assert "tblproducts.description uses the utf8mb3 character set" in found[2]
    assert "cannot store: 🚀 (4-byte" in found[2]  # ✓ is a 3-byte character: it fits
    assert "tblservergroups.name" in found[3]


def test_a_utf8mb4_table_takes_emoji_and_compares_with_its_own_collation(
    whmcs_connection: Any, whmcs_database: WhmcsDatabase, mariadb_server: MariaDBServer
) -> None:
    root = mariadb_server.root_connect(whmcs_database.name)
    try:
        with root.cursor() as cursor:
            cursor.execute("ALTER TABLE tblproducts CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    finally:
        root.close()
    assert (
        problems(whmcs_connection, [], ProductName("Mail 📧", "Email"), ProductName("MAIL 📧", "Email")) == []
    )
