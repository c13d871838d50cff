# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's usage check: the disk figure the module's invoices bill is collected, fresh and right.

The module's InvoiceCreation hook bills storage from WHMCS's usage metrics, not from
``tblhosting.diskusage``: the ``disk_gb`` value stored for tenant = the service's domain on its
server (usage_metrics.py). WHMCS collects it with the cron task TenantUsageMetrics, only while
``MetricUsageCollection`` is on. So, for the Active services of smartermail products on this
server, the check fails when:

- MetricUsageCollection is off, or the TenantUsageMetrics task is missing or disabled;
- a service has no domain (no tenant), or no disk_gb metric (never collected);
- a metric is older than twice the task's frequency plus 60 minutes (25 h for WHMCS's 720 min):
  one missed run is tolerated, two are not;
- a metric disagrees with SmarterMail's figure for the domain (``GET settings/sysadmin/domain/{d}``
  ``diskUsage`` bytes, 1 GB = 1024^3 bytes) by more than 10 % of the larger figure **and** more
  than 0.25 GB (usage moves between collections), or the domain is not on SmarterMail. Only the
  first 20 services (by id) are compared live, to keep the run cheap on large servers.

``tblhosting.diskusage`` (what UsageUpdate would write; the module's UsageUpdate writes nothing
when WHMCS calls it per server) is reported for information only. No active service passes once
the settings are right: nothing is billed from a metric yet.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    smartermail_client,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    server_label,
    server_row,
    setting,
    whmcs_config,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import crons_path
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.invoice_reads import module_services
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.usage_metrics import (
    COLLECTION_SETTING,
    DEFAULT_TASK_FREQUENCY,
    TASK_CLASS,
    collection_enabled,
    collection_setting,
    disk_metric,
    metrics_task,
)

SLACK_MINUTES = 60
COMPARE_LIMIT = 20
TOLERANCE_RATIO = Decimal("0.10")
TOLERANCE_GB = Decimal("0.25")
BYTES_PER_GB = 1024 * 1024 * 1024
SHOWN = 3  # names listed per finding


def freshness_limit_minutes(frequency: int) -> int:
    """How old a disk_gb metric may be: two task periods plus an hour of cron and run time."""
    return 2 * int(frequency or DEFAULT_TASK_FREQUENCY) + SLACK_MINUTES


def metric_differs(metric_gb: Decimal, live_gb: Decimal) -> bool:
    """More than 10 % of the larger figure and more than 0.25 GB apart."""
    gap = abs(metric_gb - live_gb)
    return gap > TOLERANCE_GB and gap > TOLERANCE_RATIO * max(metric_gb, live_gb)


