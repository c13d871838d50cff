# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What WHMCS and the module's invoice hook read about a service (read-only).

- ``module_services``: the services of the module's products (Active ones, or one by id) as full
  ``tblhosting`` rows, each with its ``product_row`` (``tblproducts``) and ``server_row``
  (``tblservers``, or None). Whole rows (``SELECT *``), so a column a WHMCS release lacks is simply absent;
- ``invoice_settings``: the settings an invoice line depends on (DateFormat, Language, TaxEnabled);
- ``invoice_custom_fields``: the service's custom fields marked "show on invoice", which WHMCS
  appends to the hosting line's description.
Sources: docs/whmcs-standin-facts.md (c) "Hosting line"; module-api-calls.md 4 step 1.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.read_only import select

SERVER_TYPE = "smartermail"
INVOICE_SETTINGS = ("DateFormat", "Language", "TaxEnabled")


def _by_id(connection: Any, table: str, ids: Sequence[int]) -> Dict[int, Dict[str, Any]]:
    wanted = sorted({int(value) for value in ids if value})
    if not wanted:
        return {}
    marks = ", ".join(["%s"] * len(wanted))
    rows = select(connection, "SELECT * FROM %s WHERE id IN (%s)" % (table, marks), wanted)  # noqa: S608
    return {int(row["id"]): row for row in rows}


def module_services(
    connection: Any,
    product_name: Optional[str] = None,
    server_id: Optional[int] = None,
    service_id: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """Services of smartermail products, by id: the Active ones, or the one ``service_id`` in any status.

    Each row is the tblhosting row plus ``product_row`` and ``server_row`` (dicts; ``server_row`` None
    when the service has no server row).
    """
    sql = "SELECT h.* FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid WHERE p.servertype = %s"
    parameters: List[Any] = [SERVER_TYPE]
    if service_id is not None:
        sql += " AND h.id = %s"
        parameters.append(int(service_id))
    else:
        sql += " AND h.domainstatus = 'Active'"
    if product_name:
        sql += " AND p.name = %s"
        parameters.append(product_name)
    if server_id is not None:
        sql += " AND h.server = %s"
        parameters.append(int(server_id))
    services = select(connection, sql + " ORDER BY h.id", parameters)
    products = _by_id(connection, "tblproducts", [row["packageid"] for row in services])
    servers = _by_id(connection, "tblservers", [row["server"] for row in services])
    for row in services:
        row["product_row"] = products.get(int(row["packageid"]), {})
        row["server_row"] = servers.get(int(row["server"] or 0))
    return services


def invoice_settings(connection: Any) -> Dict[str, Optional[str]]:
    """{setting: value or None} for DateFormat, Language and TaxEnabled."""
    marks = ", ".join(["%s"] * len(INVOICE_SETTINGS))
    rows = select(
        connection,
        "SELECT setting, value FROM tblconfiguration WHERE setting IN (%s)" % marks,  # noqa: S608
        INVOICE_SETTINGS,
    )
    found: Dict[str, Optional[str]] = {name: None for name in INVOICE_SETTINGS}
    for row in rows:
        found[row["setting"]] = row["value"]
    return found


def invoice_custom_fields(connection: Any, service: Dict[str, Any]) -> List[Sequence[str]]:
    """[(field name, value)] of the service's product custom fields shown on invoices, non-empty, in order.

    The name is the part before the first '|' (WHMCS's "display|internal" naming), trimmed.
    """
    rows = select(
        connection,
        "SELECT f.fieldname, v.value FROM tblcustomfields f"
        " JOIN tblcustomfieldsvalues v ON v.fieldid = f.id"
        " WHERE f.type = 'product' AND f.relid = %s AND f.showinvoice = 'on' AND v.relid = %s"
        " ORDER BY f.sortorder, f.id",
        (int(service["packageid"]), int(service["id"])),
    )
    fields: Dict[str, str] = {}
    for row in rows:
        value = "" if row["value"] is None else str(row["value"])
        if value != "":
            fields[str(row["fieldname"] or "").split("|", 1)[0].strip()] = value
    return list(fields.items())


def unbilled_protocol_rows(connection: Any, service_id: int) -> Optional[int]:
    """How many of the service's ``mod_sm_proto_usage`` rows are unbilled (None: the module has no such table).

    The module's hook bills these first (its "phase 1", when option 16 is 1 or more) and leaves
    their mailboxes out of its live EAS/MAPI lines (module-api-calls.md 4 step 9).
    """
    tables = select(
        connection,
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()"
        " AND table_name = 'mod_sm_proto_usage'",
    )
    if not tables or not int(tables[0]["n"]):
        return None
    rows = select(
        connection,
        "SELECT COUNT(*) AS n FROM mod_sm_proto_usage WHERE serviceid = %s AND billed = 0"
        " AND status IN ('grace', 'active', 'deleted')",
        (int(service_id),),
    )
    return int(rows[0]["n"]) if rows else 0


def hosting_invoice_for(connection: Any, service_id: int, due_date: Any) -> Optional[int]:
    """The invoice that already bills the service for that due date, if any (WHMCS never bills it twice)."""
    rows = select(
        connection,
        "SELECT MIN(invoiceid) AS invoiceid FROM tblinvoiceitems WHERE type = 'Hosting' AND relid = %s"
        " AND duedate = %s AND invoiceid > 0",
        (int(service_id), due_date),
    )
    return int(rows[0]["invoiceid"]) if rows and rows[0]["invoiceid"] else None
