"""The cron stand-in's tasks and hooks as WHMCS runs them (rules: lib/Sandbox/Cron/Runner.php).

The test module meterrecorder is recorded in tblconfiguration.ModuleHooks, so its hooks.php is
loaded by every php run and writes one activity-log line per cron hook: the tests read from
tblactivitylog which hooks fired, for which task, in which order. Real php, real MariaDB.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting
from fixtures.standin import StandinHost, standin_host
from fixtures.standin_cron import (
    activity_since,
    add_server,
    cron,
    install_test_modules,
    last_activity_id,
    set_setting,
)

pytestmark = pytest.mark.slow

TASKS = {
    "TenantUsageMetrics": "WHMCS\\Cron\\Task\\TenantUsageMetrics",
    "CreateInvoices": "WHMCS\\Cron\\Task\\CreateInvoices",
    "UpdateServerUsage": "WHMCS\\Cron\\Task\\UpdateServerUsage",
}
NAMES = {
    "TenantUsageMetrics": "Tenant Usage Metrics",
    "CreateInvoices": "Invoices",
    "UpdateServerUsage": "Server Usage Stats",
}
PAST = "2001-01-01 00:00:00"
FUTURE = "2037-12-31 00:00:00"  # a timestamp column ends in 2038
# The lines the cron and the recording hooks write; the tasks' own lines are left out.
RUN_LINES = ("hook: ", "Cron Job: ", "Automated Task: ")


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        install_test_modules(info.root("whmcs1"))
        set_setting(info, "ModuleHooks", "meterrecorder")
        yield info


@pytest.fixture(autouse=True)
def quiet_state(box: SandboxInfo) -> None:
    """No enabled server, no failing hook, every task enabled and not due, no daily run due."""
    query(box, "UPDATE tblservers SET disabled = 1")
    set_setting(box, "MeterRecorderFailTask", None)
    query(box, "UPDATE tbltask SET is_enabled = 1")
    query(box, "UPDATE tbltask_status SET next_due = %s, in_progress = 0", FUTURE)
    set_setting(box, "DailyCronExecutionHour", f"{(php_now().hour + 12) % 24:02d}")


def php_now() -> dt.datetime:
    out = subprocess.run(
        ["php", "-r", "echo date('Y-m-d H:i:s');"], capture_output=True, text=True, check=True
    )
    return dt.datetime.strptime(out.stdout, "%Y-%m-%d %H:%M:%S")


def run(box: SandboxInfo, *args: str) -> list[str]:
    """Run the cron; the run's own activity lines (hooks, daily and task markers), in order."""
    mark = last_activity_id(box)
    done = cron(box.root("whmcs1"), *args)
    assert done.returncode == 0, done.stderr
    return [line for line in activity_since(box, mark) if line.startswith(RUN_LINES)]


def task_lines(task: str, completed: str = "completed") -> list[str]:
    return [
        f"Automated Task: Starting {NAMES[task]}",
        f"hook: PreAutomationTask {task}",
        f"hook: PostAutomationTask {task} {completed}",
    ]


def status(box: SandboxInfo, task: str) -> dict[str, Any]:
    rows = query(
        box,
        "SELECT s.in_progress, CAST(s.last_run AS CHAR) AS last_run, CAST(s.next_due AS CHAR) AS next_due"
        " FROM tbltask_status s JOIN tbltask t ON t.id = s.task_id WHERE t.class_name = %s",
        TASKS[task],
    )
    assert len(rows) == 1, rows
    return rows[0]


def set_due(box: SandboxInfo, task: str, next_due: str) -> None:
    query(
        box,
        "UPDATE tbltask_status s JOIN tbltask t ON t.id = s.task_id SET s.next_due = %s WHERE t.class_name = %s",
        next_due,
        TASKS[task],
    )


def make_daily_run_due(box: SandboxInfo) -> None:
    set_setting(box, "DailyCronExecutionHour", f"{php_now().hour:02d}")
    set_setting(box, "lastDailyCronInvocationTime", "2001-01-01 09:00:00")


