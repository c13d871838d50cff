# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The 'Hosting' invoice line WHMCS writes for a service's next due date, before any hook runs.

From docs/whmcs-standin-facts.md (c) "Hosting line" (MEDIUM: decoded WHMCS 7.x/8.x and the
official GetInvoice example ``Sample Monthly Product (01/01/2016 - 31/01/2016)``):

- description ``<qty> x <product name> - <domain> (<due date> - <pay-until date>)``: the quantity
  prefix only when the product allows quantities and qty > 1, `` - <domain>`` only with a domain,
  no dates for One Time services, then one ``\\n<field>: <value>`` per custom field shown on
  invoices; dates in the DateFormat setting (``DD/MM/YYYY`` on a fresh install); the pay-until date
  is the due date plus the cycle minus one day (a day missing in the target month becomes its last
  day: the stand-in's GUESS);
- amount: the first payment amount when the service was registered on the due date, else the
  recurring amount (``tblhosting.amount``).
Not modelled: configurable options' lines, promotions, translated product names, continuous
invoicing (``nextinvoicedate``), taxes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import datetime
from decimal import Decimal
from typing import Any, Dict, Optional, Sequence

DEFAULT_DATE_FORMAT = "DD/MM/YYYY"
FREE_CYCLES = ("free", "freeaccount")
ONE_TIME = "onetime"
CYCLE_MONTHS = {
    "monthly": 1,
    "quarterly": 3,
    "semiannually": 6,
    "annually": 12,
    "biennially": 24,
    "triennially": 36,
}


def cycle_key(billingcycle: Any) -> str:
    """'Semi-Annually' / 'semiannually' / 'Free Account' -> 'semiannually' / 'freeaccount'."""
    return str(billingcycle or "").lower().replace(" ", "").replace("-", "")


def as_date(value: Any) -> Optional[datetime.date]:
    """A tblhosting date column as a date; None for NULL, the zero date or text that is not a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(str(value), "%Y-%m-%d").date()
    except ValueError:
        return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months; a day the target month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def pay_until(due: datetime.date, billingcycle: Any) -> datetime.date:
    return add_months(due, CYCLE_MONTHS[cycle_key(billingcycle)]) - datetime.timedelta(days=1)


def display_date(day: datetime.date, date_format: Optional[str]) -> str:
    """A date in WHMCS's DateFormat setting ('DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD', 'DD.MM.YYYY'...)."""
    pattern = date_format or DEFAULT_DATE_FORMAT
    return (
        pattern.replace("YYYY", "%04d" % day.year)
        .replace("MM", "%02d" % day.month)
        .replace("DD", "%02d" % day.day)
    )


def hosting_description(
    service: Dict[str, Any],
    due: datetime.date,
    date_format: Optional[str],
    custom_fields: Sequence[Sequence[str]] = (),
) -> str:
    product = service.get("product_row") or {}
    text = str(product.get("name") or "")
    quantity = int(service.get("qty") or 1)
    if int(product.get("allowqty") or 0) > 0 and quantity > 1:
        text = "%d x %s" % (quantity, text)
    domain = str(service.get("domain") or "")
    if domain != "":
        text += " - " + domain
    if cycle_key(service.get("billingcycle")) in CYCLE_MONTHS:
        text += " (%s - %s)" % (
            display_date(due, date_format),
            display_date(pay_until(due, service.get("billingcycle")), date_format),
        )
    for name, value in custom_fields:
        text += "\n%s: %s" % (name, value)
    return text


def hosting_amount(service: Dict[str, Any], due: datetime.date) -> Dict[str, Any]:
    """{'amount': Decimal, 'source': 'first_payment' | 'recurring'}: what WHMCS puts on the line."""
    if as_date(service.get("regdate")) == due:
        return {"amount": Decimal(str(service.get("firstpaymentamount") or 0)), "source": "first_payment"}
    return {"amount": Decimal(str(service.get("amount") or 0)), "source": "recurring"}


def invoiced(service: Dict[str, Any]) -> Optional[str]:
    """Why WHMCS would not invoice this service, or None when it would (on its next due date)."""
    if cycle_key(service.get("billingcycle")) in FREE_CYCLES:
        return "its billing cycle is Free Account: WHMCS never invoices it"
    if service.get("domainstatus") not in ("Pending", "Active", "Suspended"):
        return "it is %s: WHMCS invoices only Pending, Active and Suspended services" % service.get(
            "domainstatus"
        )
    if as_date(service.get("nextduedate")) is None:
        return "it has no next due date"
    return None