def _duration(seconds: float) -> str:
    if seconds < 2 * 3600:
        return "%d min" % (seconds // 60)
    if seconds < 3 * 86400:
        return "%.1f h" % (seconds / 3600.0)
    return "%d days" % (seconds // 86400)


def _limit_text(limit_minutes: int, frequency: int) -> str:
    """'25.0 h, twice the TenantUsageMetrics frequency of 720 min plus 60 min'."""
    return "%s, twice the TenantUsageMetrics frequency of %d min plus %d min" % (
        _duration(limit_minutes * 60),
        frequency,
        SLACK_MINUTES,
    )


def _names(items: List[str]) -> str:
    more = " and %d more" % (len(items) - SHOWN) if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def _run_task_hint(cron_php: str) -> str:
    return "run 'php -q %s do --TenantUsageMetrics' and read its output" % cron_php


def _joined(hints: List[str]) -> str:
    """The hints in order, each once (several findings share the step of running the task)."""
    unique: List[str] = []
    for hint in hints:
        if hint not in unique:
            unique.append(hint)
    return "; ".join(unique)


def settings_findings(
    collection: Optional[str], task: Optional[Dict[str, Any]], cron_php: str
) -> Tuple[List[str], List[str]]:
    """(failures, hints) for the WHMCS settings that make the metric be collected at all."""
    failures: List[str] = []
    hints: List[str] = []
    if not collection_enabled(collection):
        shown = "not set" if collection is None else "%r" % collection
        failures.append(
            "%s is %s: WHMCS does not collect the disk_gb usage metric the module's invoices bill"
            % (COLLECTION_SETTING, shown)
        )
        hints.append(
            "enable Usage Metrics collection in WHMCS's General Settings (tblconfiguration %s = on, e.g. "
            "localAPI SetConfigurationValue setting=%s value=on)" % (COLLECTION_SETTING, COLLECTION_SETTING)
        )
        hints.append(_run_task_hint(cron_php))
    if task is None:
        failures.append("WHMCS has no TenantUsageMetrics cron task (tbltask %s)" % TASK_CLASS)
        hints.append("the WHMCS installation is incomplete or older than 7.9: repair or upgrade it")
    elif not task["enabled"]:
        failures.append(
            "the TenantUsageMetrics cron task is disabled (tbltask.is_enabled = 0): WHMCS never collects "
            "the disk_gb usage metric the module's invoices bill"
        )
        hints.append(
            "enable it (UPDATE tbltask SET is_enabled = 1 WHERE class_name = '%s')"  # noqa: S608 - advice text, never run
            % TASK_CLASS.replace("\\", "\\\\")
        )
        hints.append(_run_task_hint(cron_php))
    return failures, hints


def _live_gb(context: TargetContext, domains: List[str]) -> Dict[str, Optional[Decimal]]:
    """SmarterMail's disk usage per domain in GB (None: no such domain), read as system administrator."""
    client = smartermail_client(context)
    found: Dict[str, Optional[Decimal]] = {}
    for domain in domains:
        if context.cancelled.is_set():
            break
        try:
            data = client.get_domain(domain)
        except SmarterMailError as error:
            raise CheckFailed(
                "reading domain %s from SmarterMail failed: %s" % (domain, error), getattr(error, "hint", "")
            ) from None
        found[domain] = None if data is None else Decimal(int(data.get("diskUsage") or 0)) / BYTES_PER_GB
    return found


def _gb(value: Decimal) -> str:
    return "%.2f GB" % value


class _Findings:
    """The per-service findings of one run."""

    def __init__(self) -> None:
        self.no_domain: List[str] = []
        self.never: List[str] = []
        self.stale: List[str] = []
        self.missing: List[str] = []
        self.differs: List[str] = []
        self.oldest = 0.0
        self.compared = 0
        self.rows: List[Dict[str, Any]] = []


def _collect(
    context: TargetContext, services: List[Dict[str, Any]], metrics: Dict[int, Dict[str, Any]], limit_s: float
) -> _Findings:
    findings = _Findings()
    now = time.time()
    comparable: List[Tuple[Dict[str, Any], Decimal]] = []
    for service in services:
        domain = str(service.get("domain") or "").strip()
        row: Dict[str, Any] = {
            "id": int(service["id"]),
            "domain": domain,
            "diskusage_mb": int(service.get("diskusage") or 0),
        }
        findings.rows.append(row)
        if not domain:
            findings.no_domain.append("#%d" % row["id"])
            continue
        metric = metrics[row["id"]]
        if metric["value"] is None:
            findings.never.append(domain)
            continue
        age = max(0.0, now - float(metric["measured_at"] or 0))
        row.update(disk_gb=str(metric["value"]), age_s=int(age))
        findings.oldest = max(findings.oldest, age)
        if age > limit_s:
            findings.stale.append("%s (%s ago)" % (domain, _duration(age)))
        comparable.append((row, metric["value"]))
    live = _live_gb(context, [row["domain"] for row, _value in comparable[:COMPARE_LIMIT]])
    for row, value in comparable[:COMPARE_LIMIT]:
        if row["domain"] not in live:
            continue  # cancelled
        live_gb = live[row["domain"]]
        if live_gb is None:
            findings.missing.append(row["domain"])
            continue
        findings.compared += 1
        row["smartermail_gb"] = str(live_gb.quantize(Decimal("0.0001")))
        if metric_differs(value, live_gb):
            findings.differs.append(
                "%s (metric %s, SmarterMail %s)" % (row["domain"], _gb(value), _gb(live_gb))
            )
    return findings


def _service_failures(
    findings: _Findings, total: int, label: str, limit_text: str, cron_php: str
) -> Tuple[List[str], List[str]]:
    failures: List[str] = []
    hints: List[str] = []
    if findings.no_domain:
        failures.append(
            "%d active service(s) on WHMCS server %s have no domain (%s): WHMCS keeps no metric for them "
            "and their invoices bill one tranche"
            % (len(findings.no_domain), label, _names(findings.no_domain))
        )
        hints.append("set each service's domain to its SmarterMail domain in WHMCS")
    if findings.never:
        failures.append(
            "%d of %d active service(s) on WHMCS server %s have no disk_gb metric (never collected): %s"
            % (len(findings.never), total, label, _names(findings.never))
        )
        hints.append(_run_task_hint(cron_php))
        hints.append(
            "if they stay missing, check the module's MetricProvider: the activity log of that run and the "
            "service's Metrics (Refresh Now) in WHMCS"
        )
    if findings.stale:
        failures.append(
            "%d of %d active service(s) on WHMCS server %s have a disk_gb metric older than %s: %s"
            % (len(findings.stale), total, label, limit_text, _names(findings.stale))
        )
        hints.append("the TenantUsageMetrics task has stopped running (see the cron check)")
        hints.append(_run_task_hint(cron_php))
    if findings.missing:
        failures.append(
            "%d active service(s) on WHMCS server %s have a domain that is not on SmarterMail: %s"
            % (len(findings.missing), label, _names(findings.missing))
        )
        hints.append(
            "the service's domain differs from SmarterMail's, or the domain was deleted: fix it or terminate the service"
        )
    if findings.differs:
        failures.append(
            "the disk_gb metric differs from SmarterMail for %d domain(s): %s"
            % (len(findings.differs), _names(findings.differs))
        )
        hints.append("invoices bill the stored metric, so refresh it")
        hints.append(_run_task_hint(cron_php))
        hints.append(
            "if it stays different, check the module's MetricProvider (in the module's lib/), which then "
            "reports another figure than SmarterMail's"
        )
    return failures, hints


def check_usage(context: TargetContext) -> Outcome:
    row = server_row(context)
    label = server_label(row)
    cron_php = os.path.join(crons_path(whmcs_config(context), setting(context, "whmcs_root")), "cron.php")
    with whmcs_db(context) as connection:
        collection = collection_setting(connection)
        task = metrics_task(connection)
        services = module_services(
            connection, setting(context, "whmcs_product_name"), server_id=int(row["id"])
        )
        metrics = {
            int(service["id"]): disk_metric(connection, row["id"], str(service.get("domain") or "").strip())
            for service in services
            if str(service.get("domain") or "").strip()
        }
    frequency = task["frequency"] if task else DEFAULT_TASK_FREQUENCY
    limit_minutes = freshness_limit_minutes(frequency)
    failures, hints = settings_findings(collection, task, cron_php)
    details: Dict[str, Any] = {
        "services": len(services),
        COLLECTION_SETTING: collection,
        "task_enabled": bool(task and task["enabled"]),
        "task_frequency_minutes": frequency,
        "limit_minutes": limit_minutes,
    }
    settings_text = "%s on, TenantUsageMetrics enabled (every %d min)" % (COLLECTION_SETTING, frequency)
    if not services:
        if failures:
            raise CheckFailed("; ".join(failures), _joined(hints), **details)
        return Outcome.passed(
            "no active services on WHMCS server %s yet, so no disk_gb metric to check; %s"
            % (label, settings_text),
            **details,
        )
    findings = _collect(context, services, metrics, limit_minutes * 60.0)
    more_failures, more_hints = _service_failures(
        findings, len(services), label, _limit_text(limit_minutes, frequency), cron_php
    )
    failures += more_failures
    hints += more_hints
    filled = sum(1 for found in findings.rows if found["diskusage_mb"])
    details.update(
        compared=findings.compared,
        never=len(findings.never),
        stale=len(findings.stale),
        differs=len(findings.differs),
        missing=len(findings.missing),
        diskusage_filled=filled,
        per_service=findings.rows[:COMPARE_LIMIT],
    )
    if failures:
        raise CheckFailed("; ".join(failures), _joined(hints), **details)
    compared = "for %d domain(s)" % findings.compared
    if len(services) > COMPARE_LIMIT:
        compared += " (the first %d compared)" % COMPARE_LIMIT
    return Outcome.passed(
        "%d active service(s) on WHMCS server %s have a disk_gb metric, the oldest collected %s ago "
        "(limit %s), agreeing with SmarterMail %s (within 10 %% or 0.25 GB); %s; tblhosting.diskusage "
        "(informational: the UsageUpdate figure, not what invoices use) is filled for %d of them"
        % (
            len(services),
            label,
            _duration(findings.oldest),
            _limit_text(limit_minutes, frequency),
            compared,
            settings_text,
            filled,
        ),
        **details,
    )
