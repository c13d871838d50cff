"""The module's storage formula for given figures: max(1, ceil(usage GB / tranche GB)) x price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing import (
    BillingInputError,
    billed_amount,
    decimal_input,
    formula_line,
    money,
    preview,
    stored_tranche_gb,
    tranche_count,
    tranche_gb_input,
)


@pytest.mark.parametrize(
    ("usage_gb", "tranches"),
    [
        ("0", 1),
        ("0.001", 1),
        ("9.999", 1),
        ("10", 1),
        ("10.001", 2),
        ("20", 2),
        ("21", 3),
        ("30", 3),
        ("30.5", 4),
    ],
)
def test_tranches_are_started_blocks_of_ten_gb_and_at_least_one(usage_gb: str, tranches: int) -> None:
    assert tranche_count(Decimal(usage_gb), 10) == tranches


def test_the_documented_example() -> None:
    bill = preview(Decimal(21), 10, Decimal(6))
    assert (bill["tranches"], bill["billed_gb"], bill["price"], bill["amount"]) == (
        3,
        30,
        Decimal("6.00"),
        Decimal("18.00"),
    )
    assert formula_line(bill) == "3 \u00d7 6.00 = 18.00"


def test_money_rounds_half_away_from_zero_like_php() -> None:
    assert money(Decimal("2.675")) == Decimal("2.68")
    assert billed_amount(3, Decimal("15.375")) == Decimal("46.13")
    assert billed_amount(2, Decimal("7.49")) == Decimal("14.98")


@pytest.mark.parametrize(
    ("stored", "tranche_gb"),
    [
        ("10", 10),
        ("25", 25),
        ("", 10),
        (None, 10),
        ("0", 10),
        ("0.0", 1),  # a non-empty string other than '0' is truthy: (int) '0.0' is 0, max(1, 0) is 1
        ("-3", 1),
        ("12.7", 12),
        (" 5", 5),
        ("abc", 1),  # truthy, and (int) 'abc' is 0
        ("1e3", 1000),
    ],
)
def test_stored_option_1_is_read_like_the_module(stored: str | None, tranche_gb: int) -> None:
    assert stored_tranche_gb(stored) == tranche_gb


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "at least 0"), ("six", "must be a number"), ("inf", "finite"), (True, "must be a number")],
)
def test_bad_amounts_are_refused_with_the_input_named(value: object, message: str) -> None:
    with pytest.raises(BillingInputError, match=message) as caught:
        decimal_input(value, "--price")
    assert "--price" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "message"), [("0", "more than 0"), ("2.5", "whole number"), ("-10", "more than 0")]
)
def test_bad_tranche_sizes_are_refused(value: str, message: str) -> None:
    with pytest.raises(BillingInputError, match=message):
        tranche_gb_input(value, "--tranche-gb")
    assert tranche_gb_input("10", "--tranche-gb") == 10


def test_negative_usage_and_zero_tranche_are_refused_by_the_math_too() -> None:
    with pytest.raises(BillingInputError):
        tranche_count(Decimal(-1), 10)
    with pytest.raises(BillingInputError):
        tranche_count(Decimal(1), 0)
