# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side: what a (rolling) install did to each host, from the play's host variables.

The install playbook leaves on every host it reached the result of the module files step
(``module_files_result``), the verify report (``smartermail_verify_report``) and, when verify
failed after the change, the result of the restore (``smartermail_rollback``). From those and the
play's host lists this says, per host: moved, unchanged, rolled_back, failed, pending (waits for a
later batch) or not_reached (the rollout stops before its batch).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, Mapping, Optional, Sequence

SCHEMA = 1
STATUSES = ("moved", "unchanged", "rolled_back", "failed", "pending", "not_reached")
LABELS = {
    "moved": "moved",
    "unchanged": "unchanged",
    "rolled_back": "rolled back",
    "failed": "failed",
    "pending": "pending",
    "not_reached": "not reached",
}
CONTENT_KEYS = ("added", "changed_files", "removed")


def _files_changed(files: Any) -> bool:
    """True when the module files step replaced content (not only fixed a mode or an owner)."""
    if not isinstance(files, Mapping) or files.get("skipped"):
        return False
    return any(files.get(key) for key in CONTENT_KEYS)


def _version_name(side: Any) -> Optional[str]:
    """'1.2.0' from a module_version side: a version fact ({version, meta_version, ...}) or a plain string."""
    if isinstance(side, Mapping):
        side = side.get("version")
    return str(side) if side else None


def _version(files: Any) -> Optional[Dict[str, Any]]:
    """module_version {before, after} when whmcs_module_files reports it (older releases do not)."""
    if not isinstance(files, Mapping):
        return None
    version = files.get("module_version")
    if not isinstance(version, Mapping):
        return None
    before, after = _version_name(version.get("before")), _version_name(version.get("after"))
    return {"before": before, "after": after} if (before or after) else None


def verify_reasons(report: Any) -> List[str]:
    """The failed checks of a verify report as 'target/check: message', then its errors."""
    if not isinstance(report, Mapping):
        return []
    reasons = [
        "%s/%s: %s" % (check.get("target"), check.get("id"), check.get("summary"))
        for check in report.get("checks") or []
        if isinstance(check, Mapping) and check.get("status") == "fail"
    ]
    return reasons + [str(error) for error in report.get("errors") or []]


def _rollback(variables: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    rollback = variables.get("smartermail_rollback")
    return rollback if isinstance(rollback, Mapping) else None


def host_outcome(variables: Mapping[str, Any], active: bool) -> Dict[str, Any]:
    """One reached host's status, version, reasons and the backup it was restored from."""
    files = variables.get("module_files_result")
    report = variables.get("smartermail_verify_report")
    rollback = _rollback(variables)
    outcome: Dict[str, Any] = {"files_changed": _files_changed(files), "version": _version(files)}
    if rollback is not None:
        reasons = verify_reasons(report) or ["verify failed"]
        if rollback.get("skipped") or rollback.get("failed"):
            outcome.update(status="failed", reasons=reasons, restored_from=None)
        else:
            outcome.update(status="rolled_back", reasons=reasons, restored_from=rollback.get("backup_path"))
        return outcome
    if not active:
        # Failed in a step before verify (the play's recap and error name it).
        outcome.update(status="failed", reasons=["failed before verify; see the task that failed"])
        return outcome
    outcome.update(status="moved" if outcome["files_changed"] else "unchanged", reasons=[])
    return outcome


def _reached(variables: Mapping[str, Any]) -> bool:
    return "module_files_result" in variables or "smartermail_verify_report" in variables


def build_summary(
    hosts_all: Sequence[str],
    hosts_active: Sequence[str],
    batch: Sequence[str],
    hostvars: Mapping[str, Mapping[str, Any]],
    max_fail_percentage: Optional[float],
) -> Dict[str, Any]:
    """The rollout as it stands at the end of this batch, and whether it stops here.

    Ansible stops a play when more than max_fail_percentage percent of a batch failed; hosts that
    verify failed on fail right after this summary, so they are counted here already.
    """
    hosts: Dict[str, Dict[str, Any]] = {}
    waiting: List[str] = []
    for name in hosts_all:
        variables = hostvars.get(name) or {}
        if name in batch or _reached(variables):
            hosts[name] = host_outcome(variables, name in hosts_active)
        else:
            waiting.append(name)
    failing = [name for name in batch if hosts.get(name, {}).get("status") in ("rolled_back", "failed")]
    stopped = bool(failing) and (
        max_fail_percentage is not None
        and len(failing) / float(max(len(batch), 1)) > max_fail_percentage / 100.0
    )
    for name in waiting:
        hosts[name] = {"status": "not_reached" if stopped else "pending", "reasons": [], "version": None}
    summary: Dict[str, Any] = {"schema": SCHEMA, "stopped": stopped, "stopped_at": failing if stopped else []}
    for status in STATUSES:
        summary[status] = [name for name in hosts_all if hosts.get(name, {}).get("status") == status]
    summary["hosts"] = hosts
    return summary


def _version_text(version: Optional[Mapping[str, Any]]) -> str:
    if not version:
        return ""
    return " (module %s -> %s)" % (version.get("before") or "none", version.get("after") or "none")


def render_lines(summary: Mapping[str, Any]) -> List[str]:
    """The summary as short lines: a count line, then one line per host that did something."""
    counts = ", ".join(
        "%d %s" % (len(summary[status]), LABELS[status]) for status in STATUSES if summary.get(status)
    )
    head = "Rollout: %s" % (counts or "no hosts")
    if summary.get("stopped"):
        head += "; stopped at %s" % ", ".join(summary["stopped_at"])
    lines = [head]
    for status in STATUSES:
        for name in summary.get(status) or []:
            host = summary["hosts"][name]
            line = "%s %s%s" % (LABELS[status] + ":", name, _version_text(host.get("version")))
            if host.get("reasons"):
                line += " - verify failed: " if status == "rolled_back" else " - "
                line += "; ".join(host["reasons"])
            if status == "rolled_back":
                line += " - previous module files restored from %s" % host.get("restored_from")
            elif status == "failed" and "restored_from" in host:
                line += " - nothing restored (no backup from this run, or smartermail_rollback_on_failure is false)"
            lines.append(line)
    return lines
