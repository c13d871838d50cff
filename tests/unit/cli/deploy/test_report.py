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


MODULE_FILES = "astral360.smartermail.whmcs_module_files"
OPCACHE = "astral360.smartermail.whmcs_opcache_reset"


def test_module_version_before_and_after_per_host() -> None:
    summary = document(
        event(
            "changed",
            MODULE_FILES,
            changed_files=["smartermail.php"],
            module_version={"before": {"version": "1.1.0"}, "after": {"version": "1.2.0"}},
        ),
        event("changed", OPCACHE, how="one_shot", reset=True),
    )
    text = render(host_reports(summary, check_mode=False), check_mode=False)
    assert "  module files: 1 changed (smartermail.php); module 1.1.0 → 1.2.0" in text
    assert "  web server's OPcache reset through a one-shot file" in text


def test_check_mode_cannot_read_the_new_version_and_says_so() -> None:
    summary = document(
        event(
            "changed",
            MODULE_FILES,
            check_mode=True,
            changed_files=["smartermail.php"],
            module_version={"before": {"version": "1.1.0"}, "after": None},
        )
    )
    text = render(host_reports(summary, check_mode=True), check_mode=True)
    assert "module 1.1.0 → ? (read when the new files are unpacked, not in check mode)" in text


def test_a_fresh_install_and_an_unchanged_version() -> None:
    fresh = document(
        event(
            "changed",
            MODULE_FILES,
            added=["smartermail.php"],
            module_version={"before": None, "after": {"version": "1.2.0"}},
        )
    )
    assert "module none → 1.2.0" in render(host_reports(fresh, False), False)
    same = document(
        event(
            "changed",
            MODULE_FILES,
            fixed_attributes=["lib/"],
            module_version={"before": {"version": "1.2.0"}, "after": {"version": "1.2.0"}},
        )
    )
    assert "mode/owner fixed (lib/); module 1.2.0" in render(host_reports(same, False), False)


def test_the_opcache_no_op_warning_reaches_the_summary() -> None:
    warning = "the module files changed, but PHP-FPM ... has OPcache on with opcache.validate_timestamps off"
    summary = document(
        event("changed", MODULE_FILES, changed_files=["smartermail.php"]),
        event("ok", OPCACHE, how="none", reset=False, warnings=[warning]),
    )
    reports = host_reports(summary, check_mode=False)
    assert reports[0].to_dict()["warnings"] == [warning]
    assert f"  warning: {warning}" in render(reports, check_mode=False)
