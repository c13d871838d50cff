# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module's Create, Suspend and Terminate take from a product's options, read as the module reads them.

module-api-calls.md 2.2 and 2.3 (the module's PHP, described in our words):

- option 5, the domain folder: ``configoption5 ?? default``; WHMCS always passes the key, so an
  empty option is an empty folder (the path then starts with a backslash);
- option 6, the outgoing IP: ``configoption6 ?? 'default'``; exactly ``'default'`` (case-sensitive)
  is sent as ``''``, anything else as it is;
- option 7, the user limit: ``max(0, (int) configoption7)``, PHP's integer cast of a string;
- options 14 and 15, EAS and MAPI management: ``=== 'on'``;
- option 8, delete data on termination: ``=== 'on'``.

``plan_runs`` groups products whose options give the same calls: they share one canary run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import OPTIONS

# What WHMCS stores for a new product of the module: the module's own defaults.
MODULE_DEFAULTS: Dict[str, str] = {spec.key: spec.default for spec in OPTIONS}
DEFAULTS_LABEL = "the module's default options"
# PHP 8's (int) cast of a string: leading whitespace, then the longest numeric prefix.
_PHP_NUMBER = re.compile(r"^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")


def php_int(value: Any) -> int:
    """PHP's ``(int) $value`` for what WHMCS hands a module (strings, or null for a missing key)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    match = _PHP_NUMBER.match(str(value))
    if match is None:
        return 0
    text = match.group(1)
    if re.match(r"^[+-]?\d+$", text):
        return int(text)
    number = float(text)  # "1e3" is 1000 and "2.9" is 2, as in PHP 7.1+
    return int(number) if math.isfinite(number) else 0


class ProductRef(NamedTuple):
    id: int
    name: str

    def label(self) -> str:
        return "%r (id %d)" % (self.name, self.id)


class CreateOptions(NamedTuple):
    """The values the module derives from a product's options for the calls the canary replays."""

    domain_folder: Optional[str]  # option 5 as passed (None: the key was missing, the module's default)
    user_limit: int  # domain-put domainData.userLimit
    outgoing_ip: str  # domain-settings outgoingIP ('' = the server's default address)
    eas_management: bool  # domain-settings enableActiveSyncAccountManagement
    mapi_management: bool  # domain-settings enableMapiEwsAccountManagement
    delete_data: bool  # Terminate: domain-delete/{domain}/true

    def describe(self) -> Dict[str, Any]:
        """The options as a report shows them."""
        return {
            "domain_folder": self.domain_folder,
            "user_limit": self.user_limit,
            "outgoing_ip": self.outgoing_ip,
            "eas_management": self.eas_management,
            "mapi_management": self.mapi_management,
            "delete_data_on_terminate": self.delete_data,
        }


def create_options(configoptions: Mapping[str, Any]) -> CreateOptions:
    """The module's reading of ``configoption5..15`` (a tblproducts row, or $params)."""
    folder = configoptions.get("configoption5")
    outgoing = configoptions.get("configoption6")
    outgoing_text = "default" if outgoing is None else str(outgoing)
    return CreateOptions(
        domain_folder=None if folder is None else str(folder),
        user_limit=max(0, php_int(configoptions.get("configoption7"))),
        outgoing_ip="" if outgoing_text == "default" else outgoing_text,
        eas_management=configoptions.get("configoption14") == "on",
        mapi_management=configoptions.get("configoption15") == "on",
        delete_data=configoptions.get("configoption8") == "on",
    )


def default_options(domain_folder: Optional[str] = None) -> CreateOptions:
    """The module's defaults (a new product), option 5 replaced by ``domain_folder`` when given."""
    values = dict(MODULE_DEFAULTS)
    if domain_folder is not None:
        values["configoption5"] = domain_folder
    return create_options(values)


class PlannedRun(NamedTuple):
    """One canary run: the options, and the products (none: the module's defaults) it stands for."""

    options: CreateOptions
    products: List[ProductRef]

    def label(self) -> str:
        if not self.products:
            return DEFAULTS_LABEL
        if len(self.products) == 1:
            return "product %s" % self.products[0].label()
        return "products %s (identical Create options: one run)" % ", ".join(
            product.label() for product in self.products
        )


def plan_runs(products: Sequence[Mapping[str, Any]]) -> List[PlannedRun]:
    """One run per distinct set of Create options, in product id order; each names its products."""
    runs: List[PlannedRun] = []
    by_options: Dict[CreateOptions, PlannedRun] = {}
    for row in products:
        options = create_options(row)
        reference = ProductRef(int(row["id"]), str(row["name"]))
        if options in by_options:
            by_options[options].products.append(reference)
            continue
        run = PlannedRun(options, [reference])
        by_options[options] = run
        runs.append(run)
    return runs
