"""astral360.smartermail.uninstall end to end: real ansible-playbook runs against sandbox hosts.

Products and servers are removed only when asked, each step all or none, and every refusal (a
product or server still in use, module files with no backup) comes before anything is removed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.install import host_snapshot, module_tree, run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import add_service, db_rows, query

INSTALL = "astral360.smartermail.install"
UNINSTALL = "astral360.smartermail.uninstall"
HOST = "whmcs1"
pytestmark = pytest.mark.slow

EVERYTHING = {
    "smartermail_uninstall_products": True,
    "smartermail_uninstall_servers": True,
    "smartermail_module_uninstall": "absent",
}


def two_products(info: SandboxInfo) -> dict[str, Any]:
    """The sandbox's product plus a second one, "Email Hosting Pro", in the same group."""
    products = copy.deepcopy(info.group_vars["smartermail_products"])
    products.append(dict(products[0], name="Email Hosting Pro", monthly_price=9.0))
    return {"smartermail_products": products}


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[SandboxInfo]:
    """A one-host sandbox after a first install of two products: no backup of older module files."""
    with sandbox(hosts=1) as info:
        run = run_playbook(info, INSTALL, extra_vars=two_products(info), tmp_path=tmp_path)
        assert run.returncode == 0, run.output[-3000:]
        yield info


def uninstall(info: SandboxInfo, tmp_path: Path, **extra: Any) -> Any:
    return run_playbook(info, UNINSTALL, extra_vars={**two_products(info), **extra}, tmp_path=tmp_path)


def product_names(info: SandboxInfo) -> list[str]:
    return [row["name"] for row in db_rows(info, HOST, "tblproducts")]


def test_products_then_servers_are_removed_when_asked(installed: SandboxInfo, tmp_path: Path) -> None:
    root = installed.root(HOST)
    products_only = uninstall(
        installed, tmp_path, smartermail_uninstall_products=True, smartermail_module_uninstall="absent"
    )
    assert products_only.returncode == 0, products_only.output[-3000:]
    assert products_only.changed(HOST) == 2, products_only.recap  # the products (one call) and the files
    assert product_names(installed) == []
    assert (
        db_rows(installed, HOST, "tblpricing") == [] and db_rows(installed, HOST, "tblproducts_slugs") == []
    )
    assert [row["name"] for row in db_rows(installed, HOST, "tblservers")] == ["sandbox-simulator"]
    assert module_tree(root) == {}

    servers_only = uninstall(
        installed, tmp_path, smartermail_uninstall_servers=True, smartermail_module_uninstall="absent"
    )
    assert servers_only.returncode == 0, servers_only.output[-3000:]
    assert servers_only.changed(HOST) == 1, servers_only.recap
    assert db_rows(installed, HOST, "tblservers") == []

    again = uninstall(installed, tmp_path, **EVERYTHING)
    assert again.returncode == 0 and again.changed(HOST) == 0, again.recap


def test_one_product_in_use_leaves_every_product_server_and_file_in_place(
    installed: SandboxInfo, tmp_path: Path
) -> None:
    (pro,) = query(installed, "SELECT id FROM tblproducts WHERE name = 'Email Hosting Pro'")
    add_service(installed, product_id=pro["id"])
    before = host_snapshot(installed, HOST)

    run = uninstall(installed, tmp_path, **EVERYTHING)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.recap
    assert "1 of the 2 products cannot be removed, so none was removed" in run.output
    assert "'Email Hosting Pro' in group 'Email'" in run.output and "1 service (1 Active)" in run.output
    assert "Traceback" not in run.output and "Recursive loop" not in run.output
    assert host_snapshot(installed, HOST) == before
    assert product_names(installed) == ["Email Hosting", "Email Hosting Pro"]


def test_a_server_in_use_stops_the_run_before_the_products_go(installed: SandboxInfo, tmp_path: Path) -> None:
    (server,) = db_rows(installed, HOST, "tblservers")
    add_service(installed, server_id=server["id"])  # a service of a product outside the inventory
    before = host_snapshot(installed, HOST)

    run = uninstall(installed, tmp_path, **EVERYTHING)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.recap
    assert "the server 'sandbox-simulator'" in run.output and "still has 1 service(s)" in run.output
    assert host_snapshot(installed, HOST) == before


def test_a_first_install_has_no_backup_and_the_message_says_how_to_remove(
    installed: SandboxInfo, tmp_path: Path
) -> None:
    before = host_snapshot(installed, HOST)
    for extra in ({}, {"smartermail_uninstall_products": True, "smartermail_uninstall_servers": True}):
        run = uninstall(installed, tmp_path, **extra)
        assert run.returncode != 0 and run.failed(HOST) == 1, run.recap
        assert "no backup to restore" in run.output
        assert "smartermail_module_uninstall: absent" in run.output
        assert host_snapshot(installed, HOST) == before  # the products and servers are still there
