"""Reading request values the way a lenient .NET JSON binder does, or refusing them with a code.

A refusal names the offending field in ``debugInfo`` (SmarterMail's envelope has that field; what
the real server puts there is unknown).
"""

from __future__ import annotations

from smartermail_whmcs.simulator.envelope import ApiError, json_int
from smartermail_whmcs.simulator.names import split_email


def refuse(message: str, field: str) -> ApiError:
    return ApiError(400, message, {"debugInfo": field})


def bool_value(value: object, field: str, message: str = "INVALID_INPUT") -> bool:
    """JSON true/false, the strings "true"/"false" in any case (SolidCP sends "True"), or 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise refuse(message, field)


def int_value(value: object, field: str, message: str = "INVALID_INPUT", minimum: int = -1) -> int:
    """A whole number (or numeric string) >= ``minimum``; null and "" read as 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise refuse(message, field)
    try:
        number = json_int(value)
    except (TypeError, ValueError):
        raise refuse(message, field) from None
    if number < minimum:
        raise refuse(message, field)
    return number


def text_value(value: object, field: str, message: str = "INVALID_INPUT", limit: int = 1000) -> str:
    """A string of at most ``limit`` characters; null reads as ""."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise refuse(message, field)
    return value


def address_list(value: object, field: str, message: str) -> list[str]:
    """A JSON list of e-mail addresses, lower-cased, each once; a bad entry is named in debugInfo."""
    if not isinstance(value, list):
        raise refuse(message, field)
    found: list[str] = []
    for item in value:
        parts = split_email(item.strip() if isinstance(item, str) else item)
        if parts is None:
            raise refuse(message, str(item))
        if "@".join(parts) not in found:
            found.append("@".join(parts))
    return found
