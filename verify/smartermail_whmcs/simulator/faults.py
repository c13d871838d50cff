"""Fault rules: which /api requests get a broken answer instead of a real one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from smartermail_whmcs.simulator.config import CONTROL_FAULTS, ConfigValueError

# success-false: HTTP 200 whose body says success:false with this code (unless the rule names one).
SUCCESS_FALSE_MESSAGE = "SIMULATED_FAILURE"
_MESSAGE_RE = re.compile(r"^[A-Za-z0-9_.:|-]{1,200}$")


@dataclass
class FaultRule:
    """One injected fault. ``after`` matching requests pass first, then ``count`` of them fail."""

    fault: str
    path: re.Pattern[str] | None = None
    method: str | None = None
    after: int = 0
    count: int | None = None
    body: str = "json"  # http-500 only: "json" or "html"
    message: str = SUCCESS_FALSE_MESSAGE  # success-false only: the answer's message code
    seen: int = field(default=0)
    fired: int = field(default=0)

    def take(self, method: str, path: str) -> bool:
        """Count this request; True when the fault must fire for it."""
        if self.method and self.method != method.upper():
            return False
        if self.path and not self.path.search(path):
            return False
        if self.count is not None and self.fired >= self.count:
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        self.fired += 1
        return True

    def describe(self) -> dict[str, object]:
        return {
            "fault": self.fault,
            "path": self.path.pattern if self.path else None,
            "method": self.method,
            "after": self.after,
            "count": self.count,
            "body": self.body,
            "message": self.message,
            "seen": self.seen,
            "fired": self.fired,
        }


def rule_from_json(data: object) -> FaultRule:
    """Build a rule from the control API body; ConfigValueError names the bad field."""
    if not isinstance(data, dict):
        raise ConfigValueError("fault body must be a JSON object")
    unknown = set(data) - {"fault", "path", "method", "after", "count", "body", "message"}
    if unknown:
        raise ConfigValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
    fault = data.get("fault")
    if fault not in CONTROL_FAULTS:
        raise ConfigValueError(f"fault must be one of {', '.join(CONTROL_FAULTS)}, got {fault!r}")
    path = data.get("path")
    pattern = None
    if path is not None:
        if not isinstance(path, str):
            raise ConfigValueError("path must be a regular expression string")
        try:
            pattern = re.compile(path)
        except re.error as exc:
            raise ConfigValueError(f"path is not a valid regular expression: {exc}") from None
    method = data.get("method")
    if method is not None and (not isinstance(method, str) or not method.isalpha()):
        raise ConfigValueError(f"method must be an HTTP method name, got {method!r}")
    after = data.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise ConfigValueError(f"after must be a whole number >= 0, got {after!r}")
    count = data.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ConfigValueError(f"count must be a whole number >= 1 or null, got {count!r}")
    body = data.get("body", "json")
    if body not in ("json", "html"):
        raise ConfigValueError(f"body must be json or html, got {body!r}")
    message = data.get("message", SUCCESS_FALSE_MESSAGE)
    if not isinstance(message, str) or not _MESSAGE_RE.match(message):
        raise ConfigValueError(
            f"message must be a code of 1-200 letters, digits and _ . : | -, got {message!r}"
        )
    return FaultRule(fault, pattern, method.upper() if method else None, after, count, body, message)


class FaultBook:
    """Ordered rules; the first rule that fires for a request decides its fault."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def pick(self, method: str, path: str) -> FaultRule | None:
        for rule in self.rules:
            if rule.take(method, path):
                return rule
        return None
