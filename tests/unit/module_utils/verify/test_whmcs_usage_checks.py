"""The usage check's pure parts: WHMCS's collection switch, the freshness limit, the tolerance, settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_usage_checks import (
    freshness_limit_minutes,
    metric_differs,
    settings_findings,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.usage_metrics import (
    collection_enabled,
)

CRON = "/var/www/whmcs/crons/cron.php"
TASK = {"id": 31, "enabled": True, "frequency": 720, "last_run": None}


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        ("on", True),
        ("1", True),
        (" 1", True),
        ("1.0", True),
        ("", False),
        ("0", False),
        ("off", False),
        ("ON", False),
        (None, False),
        ("yes", False),
        ("2", False),
    ],
)
def test_collection_is_on_by_whmcs_rule(value: str | None, enabled: bool) -> None:
    assert collection_enabled(value) is enabled


def test_the_limit_is_two_task_periods_plus_an_hour() -> None:
    assert freshness_limit_minutes(720) == 1500
    assert freshness_limit_minutes(0) == 1500  # an unset frequency is WHMCS's default
    assert freshness_limit_minutes(60) == 180


@pytest.mark.parametrize(
    ("metric", "live", "differs"),
    [
        ("25", "25.0001", False),
        ("25", "27.4", False),
        ("25", "28", True),
        ("0", "0.2", False),
        ("0", "0.3", True),
        ("1", "1.26", True),
        ("100", "109", False),
    ],
)
def test_differs_beyond_ten_percent_and_a_quarter_gb(metric: str, live: str, differs: bool) -> None:
    assert metric_differs(Decimal(metric), Decimal(live)) is differs


def test_settings_that_stop_collection_fail_with_the_fix() -> None:
    assert settings_findings("1", TASK, CRON) == ([], [])
    failures, hints = settings_findings("", {**TASK, "enabled": False}, CRON)
    assert failures == [
        "MetricUsageCollection is '': WHMCS does not collect the disk_gb usage metric the module's invoices bill",
        "the TenantUsageMetrics cron task is disabled (tbltask.is_enabled = 0): WHMCS never collects the disk_gb "
        "usage metric the module's invoices bill",
    ]
    assert (
        "General Settings" in hints[0]
        and hints[1] == f"run 'php -q {CRON} do --TenantUsageMetrics' and read its output"
    )
    assert "WHMCS\\\\Cron\\\\Task\\\\TenantUsageMetrics" in hints[2] and hints[3] == hints[1]
    failures, _hints = settings_findings(None, None, CRON)
    assert (
        failures[0].startswith("MetricUsageCollection is not set") and "no TenantUsageMetrics" in failures[1]
    )
