"""Bad-input suite, the WHMCS database's side: what only the database can refuse, refused by the
install playbook's preflight before any step writes.

- names its collation holds equal (two inventory entries that would write one row);
- characters its columns' character set cannot store (an emoji in a utf8mb3 column);
- a database user without the rights the steps use (a real MariaDB user, made for the test).

Each refusal names the input (or the right and table) and leaves the host as it was: database
rows, files and crontab.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.install import host_snapshot, module_tree, run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import db_rows, query, root_connect
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture

INSTALL = "astral360.smartermail.install"
HOST = "whmcs1"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def box(use_working_tree_collection: None) -> Iterator[SandboxInfo]:  # noqa: F811 - fixture
    with sandbox(hosts=1) as info:
        yield info


def servers_named(box: SandboxInfo, *names: str) -> dict[str, Any]:
    template = box.group_vars["smartermail_servers"][0]
    return {"smartermail_servers": [dict(template, name=name) for name in names]}


def products(box: SandboxInfo, *changes: dict[str, Any]) -> dict[str, Any]:
    template = box.group_vars["smartermail_products"][0]
    return {"smartermail_products": [dict(copy.deepcopy(template), **change) for change in changes]}


COLLISIONS: list[tuple[str, Any, list[str]]] = [
    (
        "server-accent",
        lambda b: servers_named(b, "mail1", "mäil1"),
        ["'mail1' and 'mäil1'", "tblservers.name"],
    ),
    (
        "product-case",
        lambda b: products(b, {"name": "Email Hosting"}, {"name": "EMAIL HOSTING"}),
        ["'Email Hosting' (group 'Email') and 'EMAIL HOSTING' (group 'Email')", "utf8mb3_unicode_ci"],
    ),
    (
        "product-accent",
        lambda b: products(b, {"name": "Email Hosting"}, {"name": "Émail Hosting"}),
        ["'Email Hosting' (group 'Email') and 'Émail Hosting' (group 'Email')", "tblproducts.name"],
    ),
    (
        "product-group-case",
        lambda b: products(b, {"name": "Email Hosting"}, {"name": "email hosting", "group": "EMAIL"}),
        ["'Email Hosting' (group 'Email') and 'email hosting' (group 'EMAIL')", "tblproductgroups.name"],
    ),
    (
        "emoji-product",
        lambda b: products(b, {"name": "Mail 📧"}),
        ["the product name, 'Mail 📧', has characters", "tblproducts.name uses the utf8mb3 character set"],
    ),
    (
        "emoji-group",
        lambda b: products(b, {"group": "Mail 🚀"}),
        ["the group name of 'Email Hosting', 'Mail 🚀'", "tblproductgroups.name uses the utf8mb3"],
    ),
]


@pytest.mark.parametrize(("make", "phrases"), [c[1:] for c in COLLISIONS], ids=[c[0] for c in COLLISIONS])
def test_names_the_database_merges_or_cannot_store_are_refused_before_any_change(
    box: SandboxInfo, tmp_path: Path, make: Any, phrases: list[str]
) -> None:
    before = host_snapshot(box, HOST)
    run = run_playbook(box, INSTALL, extra_vars=make(box), tmp_path=tmp_path)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.recap
    for phrase in phrases:
        assert phrase in run.output, run.output[-3000:]
    assert "Nothing was changed" in run.output
    assert "Illegal mix of collations" not in run.output and "Traceback" not in run.output
    assert host_snapshot(box, HOST) == before


def test_a_non_ascii_product_name_gets_the_slug_users_expect(box: SandboxInfo, tmp_path: Path) -> None:
    extra = products(box, {"name": "Ünïcødé Mäil", "group": "Ströme & Æther"})
    run = run_playbook(box, INSTALL, extra_vars=extra, tmp_path=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    (product,) = query(box, "SELECT id FROM tblproducts WHERE name = 'Ünïcødé Mäil'")
    (slug,) = query(
        box, "SELECT slug, group_slug FROM tblproducts_slugs WHERE product_id = %s", product["id"]
    )
    assert slug == {"slug": "unicode-mail", "group_slug": "strome-and-aether"}


# ---- a database user without the rights the steps use -----------------------------------------

LIMITED_USER, LIMITED_PASSWORD = "whmcs_limited", "Limited-Pass-7731"


@pytest.fixture
def limited_user(box: SandboxInfo) -> Iterator[str]:
    """configuration.php pointed at a new MariaDB user that may only read the WHMCS database."""
    database = box.host(HOST)["database"]["name"]
    config = box.root(HOST) / "configuration.php"
    original = config.read_text()
    with root_connect(box) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE USER %s@'127.0.0.1' IDENTIFIED BY %s", (LIMITED_USER, LIMITED_PASSWORD))
        cursor.execute(f"GRANT SELECT ON `{database}`.* TO %s@'127.0.0.1'", (LIMITED_USER,))
    config.write_text(
        re.sub(
            r"\$db_password = '[^']*';",
            f"$db_password = '{LIMITED_PASSWORD}';",
            re.sub(r"\$db_username = '[^']*';", f"$db_username = '{LIMITED_USER}';", original),
        )
    )
    try:
        yield database
    finally:
        config.write_text(original)
        with root_connect(box) as connection, connection.cursor() as cursor:
            cursor.execute("DROP USER IF EXISTS %s@'127.0.0.1'", (LIMITED_USER,))


def test_a_user_without_write_rights_is_refused_before_the_module_files_and_the_grants_suffice(
    box: SandboxInfo, tmp_path: Path, limited_user: str
) -> None:
    for table in ("tblservers", "tblservergroupsrel", "tblproducts", "tblpricing", "tblproducts_slugs"):
        query(box, f"DELETE FROM {table}")  # noqa: S608 - a fresh install, as the user would run it
    root = box.root(HOST)
    before, files_before = host_snapshot(box, HOST), module_tree(root)

    refused = run_playbook(box, INSTALL, tmp_path=tmp_path)
    assert refused.returncode != 0 and refused.failed(HOST) == 1, refused.recap
    account = f"'{LIMITED_USER}'@'127.0.0.1'"
    assert f"the WHMCS database user {account} lacks rights the install needs" in refused.output
    assert "INSERT, UPDATE, DELETE on tblservers (server step)" in refused.output
    assert "INSERT, UPDATE on tblconfiguration (product and setting step)" in refused.output
    assert f"GRANT INSERT, UPDATE, DELETE ON `{limited_user}`.`tblservers` TO {account};" in refused.output
    assert "Nothing was changed" in refused.output and "Traceback" not in refused.output
    assert host_snapshot(box, HOST) == before and module_tree(root) == files_before

    # The GRANT statements of the message are all the user needs.
    grants = sorted(set(re.findall(r"GRANT [A-Z, ]+ ON `[^`]+`\.`\w+` TO '[^']+'@'[^']+';", refused.output)))
    with root_connect(box) as connection, connection.cursor() as cursor:
        for grant in grants:
            cursor.execute(grant)
    installed = run_playbook(box, INSTALL, tmp_path=tmp_path)
    assert installed.returncode == 0, installed.output[-3000:]
    assert [row["name"] for row in db_rows(box, HOST, "tblservers")] == ["sandbox-simulator"]
