# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn one SmarterMail HTTP answer (status, content type, body bytes) into a dict or a typed error.

SmarterMail's envelope: ``success`` (bool), ``resultCode``, ``message`` (a machine code such as
DOMAIN_ADD_ERROR_NAME_IN_USE) and the payload keys beside them at the top level. HTTP 200 can carry
``success: false``; ``licensing/about`` has no ``success`` key; write calls may answer with an empty
body. Pure functions: no network, no third-party imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailApiUnavailableError,
    SmarterMailAuthError,
    SmarterMailConflictError,
    SmarterMailError,
    SmarterMailInvalidNameError,
    SmarterMailNotFoundError,
    SmarterMailPermissionError,
    SmarterMailProtocolError,
    SmarterMailRequestError,
    SmarterMailServerError,
)

MAX_BODY_BYTES = 5 * 1024 * 1024
_MAX_CODE_CHARS = 200

# Call kinds: how a refusal is read. "login" and "refresh" turn every refusal into an auth error.
KIND_API = "api"
KIND_LOGIN = "login"
KIND_REFRESH = "refresh"

# The error class Call.error builds (and returns, typed as that class).
ErrorT = TypeVar("ErrorT", bound=SmarterMailError)
# The type require_type checks for (and returns the value as).
ValueT = TypeVar("ValueT")

IDS_HINT = (
    "Do not retry in a loop: SmarterMail's intrusion detection blocks the caller's IP after repeated "
    "failed logins."
)


class Call:
    """What was being done, for error sentences: endpoint (host:port), path, action, account."""

    def __init__(
        self,
        endpoint: str,
        path: str,
        action: str,
        kind: str = KIND_API,
        username: str = "",
        scrub: Optional[Callable[[str], str]] = None,
    ) -> None:
        self.endpoint = endpoint
        self.path = path
        self.action = action
        self.kind = kind
        self.username = username
        self.scrub = scrub or (lambda text: text)

    def error(
        self,
        cls: Type[ErrorT],
        sentence: str,
        status: Optional[int] = None,
        code: Optional[str] = None,
        detail: Optional[str] = None,
        **extra: Any,
    ) -> ErrorT:
        """Build an error of class cls; every text goes through the secret scrubber first."""
        return cls(
            self.scrub(sentence),
            status=status,
            code=self.scrub(code) if code else code,
            path=self.path,
            endpoint=self.endpoint,
            detail=self.scrub(detail) if detail else detail,
            **extra,
        )


