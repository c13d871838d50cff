"""After the install playbook, the sandbox's WHMCS bills the module's way: its hooks.php is loaded.

The install writes the product straight into the database, which WHMCS never detects, and records
the module in tblconfiguration.ModuleHooks as saving the product's Module Settings would. Nothing
else is done after it (no admin save, no sandbox/admin.php): `sandbox order` then orders and
accepts a service through WHMCS's localAPI (the module's Create makes the domain on the
simulator), sets its usage on the simulator, runs the cron's usage tasks (TenantUsageMetrics
stores disk_gb) and lets GenInvoices bill it. The invoice carries the module's storage line: its
InvoiceCreation hook (fixture module, lib/FixtureInvoiceBilling.php) bills 21 GB as 3 tranches of
10 GB. With ModuleHooks emptied, as the install left it before, the same order gets WHMCS's flat
line at the product price.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fixtures.install import run_playbook
from fixtures.sandbox import SandboxInfo, run_sandbox_cli, sandbox
from fixtures.sandbox_db import query, setting
from fixtures.standin import set_setting

pytestmark = pytest.mark.slow

HOST = "whmcs1"
INSTALL = "astral360.smartermail.install"
# The sandbox inventory's product (smartermail_whmcs.sandbox.inventory.SAMPLE_PRODUCT).
PRODUCT, PRICE = "Email Hosting", Decimal("6.00")
USAGE_GB = 21  # 3 tranches of 10 GB
HOOKS_NOT_LOADED = "note: WHMCS has not loaded the module's hooks.php"


@pytest.fixture(scope="module")
def installed() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        run = run_playbook(info, INSTALL, "--skip-tags", "verify")
        assert run.returncode == 0 and run.failed(HOST) == 0, run.output[-3000:]
        yield info


def order(box: SandboxInfo, domain: str) -> tuple[str, list[dict[str, Any]], Decimal]:
    """`sandbox order` as a user runs it: (its output, the lines and total of the service's invoice)."""
    done = run_sandbox_cli(
        "order", "--dir", str(box.directory), "--domain", domain, "--usage-gb", str(USAGE_GB)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [service] = query(box, "SELECT id, domainstatus FROM tblhosting WHERE domain = %s", domain)
    assert service["domainstatus"] == "Active"
    [invoice] = query(
        box,
        "SELECT MAX(invoiceid) AS id FROM tblinvoiceitems WHERE type = 'Hosting' AND relid = %s",
        service["id"],
    )
    lines = query(box, "SELECT * FROM tblinvoiceitems WHERE invoiceid = %s ORDER BY id", invoice["id"])
    [total] = query(box, "SELECT total FROM tblinvoices WHERE id = %s", invoice["id"])
    return done.stdout, lines, Decimal(total["total"])


def test_after_install_an_invoice_carries_the_module_storage_line(installed: SandboxInfo) -> None:
    assert setting(installed, "ModuleHooks") == "smartermail"
    [product] = query(installed, "SELECT showdomainoptions FROM tblproducts WHERE name = %s", PRODUCT)
    assert product["showdomainoptions"] == 1
    output, [line], total = order(installed, "billed-by-hook.test")
    assert HOOKS_NOT_LOADED not in output
    assert line["type"] == "Hosting"
    assert line["description"].startswith(f"{PRODUCT} - billed-by-hook.test (")
    assert line["description"].endswith(f"\n» {USAGE_GB:.2f} GB used · 3 Tier(s) of 10 GB × $6")  # noqa: RUF001
    assert Decimal(line["amount"]) == 3 * PRICE and total == 3 * PRICE


def test_without_the_recorded_hooks_the_same_order_bills_the_flat_line(installed: SandboxInfo) -> None:
    set_setting(installed, "ModuleHooks", "")  # what the install left before it recorded the hooks
    try:
        output, [line], total = order(installed, "billed-flat.test")
    finally:
        set_setting(installed, "ModuleHooks", "smartermail")
    assert HOOKS_NOT_LOADED in output
    assert (
        line["description"].startswith(f"{PRODUCT} - billed-flat.test (")
        and "Tier" not in line["description"]
    )
    assert Decimal(line["amount"]) == PRICE and total == PRICE
