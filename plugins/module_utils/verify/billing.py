# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The storage formula of the module's invoice hook, for figures a user gives (``billing --price``).

The module's hooks.php rewrites each service's hosting line on InvoiceCreation:

    tranches = max(1, ceil(usage GB / GB per tranche))      amount = round(tranches x price, 2)

* usage GB is the ``disk_gb`` usage metric WHMCS collected for the service (billing_hook.py and
  billing_preview.py apply the formula to a WHMCS service exactly as the hook does);
* GB per tranche is the product's option 1 (configoption1), read as PHP's
  ``max(1, (int) (value ?: 10))``: empty or '0' means 10, '0.0', a negative number or text means 1;
* at least one tranche is billed, so an empty (0 GB) mailbox domain pays the price once;
* money is Decimal, rounded half away from zero to cents like PHP's round().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Dict, Mapping, Union

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.php_values import gb_per_tier

# What Decimal() takes exactly: money and sizes never go through float.
Number = Union[Decimal, int, str]
DEFAULT_TRANCHE_GB = 10  # the module's option 1 default, and its fallback for an empty/'0' value
CENT = Decimal("0.01")


class BillingInputError(ValueError):
    """A price, tranche size or usage that cannot be billed; the text names the input."""


# No price, usage or tranche size comes near a trillion; the cap keeps tranches x price exact.
MAX_INPUT = Decimal(10) ** 12
MAX_INPUT_TEXT = "1000000000000"


def decimal_input(
    value: Any, name: str, minimum: Decimal = Decimal(0), allow_minimum: bool = True
) -> Decimal:
    """``value`` (text or number) as a finite Decimal >= minimum (> minimum when not allow_minimum)."""
    if isinstance(value, bool):
        raise BillingInputError("%s must be a number, not %r" % (name, value))
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BillingInputError("%s must be a number, not %r" % (name, value)) from None
    if not number.is_finite():
        raise BillingInputError("%s must be a finite number, not %r" % (name, value))
    if number < minimum or (number == minimum and not allow_minimum):
        relation = "at least" if allow_minimum else "more than"
        raise BillingInputError("%s must be %s %s, not %s" % (name, relation, minimum, value))
    if number > MAX_INPUT:  # beyond it, money arithmetic would overflow Decimal's 28 digits
        raise BillingInputError("%s must be at most %s, not %s" % (name, MAX_INPUT_TEXT, value))
    return number


def tranche_gb_input(value: Any, name: str = "tranche size") -> int:
    """A tranche size given by a user: a whole number of GB, at least 1 (like the module's option 1)."""
    number = decimal_input(value, name, Decimal(0), allow_minimum=False)
    if number != number.to_integral_value():
        raise BillingInputError(
            "%s must be a whole number of GB (the module's option 1), not %s" % (name, value)
        )
    return int(number)


def stored_tranche_gb(value: Any) -> int:
    """The tranche size the module uses for a stored configoption1: PHP ``max(1, (int) (v ?: 10))``."""
    return gb_per_tier(value)


def tranche_count(usage_gb: Number, tranche_gb: Any) -> int:
    """max(1, ceil(usage / tranche)): started tranches, at least one."""
    usage = Decimal(usage_gb)
    if usage < 0:
        raise BillingInputError("usage must be at least 0 GB, not %s" % usage_gb)
    if int(tranche_gb) < 1:
        raise BillingInputError("tranche size must be at least 1 GB, not %s" % tranche_gb)
    started = (usage / int(tranche_gb)).to_integral_value(rounding=ROUND_CEILING)
    return max(1, int(started))


def money(value: Number) -> Decimal:
    """Rounded to cents, half away from zero (PHP round($x, 2))."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def billed_amount(tranches: int, price: Number) -> Decimal:
    return money(Decimal(tranches) * Decimal(price))


def preview(usage_gb: Number, tranche_gb: Any, price: Number) -> Dict[str, Any]:
    """One bill: {'usage_gb', 'tranche_gb', 'tranches', 'price', 'amount', 'billed_gb'} (Decimals, ints)."""
    tranches = tranche_count(usage_gb, tranche_gb)
    return {
        "usage_gb": Decimal(usage_gb),
        "tranche_gb": int(tranche_gb),
        "tranches": tranches,
        "billed_gb": tranches * int(tranche_gb),
        "price": money(price),
        "amount": billed_amount(tranches, price),
    }


def formula_line(bill: Mapping[str, Any]) -> str:
    """'3 x 6.00 = 18.00' with a real multiplication sign (U+00D7)."""
    return "%d \u00d7 %s = %s" % (bill["tranches"], bill["price"], bill["amount"])