def body_kind(content_type: Optional[str], body: bytes) -> Tuple[str, Any]:
    """Classify a body: 'empty', 'html', 'json' (parsed value returned too) or 'malformed'."""
    stripped = body.strip()
    if not stripped:
        return "empty", None
    lowered_type = (content_type or "").lower()
    head = stripped[:64].lower()
    if "html" in lowered_type or head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return "html", None
    try:
        return "json", json.loads(stripped.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        if head.startswith(b"<"):
            return "html", None
        return "malformed", None


def message_code(payload: Any) -> Optional[str]:
    """The ``message`` code of a JSON object, or None when absent, empty or not a string."""
    if not isinstance(payload, dict):
        return None
    message = payload.get("message")
    if not isinstance(message, str) or not message.strip():
        return None
    return message.strip()[:_MAX_CODE_CHARS]


def interpret(
    call: Call, status: int, content_type: Optional[str], body: bytes, allow_empty: bool = False
) -> Dict[str, Any]:
    """Return the JSON object of a successful answer, or raise the typed error the answer means."""
    kind, payload = body_kind(content_type, body)
    if 300 <= status < 400:
        raise call.error(
            SmarterMailApiUnavailableError,
            "%s redirected %s (HTTP %d) instead of answering the SmarterMail API: point the client at "
            "the final address (a redirect to https usually means secure must be on, port 443)."
            % (call.endpoint, call.path, status),
            status=status,
        )
    if status >= 500:
        raise _server_error(call, status, message_code(payload) if kind == "json" else None)
    if kind == "html":
        raise call.error(
            SmarterMailApiUnavailableError,
            "%s answered %s with an HTML page (HTTP %d) instead of SmarterMail API JSON: the REST API is "
            "off or unreachable at this address, or another web site or proxy answers on this port. "
            "Check the host, port and scheme." % (call.endpoint, call.path, status),
            status=status,
        )
    if status == 404 and kind != "json":
        raise call.error(
            SmarterMailApiUnavailableError,
            "%s answered HTTP 404 for %s: the SmarterMail REST API is not at this address. Check the "
            "host, port and scheme, and that SmarterMail's web interface runs there."
            % (call.endpoint, call.path),
            status=status,
        )
    if status >= 400:
        raise refusal(call, status, message_code(payload) if kind == "json" else None)
    if kind == "empty":
        if allow_empty:
            return {}
        raise _protocol(call, status, "an empty body where JSON was expected")
    if kind == "malformed":
        raise _protocol(call, status, "a body that is not valid JSON")
    if not isinstance(payload, dict):
        raise _protocol(call, status, "JSON that is not an object (%s)" % type(payload).__name__)
    success = payload.get("success", True)
    if not isinstance(success, bool):
        raise _protocol(call, status, "a 'success' field that is not true or false")
    if not success:
        raise refusal(call, status, message_code(payload))
    return payload


def refusal(call: Call, status: int, code: Optional[str]) -> SmarterMailError:
    """The typed error for a 4xx or a success:false answer, read by call kind, status and code."""
    upper = (code or "").upper()
    shown = " (%s)" % code if code else ""
    where = "SmarterMail at %s" % call.endpoint
    if call.kind == KIND_LOGIN:
        return call.error(
            SmarterMailAuthError,
            "%s refused the login for user %r%s: check the sysadmin username and password, and that "
            "the account is enabled and not IP-restricted. %s" % (where, call.username, shown, IDS_HINT),
            status=status,
            code=code,
        )
    if call.kind == KIND_REFRESH:
        return call.error(
            SmarterMailAuthError,
            "%s rejected the refresh token for user %r%s: the session ended (token expired, revoked, "
            "or replaced by another login of the same account). Run again to log in afresh."
            % (where, call.username, shown),
            status=status,
            code=code,
        )
    if "NAME_IN_USE" in upper or status == 409:
        return call.error(
            SmarterMailConflictError,
            "%s refused to %s: the name is already in use%s." % (where, call.action, shown),
            status=status,
            code=code,
        )
    if "INVALID_NAME" in upper:
        return call.error(
            SmarterMailInvalidNameError,
            "%s refused to %s: SmarterMail does not accept the name%s." % (where, call.action, shown),
            status=status,
            code=code,
        )
    if status == 401:
        return call.error(
            SmarterMailAuthError,
            "%s rejected the access token while trying to %s (HTTP 401%s): the session expired or was "
            "replaced by another login of user %r. Run again to log in afresh."
            % (where, call.action, "" if not code else ", " + code, call.username),
            status=status,
            code=code,
        )
    if status == 403 or "PERMISSION" in upper or "ACCESS_DENIED" in upper:
        return call.error(
            SmarterMailPermissionError,
            "%s refused to %s (HTTP %d%s): user %r is not a system administrator, or lacks the right "
            "this needs (secondary sysadmins need 'Allow domain management' and 'Allow impersonation')."
            % (where, call.action, status, "" if not code else ", " + code, call.username),
            status=status,
            code=code,
        )
    if status == 404 or "NOT_FOUND" in upper or "DOES_NOT_EXIST" in upper or "UNKNOWN_DOMAIN" in upper:
        return call.error(
            SmarterMailNotFoundError,
            "%s could not %s: it does not exist on the server%s." % (where, call.action, shown),
            status=status,
            code=code,
        )
    reason = "see the SmarterMail code for the reason" if code else "SmarterMail gave no reason code"
    if 200 <= status < 300:
        # The status alone says success (the Astral 360 module would take it as one); the body does not.
        return call.error(
            SmarterMailRequestError,
            "%s refused to %s: it answered HTTP %d but with success: false%s, so the call failed although "
            "the status says OK; %s." % (where, call.action, status, shown, reason),
            status=status,
            code=code,
        )
    return call.error(
        SmarterMailRequestError,
        "%s refused to %s (HTTP %d%s): %s."
        % (where, call.action, status, "" if not code else ", " + code, reason),
        status=status,
        code=code,
    )


def _server_error(call: Call, status: int, code: Optional[str]) -> SmarterMailServerError:
    return call.error(
        SmarterMailServerError,
        "SmarterMail at %s failed with HTTP %d while trying to %s%s: check that the SmarterMail service "
        "is running and read its error logs; a run of HTTP 503 can also mean throttling."
        % (call.endpoint, status, call.action, "" if not code else " (%s)" % code),
        status=status,
        code=code,
    )


def _protocol(call: Call, status: int, what: str) -> SmarterMailProtocolError:
    return call.error(
        SmarterMailProtocolError,
        "%s answered %s (HTTP %d) with %s: this is not how the SmarterMail API answers; check that the "
        "address points at SmarterMail and that no proxy rewrites the answer."
        % (call.endpoint, call.path, status, what),
        status=status,
    )


def protocol_error(call: Call, status: int, what: str) -> SmarterMailProtocolError:
    """A SmarterMailProtocolError for a structurally wrong answer (used for payload type checks)."""
    return _protocol(call, status, what)


def require_type(
    call: Call, payload: Mapping[str, Any], key: str, expected: Type[ValueT], status: int = 200
) -> ValueT:
    """Return payload[key] when it has the expected type, else raise SmarterMailProtocolError."""
    value = payload.get(key)
    if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
        raise _protocol(call, status, "no %s field of the expected type" % key)
    return value
