"""privileges: the refusal sentence and the GRANT statements (the probes run in tests/integration/whmcs)."""

from __future__ import annotations

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.privileges import (
    MissingRight,
    grant_statements,
    refusal,
)

MISSING = [
    MissingRight("tblservers", "UPDATE", ("server",)),
    MissingRight("tblservers", "DELETE", ("server",)),
    MissingRight("tblhosting", "SELECT", ("server", "product")),
]


def test_one_grant_per_table_with_only_the_missing_rights() -> None:
    assert grant_statements(MISSING, "whmcs", "whmcs@localhost") == [
        "GRANT UPDATE, DELETE ON `whmcs`.`tblservers` TO 'whmcs'@'localhost';",
        "GRANT SELECT ON `whmcs`.`tblhosting` TO 'whmcs'@'localhost';",
    ]


def test_account_and_database_names_are_quoted() -> None:
    (grant,) = grant_statements(MISSING[:1], "who`s", "o'neil@10.0.%")
    assert grant == "GRANT UPDATE ON `who``s`.`tblservers` TO 'o''neil'@'10.0.%';"


def test_the_refusal_names_right_table_step_and_grants() -> None:
    text = refusal([*MISSING, MissingRight("tblpricing", None, ("product",))], "whmcs", "whmcs@%")
    assert text.startswith(
        "the WHMCS database user 'whmcs'@'%' lacks rights the install needs on the database"
    )
    assert (
        "UPDATE, DELETE on tblservers (server step); SELECT on tblhosting (server and product step)" in text
    )
    assert "GRANT UPDATE, DELETE ON `whmcs`.`tblservers` TO 'whmcs'@'%';" in text
    assert "has no table tblpricing, which the product step writes" in text
