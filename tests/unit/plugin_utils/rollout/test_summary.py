"""The rollout summary from the play's host variables: statuses, the stop decision, the lines shown."""

from __future__ import annotations

from typing import Any

from ansible_collections.astral360.smartermail.plugins.plugin_utils.rollout.summary import (
    build_summary,
    render_lines,
)

HOSTS = ["whmcs1", "whmcs2", "whmcs3"]
CHANGED = {
    "changed": True,
    "added": [],
    "changed_files": ["smartermail.php"],
    "removed": [],
    "backup_path": "/b/1",
}
SAME = {"changed": False, "added": [], "changed_files": [], "removed": [], "backup_path": None}
PASSED = {
    "ok": True,
    "checks": [{"id": "server", "target": "mail", "status": "pass", "summary": "ok"}],
    "errors": [],
}
FAILED = {
    "ok": False,
    "checks": [
        {"id": "order", "target": "mail", "status": "fail", "summary": "the module's Create failed"},
        {"id": "server", "target": "mail", "status": "pass", "summary": "ok"},
    ],
    "errors": [],
}
RESTORED = {"changed": True, "backup_path": "/w/.smartermail-backups/smartermail-1"}


def host(
    files: dict[str, Any], report: dict[str, Any], rollback: dict[str, Any] | None = None
) -> dict[str, Any]:
    variables = {"module_files_result": files, "smartermail_verify_report": report}
    if rollback is not None:
        variables["smartermail_rollback"] = rollback
    return variables


def test_second_host_rolled_back_stops_the_rollout_before_the_third() -> None:
    hostvars = {"whmcs1": host(CHANGED, PASSED), "whmcs2": host(CHANGED, FAILED, RESTORED)}
    summary = build_summary(HOSTS, ["whmcs1", "whmcs2"], ["whmcs2"], hostvars, 0)
    assert (summary["moved"], summary["rolled_back"], summary["not_reached"]) == (
        ["whmcs1"],
        ["whmcs2"],
        ["whmcs3"],
    )
    assert summary["stopped"] is True and summary["stopped_at"] == ["whmcs2"]
    assert summary["hosts"]["whmcs2"]["reasons"] == ["mail/order: the module's Create failed"]
    assert summary["hosts"]["whmcs2"]["restored_from"] == RESTORED["backup_path"]
    assert render_lines(summary) == [
        "Rollout: 1 moved, 1 rolled back, 1 not reached; stopped at whmcs2",
        "moved: whmcs1",
        "rolled back: whmcs2 - verify failed: mail/order: the module's Create failed"
        " - previous module files restored from /w/.smartermail-backups/smartermail-1",
        "not reached: whmcs3",
    ]


def test_a_failure_under_the_threshold_lets_the_next_batches_run() -> None:
    hostvars = {"whmcs1": host(CHANGED, FAILED, RESTORED), "whmcs2": host(CHANGED, PASSED)}
    summary = build_summary(HOSTS, HOSTS, ["whmcs1", "whmcs2"], hostvars, 50)
    assert summary["stopped"] is False and summary["pending"] == ["whmcs3"]
    assert summary["rolled_back"] == ["whmcs1"] and summary["moved"] == ["whmcs2"]


def test_nothing_to_restore_and_failures_before_verify_are_failed_not_rolled_back() -> None:
    skipped = {"changed": False, "skipped": True}
    hostvars = {
        "whmcs1": host(SAME, FAILED, skipped),  # verify failed, but this run changed no file
        "whmcs2": {"module_files_result": CHANGED},  # failed in the server step: not active any more
        "whmcs3": host(SAME, PASSED),
    }
    summary = build_summary(HOSTS, ["whmcs3"], HOSTS, hostvars, None)
    assert summary["failed"] == ["whmcs1", "whmcs2"] and summary["unchanged"] == ["whmcs3"]
    assert summary["stopped"] is False  # no threshold: a failed host stops only itself
    lines = render_lines(summary)
    assert lines[0] == "Rollout: 1 unchanged, 2 failed"
    assert "nothing restored" in lines[2] and "failed before verify" in lines[3]


def test_versions_are_shown_when_the_module_files_step_reports_them() -> None:
    # whmcs_module_files reports each side as a version fact, null where there is no tree.
    files = {
        **CHANGED,
        "module_version": {"before": {"version": "1.1.0", "mismatch": False}, "after": {"version": "1.2.0"}},
    }
    summary = build_summary(["whmcs1"], ["whmcs1"], ["whmcs1"], {"whmcs1": host(files, PASSED)}, 0)
    assert summary["hosts"]["whmcs1"]["version"] == {"before": "1.1.0", "after": "1.2.0"}
    assert render_lines(summary)[1] == "moved: whmcs1 (module 1.1.0 -> 1.2.0)"
    first_install = {**CHANGED, "module_version": {"before": None, "after": {"version": "1.2.0"}}}
    summary = build_summary(["whmcs1"], ["whmcs1"], ["whmcs1"], {"whmcs1": host(first_install, PASSED)}, 0)
    assert render_lines(summary)[1] == "moved: whmcs1 (module none -> 1.2.0)"


def test_only_attributes_fixed_is_not_a_move() -> None:
    files = {**SAME, "changed": True, "fixed_attributes": ["lib/"]}
    summary = build_summary(["whmcs1"], ["whmcs1"], ["whmcs1"], {"whmcs1": host(files, PASSED)}, 0)
    assert summary["unchanged"] == ["whmcs1"]
