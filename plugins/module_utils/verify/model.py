# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a verify check returns, and the result record every reporter reads.

A check's ``run`` returns an Outcome (or raises CheckFailed / a SmarterMail or WHMCS error); the
runner turns it into a CheckResult with the check id, the target and the elapsed time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from dataclasses import dataclass, field
from typing import Any, Dict, Sequence

PASS = "pass"  # noqa: S105 - a status, not a password
WARN = "warn"
FAIL = "fail"
SKIP = "skip"
STATUSES = (PASS, WARN, FAIL, SKIP)
# A requirement counts as met when the check it names passed or only warned.
MET_STATUSES = (PASS, WARN)


@dataclass(frozen=True)
class Outcome:
    status: str
    summary: str
    hint: str = ""
    details: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls, summary: str, **details: Any) -> "Outcome":
        return cls(PASS, summary, "", details)

    @classmethod
    def warning(cls, summary: str, hint: str = "", **details: Any) -> "Outcome":
        return cls(WARN, summary, hint, details)

    @classmethod
    def failed(cls, summary: str, hint: str = "", **details: Any) -> "Outcome":
        return cls(FAIL, summary, hint, details)

    @classmethod
    def skipped(cls, reason: str, **details: Any) -> "Outcome":
        return cls(SKIP, reason, "", details)


class CheckFailed(Exception):
    """Raised inside a check to fail it with a summary and a hint (the next step)."""

    def __init__(self, summary: str, hint: str = "", **details: Any) -> None:
        super(CheckFailed, self).__init__(summary)
        self.outcome = Outcome.failed(summary, hint, **details)


@dataclass(frozen=True)
class CheckResult:
    id: str
    target: str
    status: str
    summary: str
    hint: str = ""
    elapsed_ms: int = 0
    details: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "status": self.status,
            "summary": self.summary,
            "hint": self.hint,
            "elapsed_ms": self.elapsed_ms,
            "details": dict(self.details),
        }


def summarize(results: Sequence[CheckResult]) -> Dict[str, int]:
    """Counts per status plus the overall verdict: failed when any check failed (``ok``, a bool)."""
    counts = {status: 0 for status in STATUSES}
    for result in results:
        counts[result.status] += 1
    counts["total"] = len(results)
    counts["ok"] = counts[FAIL] == 0
    return counts
