"""Start-up configuration of the simulator (what the CLI flags and the control API set)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

# Faults a whole process can be started with (--fault); the control API accepts more.
STARTUP_FAULTS = ("api-disabled", "http-500", "timeout", "reset", "success-false")
CONTROL_FAULTS = (*STARTUP_FAULTS, "malformed-json", "expired-token")
LOGIN_FAILURE_STYLES = ("401", "200")
DEFAULT_VERSION = "100.0.9504"
_VERSION_RE = re.compile(r"^\d+(\.\d+){1,3}$")
_ACCOUNT_NAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,200}$")


class ConfigValueError(ValueError):
    """A configuration value is out of range; the message names the setting and the rule."""


@dataclass(frozen=True)
class PasswordPolicy:
    """The server's password requirements (SmarterMail help: Security > Password Requirements).

    The rules are documented; the defaults a fresh server ships with are not (GUESS).
    """

    min_length: int = 8
    require_number: bool = True
    require_capital: bool = True
    require_lower: bool = True
    require_symbol: bool = False
    not_username: bool = True

    def merged(self, changes: object) -> PasswordPolicy:
        """A copy with the given fields changed; ConfigValueError names a bad field or value."""
        if not isinstance(changes, dict):
            raise ConfigValueError("password_policy must be a JSON object")
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ConfigValueError(
                f"unknown password_policy field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        for name, value in changes.items():
            if name == "min_length":
                check_non_negative_int("password_policy.min_length", value)
            elif not isinstance(value, bool):
                raise ConfigValueError(f"password_policy.{name} must be true or false, got {value!r}")
        return replace(self, **changes)

    def describe(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def parse_account(text: str) -> tuple[str, str]:
    """Split ``USER:PASS`` (the password may itself contain ':')."""
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise ConfigValueError(f"expected USER:PASS with a non-empty user and password, got {_shown(text)}")
    if not _ACCOUNT_NAME_RE.match(user):
        raise ConfigValueError(f"user name {user!r} may only contain letters, digits and . _ @ -")
    return user, password


def _shown(text: str) -> str:
    # Never echo a password back: show only the part before the first ':'.
    head = text.partition(":")[0]
    return repr(head + (":***" if ":" in text else ""))


def check_version(value: str) -> str:
    if not _VERSION_RE.match(value):
        raise ConfigValueError(f"version must look like 100.0.9504, got {value!r}")
    return value


def check_non_negative_int(name: str, value: object, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigValueError(f"{name} must be a whole number >= 0, got {value!r}")
    return value


def check_login_failure_style(value: object) -> str:
    text = str(value)
    if text not in LOGIN_FAILURE_STYLES:
        raise ConfigValueError(f"login_failure_style must be one of 401, 200, got {value!r}")
    return text


@dataclass
class SimulatorConfig:
    """Everything needed to start one simulator; the CLI builds one from its flags."""

    host: str = "127.0.0.1"
    port: int = 0
    tls: bool = False
    cert_dir: Path | None = None
    sysadmins: dict[str, str] = field(default_factory=lambda: {"admin": "admin"})
    users: dict[str, str] = field(default_factory=dict)
    # Sysadmins whose login answers success with a step token only (lower-case names).
    two_factor_sysadmins: frozenset[str] = frozenset()
    password_change_sysadmins: frozenset[str] = frozenset()
    version: str = DEFAULT_VERSION
    latency_ms: int = 0
    token_ttl: int = 900
    # Refresh tokens outlive access tokens; the real lifetime is unknown (GUESS: 7 days).
    refresh_ttl: int = 7 * 24 * 3600
    max_domains: int | None = None
    login_failure_style: str = "401"
    password_policy: PasswordPolicy = PasswordPolicy()
    faults: tuple[str, ...] = ()
    log_requests: bool = False

    def validated(self) -> SimulatorConfig:
        """Return a copy after checking every value (raises ConfigValueError)."""
        check_version(self.version)
        check_non_negative_int("latency_ms", self.latency_ms)
        check_non_negative_int("max_domains", self.max_domains, allow_none=True)
        check_login_failure_style(self.login_failure_style)
        if self.token_ttl < 1:
            raise ConfigValueError(f"token_ttl must be at least 1 second, got {self.token_ttl}")
        if not 0 <= self.port <= 65535:
            raise ConfigValueError(f"port must be 0..65535, got {self.port}")
        for fault in self.faults:
            if fault not in STARTUP_FAULTS:
                raise ConfigValueError(f"unknown fault {fault!r}; choose from {', '.join(STARTUP_FAULTS)}")
        if not self.sysadmins and not self.users:
            raise ConfigValueError("at least one account is needed")
        clash = {name.lower() for name in self.sysadmins} & {name.lower() for name in self.users}
        if clash:
            raise ConfigValueError(f"account(s) {', '.join(sorted(clash))} given both as sysadmin and user")
        return replace(
            self, sysadmins=dict(self.sysadmins), users=dict(self.users), faults=tuple(self.faults)
        )
