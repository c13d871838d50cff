"""In-memory server state: accounts, domains, users, sessions. One lock guards all of it."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from smartermail_whmcs.simulator.config import PasswordPolicy, SimulatorConfig
from smartermail_whmcs.simulator.faults import FaultBook, FaultRule
from smartermail_whmcs.simulator.names import normalize_domain

ROLE_SYSADMIN = "SysAdmin"
ROLE_DOMAIN_ADMIN = "DomainAdmin"
ROLE_USER = "User"
# A 2FA / forced-password-change login gets a step token that every real endpoint refuses.
ROLE_AUTH_STEP = "AuthStep"
REQUEST_LOG_SIZE = 500


def iso_utc(epoch: float) -> str:
    """SmarterMail's timestamp style: ISO-8601 UTC with 7 fractional digits and a Z."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


@dataclass
class Forwarding:
    """Where a mailbox forwards its mail (``mailboxForwardList``)."""

    forward_list: list[str] = field(default_factory=list)
    keep_recipients: bool = False
    delete_on_forward: bool = False
    spam_forward_option: str = "None"


@dataclass
class User:
    user_name: str
    password: str
    full_name: str = ""
    is_domain_admin: bool = False
    is_primary_admin: bool = False
    is_enabled: bool = True
    max_mailbox_size: int = 0
    mailbox_size: int = 0
    active_sync: bool = False
    mapi_ews: bool = False
    forwarding: Forwarding = field(default_factory=Forwarding)
    last_login: float | None = None

    def __repr__(self) -> str:  # keep the password out of logs and tracebacks
        return f"User({self.user_name!r}, domain_admin={self.is_domain_admin})"


@dataclass
class Alias:
    """An address without a mailbox that delivers to its targets (accountType 4)."""

    name: str
    targets: list[str]
    display_name: str = ""
    allow_sending: bool = False
    hide_from_gal: bool = False
    internal_only: bool = False
    include_all_domain_users: bool = False
    enable_for_xmpp: bool = False


@dataclass
class Dkim:
    enabled: bool = False
    selector: str | None = None
    public_key: str | None = None
    key_size: int = 0
    active: bool = False
    rollover: dict[str, object] | None = None


@dataclass
class Domain:
    name: str
    path: str
    hostname: str
    is_enabled: bool = True
    user_limit: int = 0
    max_size: int = 0
    alias_limit: int = 0
    list_limit: int = 0
    settings: dict[str, object] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    domain_aliases: list[str] = field(default_factory=list)
    # Bytes outside the mailboxes (file storage and the like); the mailboxes add their own.
    other_bytes: int = 0
    dkim: Dkim = field(default_factory=Dkim)
    # domainSettings keys a caller sent that SmarterMail does not know (dropped, as .NET binding does).
    ignored_settings: set[str] = field(default_factory=set)

    def primary_admin(self) -> User | None:
        return next((u for u in self.users.values() if u.is_primary_admin), None)

    @property
    def disk_usage(self) -> int:
        """The domain's size in bytes: its mailboxes plus everything else it stores."""
        return self.other_bytes + sum(user.mailbox_size for user in self.users.values())

    def name_taken(self, local_part: str) -> bool:
        """Users and aliases share one name space."""
        return local_part in self.users or local_part in self.aliases


@dataclass
class Session:
    """One login (or impersonation): an access token and its refresh token."""

    access_token: str
    refresh_token: str
    username: str
    role: str
    domain: str | None
    expires_at: float
    refresh_expires_at: float
    impersonating: bool = False

    def __repr__(self) -> str:
        return f"Session({self.username!r}, role={self.role})"


@dataclass
class Runtime:
    """Settings the control API may change while running; reset restores them."""

    version: str
    max_domains: int | None
    latency_ms: int
    login_failure_style: str
    token_ttl: int
    refresh_ttl: int
    password_policy: PasswordPolicy

    @classmethod
    def from_config(cls, config: SimulatorConfig) -> Runtime:
        return cls(
            config.version,
            config.max_domains,
            config.latency_ms,
            config.login_failure_style,
            config.token_ttl,
            config.refresh_ttl,
            config.password_policy,
        )


