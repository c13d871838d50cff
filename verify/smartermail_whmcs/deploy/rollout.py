"""The rollout summary lines of a deploy, from the deploy_summary callback's JSON.

The install playbook's rollout_summary task runs once per batch (run_once) and its ``msg`` holds
the summary as lines. Each batch's summary is recorded under the host that ran it; the last one
is the one with no host still pending (every batch before the last leaves some).
"""

from __future__ import annotations

from typing import Any

MODULE = "astral360.smartermail.rollout_summary"
PENDING_PREFIX = "pending:"


def _summaries(document: dict[str, Any]) -> list[list[str]]:
    found = []
    for record in (document.get("hosts") or {}).values():
        for event in record.get("events") or []:
            lines = event.get("msg")
            if event.get("module") == MODULE and event.get("status") == "ok" and isinstance(lines, list):
                found.append([str(line) for line in lines])
    return found


def rollout_lines(document: dict[str, Any]) -> list[str]:
    """The final rollout summary (empty when the playbook did not get to one, as in check mode)."""
    summaries = _summaries(document)
    if not summaries:
        return []
    return min(summaries, key=lambda lines: sum(line.startswith(PENDING_PREFIX) for line in lines))
