# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module bills for storage: whole tranches of disk usage times the recurring price.

The module's hooks.php rewrites the service's invoice line on InvoiceCreated:

    tranches = max(1, ceil(usage GB / GB per tranche))      amount = round(tranches x price, 2)

* usage GB comes from ``tblhosting.diskusage`` (MB, written by UsageUpdate) with 1 GB = 1024 MB,
  as SmarterMail and the module count (binary units);
* GB per tranche is the product's option 1 (configoption1). The module reads it as PHP's
  ``max(1, (int) value ?: 10)``: empty or 0 means 10, a negative number means 1;
* at least one tranche is billed, so an empty (0 GB) mailbox domain pays the price once;
* money is Decimal, rounded half away from zero to cents like PHP's round().

``billing_rows(connection, product_name)`` lists the active services of smartermail products with
what each would be billed now (the ``billing`` CLI command prints them).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

MB_PER_GB = 1024
# What Decimal() takes exactly: money and sizes never go through float.
Number = Union[Decimal, int, str]
DEFAULT_TRANCHE_GB = 10  # the module's option 1 default, and its fallback for an empty/0 value
SERVER_TYPE = "smartermail"
CENT = Decimal("0.01")
# tblhosting.billingcycle -> the tblpricing column with that cycle's price.
CYCLE_COLUMNS = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "semi-annually": "semiannually",
    "annually": "annually",
    "biennially": "biennially",
    "triennially": "triennially",
}
_PHP_INT = re.compile(r"^\s*([+-]?\d+)")


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
    """The tranche size the module uses for a stored configoption1: PHP ``max(1, (int) v ?: 10)``."""
    match = _PHP_INT.match("" if value is None else str(value))
    number = int(match.group(1)) if match else 0
    return max(1, number or DEFAULT_TRANCHE_GB)


def mb_to_gb(megabytes: Any) -> Decimal:
    """tblhosting.diskusage (MB) in GB, exactly (1 GB = 1024 MB)."""
    return Decimal(int(megabytes or 0)) / MB_PER_GB


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


# ----- database -----------------------------------------------------------------------------------

_SERVICES_SQL = (
    "SELECT h.id, h.domain, h.diskusage, h.amount, h.billingcycle, h.lastupdate, h.server, h.packageid,"
    " p.name AS product, p.configoption1, COALESCE(c.currency, 0) AS currency"
    " FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid"
    " LEFT JOIN tblclients c ON c.id = h.userid"
    " WHERE p.servertype = %s AND h.domainstatus = 'Active'"
)


def _rows(connection: Any, sql: str, parameters: Sequence[Any]) -> List[Dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall())


def active_services(
    connection: Any, product_name: Optional[str] = None, server_id: Optional[int] = None
) -> List[Dict[str, Any]]:
    """Active services of smartermail products (optionally one product name / one server), by id."""
    sql = _SERVICES_SQL
    parameters: List[Any] = [SERVER_TYPE]
    if product_name:
        sql += " AND p.name = %s"
        parameters.append(product_name)
    if server_id is not None:
        sql += " AND h.server = %s"
        parameters.append(server_id)
    return _rows(connection, sql + " ORDER BY h.id", tuple(parameters))


def _catalogue_price(connection: Any, service: Mapping[str, Any]) -> Optional[Decimal]:
    """The product's price for the service's cycle and currency (default currency when unknown)."""
    column = CYCLE_COLUMNS.get(str(service.get("billingcycle") or "").strip().lower())
    if column is None:
        return None
    rows = _rows(
        connection,
        "SELECT pr.%s AS price FROM tblpricing pr JOIN tblcurrencies cu ON cu.id = pr.currency"  # noqa: S608
        " WHERE pr.type = 'product' AND pr.relid = %%s AND (pr.currency = %%s OR (%%s = 0 AND cu.`default` = 1))"
        " ORDER BY pr.id LIMIT 1" % column,
        (service["packageid"], service["currency"], service["currency"]),
    )
    if not rows or rows[0]["price"] is None or Decimal(rows[0]["price"]) < 0:
        return None
    return Decimal(rows[0]["price"])


def service_bill(connection: Any, service: Mapping[str, Any]) -> Dict[str, Any]:
    """What one service would be billed now; the price is its recurring amount, else the catalogue's."""
    price, source = Decimal(service["amount"] or 0), "service"
    if price <= 0:
        catalogue = _catalogue_price(connection, service)
        if catalogue is not None:
            price, source = catalogue, "pricing"
    bill = preview(mb_to_gb(service["diskusage"]), stored_tranche_gb(service["configoption1"]), price)
    bill.update(
        id=int(service["id"]),
        domain=service["domain"],
        product=service["product"],
        diskusage_mb=int(service["diskusage"] or 0),
        price_source=source,
    )
    return bill


def billing_rows(connection: Any, product_name: Optional[str] = None) -> List[Dict[str, Any]]:
    return [service_bill(connection, service) for service in active_services(connection, product_name)]
