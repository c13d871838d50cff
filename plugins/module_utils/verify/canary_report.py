# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary check's result: one entry per run (per product, or per group of identical products), one Outcome.

Each run entry (``details.runs[]``) has its own status, summary and hint, the products it stands
for, the options it used, the module's calls, what each module function would have returned,
and where the module's success rule and ours disagree. The check's status is the worst of its
runs (fail, then skip for a cancelled run, then warn); its summary names each run's products.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_cleanup import (
    CLEANUP_ABSENT,
    CLEANUP_DELETED,
    CLEANUP_LEFT_BEHIND,
    CLEANUP_NOT_OURS,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import PlannedRun
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_run import CanaryRun
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    PASS,
    SKIP,
    WARN,
    Outcome,
)

_SEVERITY = (FAIL, SKIP, WARN, PASS)


def _cleanup_note(run: CanaryRun) -> Tuple[str, str]:
    """(text for the summary, text for the hint) about what the cleanup did."""
    if run.cleanup == CLEANUP_LEFT_BEHIND:
        return (
            "; the test domain %s could NOT be removed (%s)" % (run.name, run.cleanup_error),
            "; delete it in SmarterMail or run `smartermail-whmcs verify --cleanup`",
        )
    if run.failures or run.cancelled_at:
        notes: Dict[Optional[str], str] = {
            CLEANUP_DELETED: "; the test domain was removed",
            CLEANUP_ABSENT: "; no test domain was left behind",
            CLEANUP_NOT_OURS: "; a domain of that name belongs to another admin and was left alone",
        }
        return notes.get(run.cleanup, ""), ""
    return "", ""


def _on_off(flag: bool) -> str:
    return "on" if flag else "off"


def _passed_summary(run: CanaryRun) -> str:
    options = run.options
    terminated = (
        "terminated with its files"
        if options.delete_data
        else "terminated keeping its files (option 8 off: %s stays on the mail server)" % run.path
    )
    return (
        "test domain %s: Create as the module sends it (path %s, user limit %d, EAS management %s, MAPI "
        "management %s, outgoing IP %s; DKIM: %s), suspended, unsuspended, usage read (%s bytes), %s, gone "
        "(%d API calls)"
        % (
            run.name,
            run.path,
            options.user_limit,
            _on_off(options.eas_management),
            _on_off(options.mapi_management),
            repr(options.outgoing_ip) if options.outgoing_ip else "server default",
            run.facts.get("dkim", "?"),
            run.facts.get("disk_usage_bytes", "?"),
            terminated,
            run.round_trips,
        )
    )


def _short_summary(run: CanaryRun) -> str:
    """A passing run in a few words, for a check with several runs (the full text is in its entry)."""
    options = run.options
    return (
        "passed, Create to Terminate as the module does it (user limit %d, EAS %s, MAPI %s, outgoing IP %s, %s; %d API calls)"
        % (
            options.user_limit,
            _on_off(options.eas_management),
            _on_off(options.mapi_management),
            repr(options.outgoing_ip) if options.outgoing_ip else "server default",
            "files deleted" if options.delete_data else "files kept",
            run.round_trips,
        )
    )


def run_entry(run: CanaryRun, planned: PlannedRun) -> Dict[str, Any]:
    """One run's result: status, summary, hint and facts (never a password: the run keeps none in text)."""
    removed, left = _cleanup_note(run)
    hints: List[str] = []
    if run.cancelled_at:
        status = SKIP
        summary = "canary cancelled before the %s step%s" % (run.cancelled_at, removed)
    elif run.failures:
        status = FAIL
        first = run.failures[0]
        summary = "canary %s step failed for test domain %s: %s" % (first.step, run.name, first.sentence)
        others = [finding.sentence for finding in run.failures[1:]]
        if others:
            summary += "; also: " + "; ".join(others)
        summary += removed
        hints = [finding.hint for finding in run.failures if finding.hint]
    else:
        status = WARN if run.warnings else PASS
        summary = _passed_summary(run)
        if run.warnings:
            summary += "; but " + "; ".join(finding.sentence for finding in run.warnings)
            hints = [finding.hint for finding in run.warnings if finding.hint]
    hint = "; ".join(dict.fromkeys(hints)) + left
    entry: Dict[str, Any] = {
        "label": planned.label(),
        "products": [{"id": product.id, "name": product.name} for product in planned.products],
        "status": status,
        "summary": summary,
        "short": _short_summary(run) if status == PASS else summary,
        "hint": hint.lstrip("; "),
        "domain": run.name,
        "options": planned.options.describe(),
        "steps_done": list(run.steps_done),
        "failed_step": run.failed_step,
        "calls": run.calls,
        "module_results": dict(run.module_results),
        "differences": run.differences,
        "warnings": [finding.sentence for finding in run.warnings],
        "round_trips": run.round_trips,
        "cleanup": run.cleanup,
        "left_behind": run.removed is False,
    }
    entry.update(run.facts)
    return entry


def not_run_entry(planned: PlannedRun, reason: str) -> Dict[str, Any]:
    """A planned run that did not start (cancelled, or the login already failed)."""
    return {
        "label": planned.label(),
        "products": [{"id": product.id, "name": product.name} for product in planned.products],
        "status": SKIP,
        "summary": "not run: %s" % reason,
        "hint": "",
        "options": planned.options.describe(),
        "steps_done": [],
        "round_trips": 0,
        "left_behind": False,
    }


def canary_outcome(entries: List[Dict[str, Any]], note: str = "") -> Outcome:
    """The check's Outcome from its run entries; ``note`` starts the summary (a fact, not a finding)."""
    statuses = [entry["status"] for entry in entries]
    status = next(level for level in _SEVERITY if level in statuses or level == PASS)
    # Several runs: a passing one in a few words (its entry has the full text).
    key = "summary" if len(entries) == 1 else "short"
    parts = ["%s: %s" % (entry["label"], entry.get(key, entry["summary"])) for entry in entries]
    hints = ["%s: %s" % (entry["label"], entry["hint"]) for entry in entries if entry["hint"]]
    if len(entries) == 1 and hints:
        hints = [entries[0]["hint"]]
    if note:
        parts.insert(0, note)
    details = {
        "runs": entries,
        "round_trips": sum(entry["round_trips"] for entry in entries),
        "left_behind": any(entry["left_behind"] for entry in entries),
    }
    return Outcome(status, " | ".join(parts), " | ".join(hints), details)
