"""deploy's per-host summary, from deploy_summary callback documents."""

from __future__ import annotations

from smartermail_whmcs.deploy.report import host_reports, render

PRODUCT = "astral360.smartermail.whmcs_product"


def event(status: str, module: str, check_mode: bool = False, **fields) -> dict:
    return {"status": status, "module": module, "task": "role : Task", "check_mode": check_mode, **fields}


def document(*events: dict, host: str = "whmcs1") -> dict:
    return {"format": 1, "hosts": {host: {"stats": {}, "events": list(events)}}}


def test_each_module_result_reads_as_one_line() -> None:
    summary = document(
        event(
            "changed",
            "astral360.smartermail.whmcs_module_files",
            added=["a.php"],
            changed_files=["b.php"],
            removed=[],
        ),
        event(
            "changed",
            "astral360.smartermail.whmcs_server",
            item="mail1",
            action="update",
            changed_fields=["port"],
        ),
        event(
            "changed",
            PRODUCT,
            item="Email / Basic",
            diff={
                "before": {"price": "1", "options": {"x": "1"}},
                "after": {"price": "2", "options": {"x": "2"}},
            },
        ),
        event(
            "changed",
            "astral360.smartermail.whmcs_cron",
            diff={"before": "#Ansible: a\n0 * * * * old\n", "after": "#Ansible: a\n5 * * * * new\n"},
        ),
        event("changed", "ansible.builtin.command", task="role : Something else"),
        event("ok", "ansible.builtin.assert"),
    )
    [report] = host_reports(summary, check_mode=False)
    assert report.changes == [
        "module files: 1 added (a.php); 1 changed (b.php)",
        "server mail1: update (port)",
        "product Email / Basic: update (options.x, price)",
        "cron line: + 5 * * * * new; - 0 * * * * old",
        "Something else: changed",
    ]
    assert render([report], check_mode=False).splitlines()[:2] == ["Changes made", "whmcs1: 5 changes"]


def test_planning_steps_in_check_mode_are_not_changes_of_a_real_run_and_repeats_are_listed_once() -> None:
    plan = event(
        "changed",
        PRODUCT,
        check_mode=True,
        item="Email / Basic",
        diff={"before": {}, "after": {"name": "Basic"}},
    )
    real = dict(plan, check_mode=False)
    [applied] = host_reports(document(plan, real), check_mode=False)
    assert applied.changes == ["product Email / Basic: create"]
    [planned] = host_reports(document(plan, dict(plan)), check_mode=True)
    assert planned.changes == ["product Email / Basic: create"]
    assert render([planned], check_mode=True).splitlines()[1] == "whmcs1: 1 planned change"


def test_a_failure_and_an_unchanged_host() -> None:
    failed = document(
        event("failed", "ansible.builtin.assert", msg="whmcs_root: /x has no configuration.php")
    )
    failed["hosts"]["whmcs2"] = {"stats": {}, "events": [event("ok", PRODUCT)]}
    reports = host_reports(failed, check_mode=True)
    assert [report.status for report in reports] == ["failed", "unchanged"]
    assert render(reports, check_mode=True).splitlines()[1:] == [
        "whmcs1: FAILED (0 planned changes before the failure)",
        "  failed: Task: whmcs_root: /x has no configuration.php",
        "whmcs2: no changes",
    ]