def minutes_from_now(text: str) -> float:
    return (dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S") - php_now()).total_seconds() / 60


# ---------------------------------------------------------------- hooks


def test_a_forced_daily_run_fires_the_hooks_in_whmcs_order(box: SandboxInfo) -> None:
    assert run(box, "all", "--force") == [
        "Cron Job: Starting Daily Automation Tasks",
        "hook: PreCronJob",
        *task_lines("TenantUsageMetrics"),  # priority 1519
        *task_lines("CreateInvoices"),  # 1520
        *task_lines("UpdateServerUsage"),  # 1660
        "Cron Job: Completed Daily Automation Tasks",
        "hook: DailyCronJobPreEmail",
        "hook: DailyCronJob",
        "hook: AfterCronJob",
    ]


def test_a_run_with_nothing_due_fires_only_after_cron_job(box: SandboxInfo) -> None:
    assert run(box) == ["hook: AfterCronJob"]


def test_do_runs_its_task_and_fires_no_daily_hook(box: SandboxInfo) -> None:
    set_setting(box, "lastDailyCronInvocationTime", PAST)
    assert run(box, "do", "--CreateInvoices") == [*task_lines("CreateInvoices"), "hook: AfterCronJob"]
    assert setting(box, "lastDailyCronInvocationTime") == PAST


def test_a_task_that_throws_does_not_stop_the_run(box: SandboxInfo) -> None:
    set_setting(box, "MeterRecorderFailTask", "CreateInvoices")
    mark = last_activity_id(box)
    done = cron(box.root("whmcs1"), "do", "--CreateInvoices", "--UpdateServerUsage")
    assert done.returncode == 0
    assert (
        "task CreateInvoices did not complete: RuntimeException: meterrecorder refused CreateInvoices"
        in done.stderr
    )
    lines = [line for line in activity_since(box, mark) if line.startswith(RUN_LINES)]
    assert lines == [
        *task_lines("CreateInvoices", "incomplete"),
        *task_lines("UpdateServerUsage"),
        "hook: AfterCronJob",
    ]
    assert status(box, "CreateInvoices")["in_progress"] == 0


# ---------------------------------------------------------------- which tasks run


def test_the_first_run_in_the_daily_hour_runs_the_daily_tasks_but_not_tenant_usage_metrics(
    box: SandboxInfo,
) -> None:
    make_daily_run_due(box)
    set_due(box, "TenantUsageMetrics", PAST)  # due, and still left to its own schedule
    assert run(box) == [
        "Cron Job: Starting Daily Automation Tasks",
        "hook: PreCronJob",
        *task_lines("CreateInvoices"),  # not due (FUTURE): the daily run runs it anyway
        *task_lines("UpdateServerUsage"),
        "Cron Job: Completed Daily Automation Tasks",
        "hook: DailyCronJobPreEmail",
        "hook: DailyCronJob",
        "hook: AfterCronJob",
    ]
    for task in ("CreateInvoices", "UpdateServerUsage"):
        assert 1439 <= minutes_from_now(status(box, task)["next_due"]) <= 1440
        assert status(box, task)["next_due"].endswith(":00")
    assert status(box, "TenantUsageMetrics")["next_due"] == PAST
    # The same day, the next run is not a daily run: only the due task runs.
    assert run(box) == [*task_lines("TenantUsageMetrics"), "hook: AfterCronJob"]


def test_tenant_usage_metrics_runs_every_720_minutes(box: SandboxInfo) -> None:
    set_due(box, "TenantUsageMetrics", PAST)
    assert run(box) == [*task_lines("TenantUsageMetrics"), "hook: AfterCronJob"]
    after = status(box, "TenantUsageMetrics")
    assert 719 <= minutes_from_now(after["next_due"]) <= 720 and after["in_progress"] == 0
    assert run(box) == ["hook: AfterCronJob"]  # not due again before then


def test_a_forced_run_runs_every_task_and_keeps_next_due(box: SandboxInfo) -> None:
    query(box, "UPDATE tbltask_status SET last_run = %s", PAST)
    run(box, "all", "--force")
    for task in TASKS:
        after = status(box, task)
        assert after["next_due"] == FUTURE
        assert after["last_run"] != PAST and after["in_progress"] == 0


def test_a_task_in_progress_is_not_started_again_unless_forced(box: SandboxInfo) -> None:
    set_due(box, "TenantUsageMetrics", PAST)
    query(
        box,
        "UPDATE tbltask_status s JOIN tbltask t ON t.id = s.task_id SET s.in_progress = 1 WHERE t.class_name = %s",
        TASKS["TenantUsageMetrics"],
    )
    assert run(box) == ["hook: AfterCronJob"]
    assert run(box, "do", "--TenantUsageMetrics") == [*task_lines("TenantUsageMetrics"), "hook: AfterCronJob"]
    assert status(box, "TenantUsageMetrics")["in_progress"] == 0


def test_skip_leaves_out_the_named_tasks(box: SandboxInfo) -> None:
    assert run(box, "skip", "--force", "--CreateInvoices", "--UpdateServerUsage") == [
        "Cron Job: Starting Daily Automation Tasks",
        "hook: PreCronJob",
        *task_lines("TenantUsageMetrics"),
        "Cron Job: Completed Daily Automation Tasks",
        "hook: DailyCronJobPreEmail",
        "hook: DailyCronJob",
        "hook: AfterCronJob",
    ]


def test_a_disabled_task_does_not_run_even_with_do(box: SandboxInfo) -> None:
    query(box, "UPDATE tbltask SET is_enabled = 0 WHERE class_name = %s", TASKS["TenantUsageMetrics"])
    assert run(box, "do", "--TenantUsageMetrics") == ["hook: AfterCronJob"]
    assert "Automated Task: Starting Tenant Usage Metrics" not in run(box, "all", "--force")


def test_a_missing_task_row_is_registered_with_whmcs_defaults(box: SandboxInfo) -> None:
    query(box, "DELETE FROM tbltask WHERE class_name = %s", TASKS["TenantUsageMetrics"])
    assert run(box, "do", "--TenantUsageMetrics") == [*task_lines("TenantUsageMetrics"), "hook: AfterCronJob"]
    [task] = query(box, "SELECT * FROM tbltask WHERE class_name = %s", TASKS["TenantUsageMetrics"])
    assert (task["priority"], task["frequency"], task["is_enabled"], task["is_periodic"]) == (1519, 720, 1, 1)
    assert (task["name"], task["description"]) == (
        "Tenant Usage Metrics",
        "Collect tenant usage metrics from servers",
    )
    assert status(box, "TenantUsageMetrics")["in_progress"] == 0


def test_tenant_usage_metrics_collects_in_a_forced_daily_run(box: SandboxInfo) -> None:
    server_id = add_server(box, "meterrecorder")
    set_setting(box, "MetricUsageCollection", "1")
    run(box, "all", "--force")
    rows = query(box, "SELECT tenant FROM tblserver_tenants WHERE server_id = %s ORDER BY tenant", server_id)
    assert [row["tenant"] for row in rows] == ["alpha.test", "beta.test"]


# ---------------------------------------------------------------- CreateInvoices


@pytest.fixture(scope="module")
def billing() -> Iterator[StandinHost]:
    """A host of the localAPI tests' recorder module (its hooks record the invoice hooks)."""
    with standin_host() as host:
        yield host


def due_service(host: StandinHost, domain: str, price: str) -> tuple[int, str]:
    """An active service (its order's first invoice billed) whose next due date is a week away."""
    service = host.active_service(domain, host.product(monthly=price))
    due = (php_now() + dt.timedelta(days=7)).strftime("%Y-%m-%d")
    host.rows("UPDATE tblhosting SET nextduedate = %s, nextinvoicedate = %s WHERE id = %s", due, due, service)
    host.recorder.reset()
    return service, due


def invoice_lines(host: StandinHost, service: int, due: str) -> list[dict[str, Any]]:
    return host.rows(
        "SELECT i.*, v.status, v.total, CAST(v.duedate AS CHAR) AS invoice_due FROM tblinvoiceitems i"
        " JOIN tblinvoices v ON v.id = i.invoiceid WHERE i.type = 'Hosting' AND i.relid = %s AND i.duedate = %s",
        service,
        due,
    )


def test_create_invoices_bills_a_due_service_once(billing: StandinHost) -> None:
    service, due = due_service(billing, "due.test", "7.00")
    done = cron(billing.root, "do", "--CreateInvoices", "-v")
    assert done.returncode == 0, done.stderr
    assert "CreateInvoices: 1 invoice(s) created" in done.stdout
    [line] = invoice_lines(billing, service, due)
    assert (str(line["amount"]), line["status"], str(line["total"]), line["invoice_due"]) == (
        "7.00",
        "Unpaid",
        "7.00",
        due,
    )
    creation = [hook["vars"] for hook in billing.recorder.hooks() if hook["hook"] == "InvoiceCreation"]
    assert creation == [
        {"source": "autogen", "user": "system", "invoiceid": line["invoiceid"], "status": "Unpaid"}
    ]
    again = cron(billing.root, "do", "--CreateInvoices", "-v")
    assert "CreateInvoices: 0 invoice(s) created" in again.stdout
    assert len(invoice_lines(billing, service, due)) == 1


def test_the_daily_run_generates_invoices_and_skip_leaves_them_out(billing: StandinHost) -> None:
    service, due = due_service(billing, "daily.test", "9.00")
    assert cron(billing.root, "skip", "--force", "--CreateInvoices").returncode == 0
    assert invoice_lines(billing, service, due) == []
    set_setting(billing.sandbox, "DailyCronExecutionHour", f"{php_now().hour:02d}")
    set_setting(billing.sandbox, "lastDailyCronInvocationTime", PAST)
    assert cron(billing.root).returncode == 0  # the first run in the daily hour
    assert [str(line["amount"]) for line in invoice_lines(billing, service, due)] == ["9.00"]
