"""The test-only control API under /__simulator/ (no authentication; never on a real server)."""

from __future__ import annotations

import json
import re

from smartermail_whmcs.simulator.config import (
    ConfigValueError,
    check_login_failure_style,
    check_non_negative_int,
    check_version,
)
from smartermail_whmcs.simulator.faults import rule_from_json
from smartermail_whmcs.simulator.state import Domain, State

PREFIX = "/__simulator/"
_USAGE_RE = re.compile(r"^domains/(?P<domain>[^/]+)/usage$")
_MAILBOX_USAGE_RE = re.compile(r"^domains/(?P<domain>[^/]+)/users/(?P<user>[^/]+)/usage$")
CONFIG_KEYS = ("version", "max_domains", "latency_ms", "login_failure_style", "token_ttl", "password_policy")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _done(**extra: object) -> dict[str, object]:
    return {"success": True, "resultCode": 200, **extra}


def _json(raw: bytes) -> object:
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"body is not valid JSON: {exc}") from None


def _object(raw: bytes) -> dict[str, object]:
    data = _json(raw)
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def handle(state: State, method: str, path: str, raw: bytes) -> tuple[int, dict[str, object]]:
    """Answer one control request; every failure is success:false with a readable message."""
    sub = path[len(PREFIX) :].strip("/")
    try:
        with state.lock:
            return 200, _dispatch(state, method, sub, raw)
    except ControlError as exc:
        return exc.status, {"success": False, "resultCode": exc.status, "message": exc.message}
    except ConfigValueError as exc:
        return 400, {"success": False, "resultCode": 400, "message": str(exc)}


def _dispatch(state: State, method: str, sub: str, raw: bytes) -> dict[str, object]:
    if sub == "state" and method == "GET":
        return _done(**state.snapshot())
    if sub == "reset" and method == "POST":
        state.reset()
        return _done()
    if sub == "faults":
        if method == "GET":
            return _done(faults=[rule.describe() for rule in state.faults.rules])
        if method == "POST":
            rule = rule_from_json(_json(raw))
            state.faults.rules.append(rule)
            return _done(fault=rule.describe())
        if method == "DELETE":
            removed = len(state.faults.rules)
            state.faults.rules = []
            return _done(removed=removed)
    if sub == "expire-tokens" and method == "POST":
        refresh_too = bool(_object(raw).get("refresh", False))
        return _done(expired=state.expire_tokens(refresh_too))
    match = _USAGE_RE.match(sub)
    if match and method == "POST":
        return _set_usage(state, match.group("domain"), _object(raw))
    match = _MAILBOX_USAGE_RE.match(sub)
    if match and method == "POST":
        return _set_mailbox_usage(state, match.group("domain"), match.group("user"), _object(raw))
    if sub == "config" and method == "POST":
        return _set_config(state, _object(raw))
    raise ControlError(404, f"no control endpoint {method} {PREFIX}{sub}")


def _domain(state: State, name: str) -> Domain:
    domain = state.domain_named(name)
    if domain is None:
        raise ControlError(404, f"domain {name!r} does not exist")
    return domain


def _set_usage(state: State, name: str, body: dict[str, object]) -> dict[str, object]:
    """The domain's total size; what its mailboxes hold is part of it."""
    domain = _domain(state, name)
    total = int(check_non_negative_int("bytes", body.get("bytes")) or 0)
    in_mailboxes = domain.disk_usage - domain.other_bytes
    if total < in_mailboxes:
        raise ControlError(
            400, f"bytes {total} is less than the {in_mailboxes} bytes {domain.name}'s mailboxes already hold"
        )
    domain.other_bytes = total - in_mailboxes
    return _done(domain=domain.name, diskUsage=domain.disk_usage)


def _set_mailbox_usage(state: State, name: str, user_name: str, body: dict[str, object]) -> dict[str, object]:
    """One mailbox's size; the domain's size follows."""
    domain = _domain(state, name)
    user = domain.users.get(user_name.lower().partition("@")[0])
    if user is None:
        raise ControlError(404, f"{domain.name} has no mailbox {user_name!r}")
    user.mailbox_size = int(check_non_negative_int("bytes", body.get("bytes")) or 0)
    return _done(
        domain=domain.name, user=user.user_name, bytes=user.mailbox_size, diskUsage=domain.disk_usage
    )


def _set_config(state: State, body: dict[str, object]) -> dict[str, object]:
    unknown = set(body) - set(CONFIG_KEYS)
    if unknown:
        raise ControlError(
            400, f"unknown config key(s) {', '.join(sorted(unknown))}; known: {', '.join(CONFIG_KEYS)}"
        )
    runtime = state.runtime
    # Validate everything before changing anything.
    version = check_version(str(body["version"])) if "version" in body else runtime.version
    max_domains = (
        check_non_negative_int("max_domains", body["max_domains"], allow_none=True)
        if "max_domains" in body
        else runtime.max_domains
    )
    latency = check_non_negative_int("latency_ms", body["latency_ms"]) if "latency_ms" in body else None
    style = check_login_failure_style(body["login_failure_style"]) if "login_failure_style" in body else None
    ttl = check_non_negative_int("token_ttl", body["token_ttl"]) if "token_ttl" in body else None
    if ttl is not None and ttl < 1:
        raise ControlError(400, "token_ttl must be at least 1 second")
    policy = runtime.password_policy.merged(body["password_policy"]) if "password_policy" in body else None
    runtime.version = version
    runtime.max_domains = max_domains
    runtime.latency_ms = runtime.latency_ms if latency is None else latency
    runtime.login_failure_style = style or runtime.login_failure_style
    runtime.token_ttl = ttl or runtime.token_ttl
    runtime.password_policy = policy or runtime.password_policy
    return _done(config=state.snapshot()["config"])