class State:
    """All mutable state; every handler runs with ``lock`` held."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.runtime = Runtime.from_config(self.config)
            self.domains: dict[str, Domain] = {}
            self.sessions_by_access: dict[str, Session] = {}
            self.sessions_by_refresh: dict[str, Session] = {}
            self.faults = FaultBook()
            self.faults.rules = [FaultRule(name) for name in self.config.faults]
            self.requests: list[dict[str, object]] = []
            self.request_count = 0
            self.login_count = 0
            self.deleted_files_log: list[dict[str, object]] = []

    def domain_named(self, raw: str) -> Domain | None:
        """The domain a path or a control call names (any case; IDN or punycode)."""
        return self.domains.get(normalize_domain(raw) or raw.lower())

    def name_in_use(self, name: str) -> bool:
        """A domain or a domain alias already answers to this name somewhere on the server."""
        return name in self.domains or any(name in d.domain_aliases for d in self.domains.values())

    # -- sessions -------------------------------------------------------------------------------
    def new_session(
        self, username: str, role: str, domain: str | None, impersonating: bool = False
    ) -> Session:
        now = time.time()
        session = Session(
            access_token="smsim-a." + secrets.token_urlsafe(32),
            refresh_token="smsim-r." + secrets.token_urlsafe(32),
            username=username,
            role=role,
            domain=domain,
            expires_at=now + self.runtime.token_ttl,
            refresh_expires_at=now + self.runtime.refresh_ttl,
            impersonating=impersonating,
        )
        self.sessions_by_access[session.access_token] = session
        self.sessions_by_refresh[session.refresh_token] = session
        return session

    def drop_session(self, session: Session) -> None:
        self.sessions_by_access.pop(session.access_token, None)
        self.sessions_by_refresh.pop(session.refresh_token, None)

    def _drop_sessions_where(self, doomed: Callable[[Session], bool]) -> None:
        for table in (self.sessions_by_access, self.sessions_by_refresh):
            for session in [s for s in table.values() if doomed(s)]:
                self.drop_session(session)

    def drop_domain_sessions(self, domain: str) -> None:
        self._drop_sessions_where(lambda session: session.domain == domain)

    def drop_user_sessions(self, email: str) -> None:
        """A deleted mailbox's own logins and impersonations end with it."""
        self._drop_sessions_where(lambda session: session.username.lower() == email.lower())

    def expire_tokens(self, refresh_too: bool = False) -> int:
        past = time.time() - 1
        for session in self.sessions_by_access.values():
            session.expires_at = past
            if refresh_too:
                session.refresh_expires_at = past
        return len(self.sessions_by_access)

    # -- bookkeeping ----------------------------------------------------------------------------
    def log_request(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.request_count += 1
            self.requests.append({"method": method, "path": path, "status": status, "time": time.time()})
            del self.requests[:-REQUEST_LOG_SIZE]

    def snapshot(self) -> dict[str, object]:
        """What GET /__simulator/state shows (no passwords, no tokens)."""
        now = time.time()
        with self.lock:
            access = list(self.sessions_by_access.values())
            return {
                "domains": [
                    {
                        "name": d.name,
                        "path": d.path,
                        "hostname": d.hostname,
                        "isEnabled": d.is_enabled,
                        "userLimit": d.user_limit,
                        "maxSize": d.max_size,
                        "aliasLimit": d.alias_limit,
                        "listLimit": d.list_limit,
                        "diskUsage": d.disk_usage,
                        "userCount": len(d.users),
                        "users": sorted(u.user_name for u in d.users.values()),
                        "aliases": sorted(d.aliases),
                        "domainAliases": list(d.domain_aliases),
                        "activeSync": sorted(u.user_name for u in d.users.values() if u.active_sync),
                        "mapiEws": sorted(u.user_name for u in d.users.values() if u.mapi_ews),
                        "primaryAdmin": (d.primary_admin() or User("", "")).user_name or None,
                        "settings": dict(d.settings),
                        "ignoredSettings": sorted(d.ignored_settings),
                        "dkim": {
                            "enabled": d.dkim.enabled,
                            "active": d.dkim.active,
                            "rolloverPending": d.dkim.rollover is not None,
                        },
                    }
                    for d in sorted(self.domains.values(), key=lambda d: d.name)
                ],
                "tokens": {
                    "access": len(access),
                    "accessValid": sum(1 for s in access if s.expires_at > now),
                    "refresh": len(self.sessions_by_refresh),
                    "impersonation": sum(1 for s in access if s.impersonating),
                },
                "accounts": {
                    "sysadmins": sorted(self.config.sysadmins),
                    "users": sorted(self.config.users),
                },
                "config": {
                    "version": self.runtime.version,
                    "max_domains": self.runtime.max_domains,
                    "latency_ms": self.runtime.latency_ms,
                    "login_failure_style": self.runtime.login_failure_style,
                    "token_ttl": self.runtime.token_ttl,
                    "password_policy": self.runtime.password_policy.describe(),
                },
                "faults": [rule.describe() for rule in self.faults.rules],
                "logins": self.login_count,
                "deletions": list(self.deleted_files_log),
                "requestCount": self.request_count,
                "requests": list(self.requests),
            }
