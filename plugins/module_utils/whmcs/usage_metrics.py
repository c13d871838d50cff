# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""WHMCS's usage metrics as the module's invoices read them (read-only).

WHMCS collects a server module's metrics with the cron task ``TenantUsageMetrics`` (every 720
minutes, only while ``tblconfiguration.MetricUsageCollection`` is on) through the module's
MetricProvider, and stores them per tenant: ``tblserver_tenants`` (server_id, tenant) and
``tbltenant_stats`` (tenant_id, metric, value, measured_at as a Unix time with micro-seconds).
For a module without ``ListAccountsUniqueIdentifierField`` the tenant is the service's domain.
The SmarterMail module's InvoiceCreation hook reads ``disk_gb`` exactly so: the tenant row with
server_id = tblhosting.server and tenant = tblhosting.domain, then that tenant's disk_gb row with
the highest id (its value, else 0). Sources: whmcs-runtime.md (c) (WHMCS's cron task, settings,
tables), module-api-calls.md 4 step 4 (the hook's look-up).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import get_setting
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.read_only import select

COLLECTION_SETTING = "MetricUsageCollection"
TASK_CLASS = "WHMCS\\Cron\\Task\\TenantUsageMetrics"
TASK_NAME = "TenantUsageMetrics"
DEFAULT_TASK_FREQUENCY = 720  # minutes, WHMCS's default for the task
DISK_METRIC = "disk_gb"
# PHP's is_numeric(): optional leading whitespace, a decimal number or exponent, optional trailing whitespace.
_PHP_NUMERIC = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$")


def collection_enabled(value: Optional[str]) -> bool:
    """WHMCS's rule for MetricUsageCollection: ``$v == "on" || is_numeric($v) && $v == 1``.

    Source: decoded WHMCS\\UsageBilling\\MetricUsageSettings::isCollectionEnable (public code index
    ids 218389113, 52459881177); a fresh 8.x install stores '1' (whmcs-runtime.md c.2).
    """
    if value is None:
        return False
    if value == "on":
        return True
    if not _PHP_NUMERIC.match(value):
        return False
    try:
        return Decimal(value.strip()) == 1
    except InvalidOperation:
        return False


def collection_setting(connection: Any) -> Optional[str]:
    """The stored MetricUsageCollection value (None: no row)."""
    return get_setting(connection, COLLECTION_SETTING)


def metrics_task(connection: Any) -> Optional[Dict[str, Any]]:
    """The TenantUsageMetrics row of tbltask with its last run: {'enabled', 'frequency', 'last_run'}, or None."""
    rows = select(
        connection,
        "SELECT t.id, t.is_enabled, t.frequency, MAX(s.last_run) AS last_run FROM tbltask t"
        " LEFT JOIN tbltask_status s ON s.task_id = t.id WHERE t.class_name = %s"
        " GROUP BY t.id, t.is_enabled, t.frequency ORDER BY t.id LIMIT 1",
        (TASK_CLASS,),
    )
    if not rows:
        return None
    row = rows[0]
    return {
        "id": int(row["id"]),
        "enabled": bool(int(row["is_enabled"] or 0)),
        "frequency": int(row["frequency"] or 0) or DEFAULT_TASK_FREQUENCY,
        "last_run": row["last_run"],
    }


def disk_metric(connection: Any, server_id: Any, tenant: str) -> Dict[str, Any]:
    """What the hook reads for one service: {'tenant_id', 'stat_id', 'value', 'measured_at'}.

    ``tenant_id`` is None when WHMCS has no tenant row for (server, domain); ``stat_id``, ``value``
    and ``measured_at`` are None when the tenant has no disk_gb row. ``value`` and ``measured_at``
    are Decimals (the columns are decimal(19,6) and decimal(18,6)). The domain is compared by the
    database, with its collation, as the hook's Capsule query does.
    """
    tenants = select(
        connection,
        "SELECT id FROM tblserver_tenants WHERE server_id = %s AND tenant = %s ORDER BY id LIMIT 1",
        (int(server_id or 0), tenant),
    )
    found: Dict[str, Any] = {"tenant_id": None, "stat_id": None, "value": None, "measured_at": None}
    if not tenants:
        return found
    found["tenant_id"] = int(tenants[0]["id"])
    stats = select(
        connection,
        "SELECT id, value, measured_at FROM tbltenant_stats WHERE tenant_id = %s AND metric = %s"
        " ORDER BY id DESC LIMIT 1",
        (found["tenant_id"], DISK_METRIC),
    )
    if stats:
        found["stat_id"] = int(stats[0]["id"])
        found["value"] = Decimal(str(stats[0]["value"]))
        found["measured_at"] = Decimal(str(stats[0]["measured_at"]))
    return found
