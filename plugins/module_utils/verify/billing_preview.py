# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preview the invoice lines the module's InvoiceCreation hook leaves for a service's next invoice.

1. WHMCS's own hosting line for the next due date (whmcs_hosting_line.py);
2. the hook's rewrite of it from the stored ``disk_gb`` metric (usage_metrics.py, billing_hook.py),
   with the module's invoice strings from its language files (module_texts.py);
3. the hook's EAS/MAPI lines from the domain's mailboxes, read from SmarterMail the way the hook
   reaches it (hook_session.py), only when the product prices EAS or MAPI;
4. the total of those lines (what the invoice totals when this service is its only item).

What the preview cannot see is said in ``notes``: WHMCS not loading the module's hooks.php, a
service the hook skips (no server row), taxes, and phase 1 protocol billing (option 16 >= 1 and
unbilled ``mod_sm_proto_usage`` rows of the service; without such rows phase 1 bills nothing and
the preview is exact).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing import money
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing_hook import (
    LABEL_KEY,
    PREFIX_KEY,
    bills_protocols,
    hook_options,
    phase1_applies,
    protocol_lines,
    storage_line,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.hook_session import (
    read_protocol_mailboxes,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.module_texts import ModuleTexts
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_hosting_line import (
    as_date,
    hosting_amount,
    hosting_description,
    invoiced,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import get_setting
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.invoice_reads import (
    SERVER_TYPE,
    hosting_invoice_for,
    invoice_custom_fields,
    invoice_settings,
    module_services,
    unbilled_protocol_rows,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.usage_metrics import disk_metric


class PreviewContext:
    """What every service of one WHMCS shares: the tree, its settings, the module's strings."""

    def __init__(
        self,
        connection: Any,
        whmcs_root: str,
        cc_encryption_hash: str,
        ca_file: Optional[str] = None,
        timeout: float = 30.0,
    ) -> None:
        self.connection = connection
        self.whmcs_root = whmcs_root
        self.cc_encryption_hash = cc_encryption_hash
        self.ca_file = ca_file
        self.timeout = timeout
        self.settings = invoice_settings(connection)
        self.module_dir = os.path.join(whmcs_root, "modules", "servers", SERVER_TYPE)
        self.texts = ModuleTexts(self.module_dir, self.settings.get("Language"))
        hooks = get_setting(connection, "ModuleHooks") or ""
        self.hooks_listed = SERVER_TYPE in [name.strip() for name in hooks.split(",")]
        self.hooks_file = os.path.isfile(os.path.join(self.module_dir, "hooks.php"))

    def shared_notes(self) -> List[str]:
        notes = []
        if not self.hooks_file:
            notes.append(
                "%s has no hooks.php: no hook rewrites the invoice, every line stays as WHMCS writes it"
                % self.module_dir
            )
        elif not self.hooks_listed:
            notes.append(
                "WHMCS does not load the module's hooks.php (tblconfiguration.ModuleHooks does not list "
                "smartermail): until the product's Module Settings are saved, invoices carry WHMCS's flat "
                "line instead of these"
            )
        return notes


def _iso(day: Optional[datetime.date]) -> Optional[str]:
    return day.isoformat() if day else None


def _measured(value: Optional[Decimal]) -> Optional[str]:
    if value is None or value <= 0:
        return None
    return datetime.datetime.fromtimestamp(float(value)).isoformat(timespec="seconds")


def _protocols(context: PreviewContext, service: Dict[str, Any], options: Dict[str, Any]) -> Dict[str, Any]:
    result: Dict[str, Any] = {"read": False, "eas": [], "mapi": [], "problem": None, "notes": []}
    if not bills_protocols(options):
        return result
    read = read_protocol_mailboxes(
        service.get("server_row"),
        str(service.get("domain") or ""),
        context.cc_encryption_hash,
        ca_file=context.ca_file,
        timeout=context.timeout,
    )
    result.update(
        read=read.problem is None,
        eas=read.lists["active-sync"],
        mapi=read.lists["mapi-ews"],
        problem=read.problem,
        notes=read.notes,
        endpoint=read.endpoint,
    )
    return result


def preview_service(context: PreviewContext, service: Dict[str, Any]) -> Dict[str, Any]:
    """One service's next invoice as the hook leaves it (see the module docstring)."""
    product = service.get("product_row") or {}
    options = hook_options(product)
    notes: List[str] = []
    why_not = invoiced(service)
    if why_not:
        notes.append("WHMCS would not invoice this service: %s" % why_not)
    due = as_date(service.get("nextduedate")) or datetime.date.today()
    existing = hosting_invoice_for(context.connection, int(service["id"]), due)
    if existing:
        notes.append(
            "invoice %d already bills the due date %s: WHMCS bills the next one once the due date moves on "
            "(when that invoice is paid)" % (existing, due.isoformat())
        )
    fields = invoice_custom_fields(context.connection, service)
    base = hosting_description(service, due, context.settings.get("DateFormat"), fields)
    line_price = hosting_amount(service, due)
    metric = disk_metric(context.connection, service.get("server"), str(service.get("domain") or ""))
    usage = metric["value"] if metric["value"] is not None else Decimal(0)
    preview: Dict[str, Any] = {
        "id": int(service["id"]),
        "domain": service.get("domain") or "",
        "product": product.get("name") or "",
        "status": service.get("domainstatus"),
        "billingcycle": service.get("billingcycle"),
        "due_date": _iso(due),
        "diskusage_mb": int(service.get("diskusage") or 0),
        "metric": {
            "disk_gb": None if metric["value"] is None else str(metric["value"]),
            "measured_at": _measured(metric["measured_at"]),
            "tenant_id": metric["tenant_id"],
        },
        "price_source": line_price["source"],
        "notes": notes,
    }
    if not service.get("server_row"):
        notes.append("the service has no server row: the hook skips it and WHMCS's flat line stays")
        preview["storage"] = None
        preview["protocols"] = {"read": False, "eas": [], "mapi": [], "problem": None, "notes": []}
        preview["lines"] = [{"type": "Hosting", "description": base, "amount": line_price["amount"]}]
    else:
        if metric["value"] is None:
            notes.append(
                "no disk_gb metric stored for %s: the hook bills usage 0, one tranche" % preview["domain"]
            )
        storage = storage_line(
            base,
            line_price["amount"],
            usage,
            options,
            context.texts.text(PREFIX_KEY),
            context.texts.text(LABEL_KEY),
        )
        protocols = _protocols(context, service, options)
        if protocols["problem"]:
            notes.append("the hook would bill no EAS/MAPI lines: %s" % protocols["problem"])
        notes.extend(protocols["notes"])
        extra = protocol_lines(protocols["eas"], protocols["mapi"], options)
        preview["storage"] = storage
        preview["protocols"] = protocols
        preview["lines"] = [
            {"type": "Hosting", "description": storage["description"], "amount": storage["amount"]}
        ]
        preview["lines"].extend(
            {"type": "", "description": line["description"], "amount": line["amount"]} for line in extra
        )
    if phase1_applies(options) and service.get("server_row"):
        pending = unbilled_protocol_rows(context.connection, preview["id"])
        if pending:
            notes.append(
                "option 16 is %d and mod_sm_proto_usage holds %d unbilled row(s) of this service: the "
                "module bills those first (its phase 1, not modelled here), with their own lines, and "
                "leaves their mailboxes out of the EAS/MAPI lines above" % (options["lock_days"], pending)
            )
    if str(context.settings.get("TaxEnabled") or "") in ("on", "1") and int(product.get("tax") or 0):
        notes.append(
            "tax is enabled and the product is taxed: the invoice adds tax, which this preview leaves out"
        )
    preview["options"] = options
    preview["total"] = money(sum((line["amount"] for line in preview["lines"]), Decimal(0)))
    return preview


def preview_services(
    context: PreviewContext,
    product_name: Optional[str] = None,
    service_id: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """The previews of the Active services of the module's products (or of one service, any status)."""
    services = module_services(context.connection, product_name=product_name, service_id=service_id)
    return [preview_service(context, service) for service in services]
