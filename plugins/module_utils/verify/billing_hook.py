# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module's InvoiceCreation hook, rule by rule, as pure functions (module-api-calls.md 4).

For each 'Hosting' line of a smartermail service that has a server row:

- options (step 2): GB per tranche ``max(1, (int) (opt1 ?: 10))``; EAS, MAPI and combined prices
  ``(float) (opt2|3|4 ?: 0)``; lock days ``max(0, (int) (opt16 ?: 0))``;
- storage (steps 4-7): usage GB = the service's stored ``disk_gb`` metric (0 without one);
  ``tranches = max(1, (int) ceil(usage / GB per tranche))`` in PHP floats; the line's amount
  becomes ``round(tranches x the line's amount, 2)`` and its description gets ``"\\n" + prefix +
  sprintf(label, number_format(usage, 2), tranches, GB per tranche, the line's amount)``;
- protocols (steps 8, 10, 11; phase 2, the live mailboxes): only when the EAS or MAPI price is
  above 0; addresses lower-cased, invalid ones dropped; a mailbox with both protocols goes on the
  combined line when the combined price is above 0, else onto both other lists (after their own
  mailboxes); one line per kind, in the order combined, EAS, MAPI, each only with mailboxes and
  a price: ``count x price`` rounded to cents, description = header + one ``- email`` line each.

Phase 1 (the module's ``mod_sm_proto_usage`` rows, billed first when option 16 is 1 or more, and
left out of the live lines) is not modelled: ``phase1_applies`` says when it would run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing import money
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.php_values import (
    gb_per_tier,
    number_format,
    option_float,
    php_int,
    php_truthy,
    sprintf,
)

PROTOCOL_HEADERS = {
    "combined": "EAS + MAPI/Exchange:",
    "eas": "ActiveSync (EAS):",
    "mapi": "MAPI/Exchange:",
}
PREFIX_KEY = "inv_usage_prefix"
LABEL_KEY = "inv_usage_label"
# FILTER_VALIDATE_EMAIL, approximated: a dot-atom local part and host name labels (the last one
# starting with a letter). Mailbox addresses SmarterMail lists pass both.
_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_EMAIL = re.compile(r"^%s@(?:%s\.)*[a-z][a-z0-9-]*$" % (_LOCAL, _LABEL))


def hook_options(product: Mapping[str, Any]) -> Dict[str, Any]:
    """Step 2: the product options the hook reads."""
    return {
        "gb_per_tier": gb_per_tier(product.get("configoption1")),
        "eas_price": option_float(product.get("configoption2")),
        "mapi_price": option_float(product.get("configoption3")),
        "combined_price": option_float(product.get("configoption4")),
        "lock_days": max(
            0, php_int(product.get("configoption16")) if php_truthy(product.get("configoption16")) else 0
        ),
    }


def tranches(usage_gb: Decimal, gb: int) -> int:
    """``max(1, (int) ceil($usage / $gb))`` with PHP's (IEEE double) division, as the hook computes it."""
    return max(1, math.ceil(float(usage_gb) / gb))


def storage_line(
    description: str,
    line_amount: Decimal,
    usage_gb: Decimal,
    options: Mapping[str, Any],
    prefix: str,
    label: str,
) -> Dict[str, Any]:
    """Steps 4-7: the rewritten hosting line {'description', 'amount', 'tranches', 'usage_gb', ...}."""
    gb = int(options["gb_per_tier"])
    count = tranches(usage_gb, gb)
    suffix = prefix + sprintf(label, number_format(usage_gb, 2), count, gb, line_amount)
    return {
        "description": description + "\n" + suffix,
        "amount": money(Decimal(count) * line_amount),
        "tranches": count,
        "usage_gb": usage_gb,
        "tranche_gb": gb,
        "unit_price": line_amount,
        "suffix": suffix,
    }


def billable_emails(addresses: Iterable[str]) -> List[str]:
    """Lower-cased, valid, each once, in the server's order (the hook keys an array by address)."""
    seen: Dict[str, bool] = {}
    for address in addresses:
        email = str(address).lower()
        if email not in seen and _EMAIL.match(email):
            seen[email] = True
    return list(seen)


def protocol_lines(
    eas: Iterable[str], mapi: Iterable[str], options: Mapping[str, Any]
) -> List[Dict[str, Any]]:
    """Steps 10-11: [{'kind', 'emails', 'price', 'amount', 'description'}] in the hook's order."""
    eas_list = billable_emails(eas)
    mapi_list = billable_emails(mapi)
    both = [email for email in eas_list if email in mapi_list]
    eas_only = [email for email in eas_list if email not in mapi_list]
    mapi_only = [email for email in mapi_list if email not in eas_list]
    groups = []
    if options["combined_price"] > 0:
        if both:
            groups.append(("combined", both, options["combined_price"]))
    else:
        eas_only += both
        mapi_only += both
    if options["eas_price"] > 0 and eas_only:
        groups.append(("eas", eas_only, options["eas_price"]))
    if options["mapi_price"] > 0 and mapi_only:
        groups.append(("mapi", mapi_only, options["mapi_price"]))
    return [
        {
            "kind": kind,
            "emails": emails,
            "price": price,
            "amount": money(Decimal(len(emails)) * price),
            "description": PROTOCOL_HEADERS[kind] + "\n- " + "\n- ".join(emails),
        }
        for kind, emails, price in groups
    ]


def bills_protocols(options: Mapping[str, Any]) -> bool:
    """Step 8: the hook reads mailboxes only when the EAS or the MAPI price is above 0."""
    return options["eas_price"] > 0 or options["mapi_price"] > 0


def phase1_applies(options: Mapping[str, Any]) -> bool:
    """Step 9 runs (the module's own protocol-activation rows) when option 16 is 1 or more."""
    return int(options["lock_days"]) >= 1
