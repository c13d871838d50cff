"""WHMCS's own hosting line for a service's next due date (docs/whmcs-standin-facts.md (c))."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_hosting_line import (
    as_date,
    display_date,
    hosting_amount,
    hosting_description,
    invoiced,
    pay_until,
)

DUE = datetime.date(2026, 1, 31)


def service(**changes: Any) -> dict[str, Any]:
    row = {
        "domain": "shop.test",
        "billingcycle": "Monthly",
        "qty": 1,
        "regdate": "2025-12-31",
        "firstpaymentamount": "3.00",
        "amount": "6.00",
        "domainstatus": "Active",
        "nextduedate": DUE,
        "product_row": {"name": "Email Hosting", "allowqty": 0},
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("cycle", "until"),
    [
        ("Monthly", "2026-02-27"),
        ("Quarterly", "2026-04-29"),
        ("Semi-Annually", "2026-07-30"),
        ("Annually", "2027-01-30"),
    ],
)
def test_pay_until_is_due_plus_the_cycle_minus_a_day(cycle: str, until: str) -> None:
    assert pay_until(DUE, cycle).isoformat() == until


def test_dates_follow_the_dateformat_setting() -> None:
    assert display_date(DUE, None) == "31/01/2026"
    assert display_date(DUE, "MM/DD/YYYY") == "01/31/2026"
    assert display_date(DUE, "YYYY-MM-DD") == "2026-01-31"
    assert display_date(DUE, "DD.MM.YYYY") == "31.01.2026"


def test_the_description_is_product_domain_and_period() -> None:
    assert hosting_description(service(), DUE, None) == "Email Hosting - shop.test (31/01/2026 - 27/02/2026)"
    assert hosting_description(service(domain="", billingcycle="One Time"), DUE, None) == "Email Hosting"
    with_quantity = service(qty=3, product_row={"name": "Email Hosting", "allowqty": 1})
    assert hosting_description(with_quantity, DUE, None, [("Contract", "A-12")]).startswith(
        "3 x Email Hosting - "
    )
    assert hosting_description(service(), DUE, None, [("Contract", "A-12")]).endswith(")\nContract: A-12")


def test_the_amount_is_the_first_payment_on_the_registration_date() -> None:
    assert hosting_amount(service(), DUE) == {"amount": Decimal("6.00"), "source": "recurring"}
    assert hosting_amount(service(regdate=DUE), DUE) == {"amount": Decimal("3.00"), "source": "first_payment"}


def test_services_whmcs_does_not_invoice_say_why() -> None:
    assert invoiced(service()) is None
    assert "Free Account" in str(invoiced(service(billingcycle="Free Account")))
    assert "Terminated" in str(invoiced(service(domainstatus="Terminated")))
    assert "no next due date" in str(invoiced(service(nextduedate="0000-00-00")))
    assert as_date("0000-00-00") is None and as_date(datetime.datetime(2026, 1, 2, 3, 4)) == datetime.date(
        2026, 1, 2
    )
