"""sandbox/orders.py, the pure parts: what ``sandbox order`` prints, and the refusals before any call."""

from __future__ import annotations

from decimal import Decimal

import pytest
from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.sandbox.orders import InvoiceLine, PlacedOrder, describe_order, place_test_order
from smartermail_whmcs.sandbox.state import SandboxState


def _order(hooks_loaded: bool = True) -> PlacedOrder:
    return PlacedOrder(
        host="whmcs1",
        domain="shop.test",
        client_id=1,
        order_id=2,
        service_id=3,
        username="qwertyuiop",
        status="Active",
        usage_bytes=25 * 1024**3,
        invoice_id=4,
        lines=(
            InvoiceLine("Email Hosting - shop.test (3 x 10 GB)\nDisk: 25.00 GB", Decimal("18.00")),
            InvoiceLine("Exchange ActiveSync: alice@shop.test", Decimal("1.50")),
        ),
        total=Decimal("19.50"),
        hooks_loaded=hooks_loaded,
    )


def test_the_order_service_usage_and_every_invoice_line_are_printed() -> None:
    lines = list(describe_order(_order()))
    assert (
        lines[0] == "whmcs1: order 2 for shop.test accepted: service 3 Active (client 1, username qwertyuiop)"
    )
    assert lines[1].startswith("usage: 25.00 GB")
    assert lines[2] == "invoice 4:"
    assert lines[3].startswith("  Email Hosting - shop.test (3 x 10 GB)") and lines[3].endswith("18.00")
    assert lines[4] == "    Disk: 25.00 GB"  # a description's further lines are indented under it
    assert lines[5].endswith("1.50") and lines[6].startswith("  total") and lines[6].endswith("19.50")
    assert len({len(line) for line in (lines[3], lines[5], lines[6])}) == 1  # amounts line up
    assert not any(line.startswith("note:") for line in lines)


def test_a_module_without_registered_hooks_gets_a_note() -> None:
    note = list(describe_order(_order(hooks_loaded=False)))[-1]
    assert (
        note.startswith("note: WHMCS has not loaded the module's hooks.php")
        and "save-product-module-settings" in note
    )


@pytest.mark.parametrize(
    ("host", "domain", "usage", "phrase"),
    [
        ("whmcs1", "a.test", -1.0, "--usage-gb must be 0 or more"),
        ("whmcs1", " ", 1.0, "--domain"),
        ("whmcs9", "a.test", 1.0, "no sandbox host 'whmcs9'"),
    ],
)
def test_refusals_come_before_any_call(host: str, domain: str, usage: float, phrase: str) -> None:
    with pytest.raises(ConfigError, match=phrase):
        place_test_order(SandboxState(directory="/nonexistent"), host, domain, usage)
