"""The module's InvoiceCreation hook, rule by rule (module-api-calls.md 4): options, storage, protocol lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing_hook import (
    billable_emails,
    bills_protocols,
    hook_options,
    phase1_applies,
    protocol_lines,
    storage_line,
    tranches,
)

LABEL = "%1$s GB used \u00b7 %2$d Tier(s) of %3$d GB \u00d7 $%4$s"
DEFAULTS = {"configoption1": "10", "configoption2": "2.00", "configoption3": "3.00", "configoption4": "4.50"}


def options(**changes: Any) -> dict[str, Any]:
    return hook_options({**DEFAULTS, **changes})


def test_options_are_read_as_php_casts_them() -> None:
    read = hook_options(
        {"configoption1": "", "configoption2": "2,5", "configoption3": None, "configoption16": "-2"}
    )
    assert read == {
        "gb_per_tier": 10,
        "eas_price": Decimal(2),
        "mapi_price": Decimal(0),
        "combined_price": Decimal(0),
        "lock_days": 0,
    }
    assert bills_protocols(read) and not phase1_applies(read)
    assert phase1_applies(hook_options({"configoption16": "1"}))
    assert not bills_protocols(options(configoption2="0", configoption3=""))


@pytest.mark.parametrize(
    ("usage", "gb", "count"),
    [
        ("0", 10, 1),
        ("10", 10, 1),
        ("10.000001", 10, 2),
        ("25", 10, 3),
        ("30", 10, 3),
        ("0.3", 1, 1),
        ("7", 3, 3),
    ],
)
def test_tranches_are_started_blocks_and_at_least_one(usage: str, gb: int, count: int) -> None:
    assert tranches(Decimal(usage), gb) == count


def test_the_storage_line_keeps_whmcs_text_and_adds_the_modules_suffix() -> None:
    line = storage_line(
        "Email Hosting - shop.test (28/12/2026 - 27/01/2027)",
        Decimal("6.00"),
        Decimal("25.000000"),
        options(),
        "\u00bb ",
        LABEL,
    )
    assert line["description"] == (
        "Email Hosting - shop.test (28/12/2026 - 27/01/2027)\n\u00bb 25.00 GB used \u00b7 3 Tier(s) of 10 GB \u00d7 $6"
    )
    assert (line["amount"], line["tranches"]) == (Decimal("18.00"), 3)
    priced = storage_line("X", Decimal("7.49"), Decimal("1234.5"), options(configoption1="100"), "", LABEL)
    assert priced["description"] == "X\n1,234.50 GB used \u00b7 13 Tier(s) of 100 GB \u00d7 $7.49"
    assert priced["amount"] == Decimal("97.37")


def test_addresses_are_lower_cased_valid_and_once() -> None:
    found = billable_emails(["Ann@Shop.test", "ann@shop.test", "not an address", "", "bob@shop.test"])
    assert found == ["ann@shop.test", "bob@shop.test"]


def lines_of(eas: list[str], mapi: list[str], **changes: Any) -> list[tuple[str, list[str], str]]:
    return [
        (line["kind"], line["emails"], str(line["amount"]))
        for line in protocol_lines(eas, mapi, options(**changes))
    ]


def test_mailboxes_with_both_protocols_go_on_the_combined_line() -> None:
    assert lines_of(["a@x.test", "c@x.test", "d@x.test"], ["b@x.test", "c@x.test"]) == [
        ("combined", ["c@x.test"], "4.50"),
        ("eas", ["a@x.test", "d@x.test"], "4.00"),
        ("mapi", ["b@x.test"], "3.00"),
    ]
    [line] = protocol_lines(["c@x.test", "e@x.test"], ["e@x.test", "c@x.test"], options())
    assert line["description"] == "EAS + MAPI/Exchange:\n- c@x.test\n- e@x.test"


def test_without_a_combined_price_both_lists_bill_them_after_their_own() -> None:
    assert lines_of(["c@x.test", "a@x.test"], ["c@x.test", "b@x.test"], configoption4="") == [
        ("eas", ["a@x.test", "c@x.test"], "4.00"),
        ("mapi", ["b@x.test", "c@x.test"], "6.00"),
    ]


def test_a_kind_without_price_or_mailboxes_has_no_line() -> None:
    assert lines_of(["a@x.test"], ["b@x.test"], configoption3="0") == [("eas", ["a@x.test"], "2.00")]
    assert lines_of([], [], configoption4="") == []
    assert lines_of(["a@x.test"], ["a@x.test"], configoption4="3.335") == [("combined", ["a@x.test"], "3.34")]
