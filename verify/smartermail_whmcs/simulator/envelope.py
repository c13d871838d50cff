"""The SmarterMail JSON envelope: success, resultCode, message beside the payload keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from smartermail_whmcs.simulator.state import Session, State


class ApiError(Exception):
    """A failure answer: HTTP ``status`` with success:false and a machine ``message`` code."""

    def __init__(self, status: int, message: str, extra: dict[str, object] | None = None) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.extra = extra or {}

    def body(self) -> dict[str, object]:
        return {**self.extra, "success": False, "resultCode": self.status, "message": self.message}


def json_int(value: object) -> int:
    """int() of a decoded JSON value: TypeError for an array, an object or null, as int() raises."""
    if not isinstance(value, (str, int, float)):
        raise TypeError(f"int() of a JSON {type(value).__name__}")
    return int(value)


def ok(**payload: object) -> dict[str, object]:
    """A success body; payload keys sit at the top level as on a real server."""
    return {**payload, "success": True, "resultCode": 200}


@dataclass
class Call:
    """One /api request as a handler sees it."""

    state: State
    method: str
    path: str
    params: dict[str, str]
    body: object
    headers: dict[str, str]
    session: Session | None = None
    base_url: str = ""
    extras: dict[str, object] = field(default_factory=dict)

    def obj(self) -> dict[str, object]:
        """The body as an object; PHP's json_encode([]) sends ``[]``, which counts as empty."""
        if self.body is None or self.body == []:
            return {}
        if isinstance(self.body, dict):
            return self.body
        raise ApiError(400, "INVALID_INPUT")
