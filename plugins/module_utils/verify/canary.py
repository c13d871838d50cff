# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary: a throwaway SmarterMail domain created the way the module's Create does it.

It proves the whole provisioning path works (create with a hidden admin, read back, suspend,
unsuspend, disk usage, impersonation, delete with files) and is removed in a ``finally`` even when
a step fails or the run is cancelled. Safety rules:

- the name is unique: ``<prefix><UTC timestamp>-<random>.test``. ``.test`` is reserved for testing
  (RFC 2606 / RFC 6761): it is never delegated in public DNS, so a canary can never collide with,
  or receive mail for, a customer's domain;
- the canary only ever deletes the exact name it generated, and when it is unsure whether its
  create went through (a timeout, a reset), only after the domain's primary admin proves it is the
  canary's own random account;
- ``cleanup_canaries`` deletes leftovers whose name matches the prefix + timestamp pattern exactly
  and whose timestamp is older than the given age; other names are never touched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import secrets
import string
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConflictError,
    SmarterMailError,
    SmarterMailInvalidNameError,
    SmarterMailNotFoundError,
    SmarterMailPermissionError,
    SmarterMailRequestError,
)

if TYPE_CHECKING:  # only passed in: importing it at run time would load the HTTP stack for nothing
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
        SmarterMailClient,
    )

DEFAULT_PREFIX = "smw-canary-"
DEFAULT_DOMAIN_PATH = "C:\\SmarterMail\\Domains\\"
CANARY_TLD = "test"
STAMP_FORMAT = "%Y%m%dt%H%M%S"
RANDOM_CHARS = 6
ADMIN_USERNAME_LENGTH = 10
ADMIN_PASSWORD_LENGTH = 24
_PASSWORD_SPECIALS = "!#$%*+-=?@^_"  # noqa: S105 - an alphabet, not a password
_LABEL_MAX = 63
_STAMP_AND_RANDOM = len("20260101t000000") + 1 + RANDOM_CHARS
_PREFIX_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*)$")
CLEANUP_ATTEMPTS = 3
CLEANUP_PAUSE_SECONDS = 0.5

# Answers that mean "not created": the server refused, so there is nothing to remove.
_REFUSALS = (
    SmarterMailConflictError,
    SmarterMailInvalidNameError,
    SmarterMailRequestError,
    SmarterMailPermissionError,
)

# What the cleanup found (CanaryRun.cleanup).
CLEANUP_NOTHING = "nothing-created"  # the create was refused
CLEANUP_DELETED = "deleted"  # the canary domain was deleted and is gone
CLEANUP_ABSENT = "absent"  # the create's outcome was unclear, and no such domain exists
CLEANUP_NOT_OURS = "not-ours"  # a domain of that name exists with another admin: left alone
CLEANUP_LEFT_BEHIND = "left-behind"  # it could not be deleted: the result says so

# Steps in the order they run; ids appear in results (details.steps_done).
STEP_CREATE = "create"
STEP_READ = "read"
STEP_SUSPEND = "suspend"
STEP_USAGE = "usage"
STEP_UNSUSPEND = "unsuspend"
STEP_IMPERSONATE = "impersonate"
STEP_DELETE = "delete"
STEP_GONE = "gone"
STEPS = (
    STEP_CREATE,
    STEP_READ,
    STEP_SUSPEND,
    STEP_USAGE,
    STEP_UNSUSPEND,
    STEP_IMPERSONATE,
    STEP_DELETE,
    STEP_GONE,
)


class CanaryConfigError(ValueError):
    """The canary prefix or domain path cannot make a valid test domain."""


class CanaryCancelled(Exception):
    """The run was cancelled (Ctrl-C / SIGTERM) between two canary steps."""

    def __init__(self, step: str) -> None:
        super(CanaryCancelled, self).__init__("cancelled before the %s step" % step)
        self.step = step


class CanaryStepFailed(Exception):
    """A canary step failed. ``error`` is the SmarterMail error when there was one."""

    def __init__(self, step: str, reason: str, error: Optional[Exception] = None) -> None:
        super(CanaryStepFailed, self).__init__(reason)
        self.step = step
        self.reason = reason
        self.error = error


class CanaryCleanupError(SmarterMailError):
    """cleanup_canaries could not delete every leftover; ``deleted`` and ``failed`` say which."""

    def __init__(self, sentence: str, deleted: List[str], failed: Dict[str, str]) -> None:
        super(CanaryCleanupError, self).__init__(sentence)
        self.deleted = deleted
        self.failed = failed


# ----- names and secrets ----------------------------------------------------------------------


def check_prefix(prefix: Any) -> str:
    """The prefix in lower case; CanaryConfigError when it cannot start a DNS label."""
    if not isinstance(prefix, str) or not prefix:
        raise CanaryConfigError("The canary prefix is empty: give one such as %r." % DEFAULT_PREFIX)
    lowered = prefix.lower()
    if not _PREFIX_RE.match(lowered):
        raise CanaryConfigError(
            "The canary prefix %r is not usable in a domain name: use lowercase letters, digits and "
            "hyphens, starting with a letter or digit (e.g. %r)." % (prefix, DEFAULT_PREFIX)
        )
    if len(lowered) + _STAMP_AND_RANDOM > _LABEL_MAX:
        raise CanaryConfigError(
            "The canary prefix %r is too long: a domain label holds 63 characters and the timestamp and "
            "random part take %d; use at most %d characters."
            % (prefix, _STAMP_AND_RANDOM, _LABEL_MAX - _STAMP_AND_RANDOM)
        )
    return lowered


def canary_name(prefix: str = DEFAULT_PREFIX, now: Optional[datetime.datetime] = None) -> str:
    """``<prefix><UTC yyyymmddThhmmss>-<6 random>.test``, e.g. smw-canary-20261124t101500-ab12cd.test."""
    moment = now if now is not None else datetime.datetime.now(datetime.timezone.utc)
    alphabet = string.ascii_lowercase + string.digits
    tail = "".join(secrets.choice(alphabet) for _position in range(RANDOM_CHARS))
    return "%s%s-%s.%s" % (check_prefix(prefix), moment.strftime(STAMP_FORMAT), tail, CANARY_TLD)


def canary_timestamp(name: Any, prefix: str = DEFAULT_PREFIX) -> Optional[datetime.datetime]:
    """The UTC creation time embedded in a canary name, or None when ``name`` is not one of ours."""
    if not isinstance(name, str):
        return None
    pattern = r"^%s(\d{8}t\d{6})-[a-z0-9]{%d}\.%s$" % (
        re.escape(check_prefix(prefix)),
        RANDOM_CHARS,
        CANARY_TLD,
    )
    match = re.match(pattern, name.lower())
    if match is None:
        return None
    try:
        moment = datetime.datetime.strptime(match.group(1), STAMP_FORMAT)
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.timezone.utc)


def admin_username() -> str:
    """A random 10-letter lowercase name, like the module's hidden primary admin."""
    return "".join(secrets.choice(string.ascii_lowercase) for _position in range(ADMIN_USERNAME_LENGTH))


def admin_password() -> str:
    """A 24-character password with upper, lower, digit and special characters (secrets module)."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _PASSWORD_SPECIALS)
    alphabet = "".join(pools)
    while True:
        candidate = "".join(secrets.choice(alphabet) for _position in range(ADMIN_PASSWORD_LENGTH))
        if all(any(ch in pool for ch in candidate) for pool in pools):
            return candidate


def domain_path(base: Optional[str], name: str) -> str:
    """The module's option-5 path with the domain appended (a separator added when missing)."""
    base = base or DEFAULT_DOMAIN_PATH
    if base.endswith(("\\", "/")):
        return base + name
    separator = "/" if "/" in base and "\\" not in base else "\\"
    return base + separator + name


# ----- the canary run ---------------------------------------------------------------------------


class CanaryRun:
    """One canary domain's life. ``run()`` returns facts; ``finally`` removes what it created.

    ``round_trips`` counts the API calls made by the canary (sequential, so each is one round trip;
    a token refresh the client does on its own is not counted).
    """

    def __init__(
        self,
        client: "SmarterMailClient",
        name: str,
        path: str,
        cancelled: Optional[threading.Event] = None,
    ) -> None:
        self.client = client
        self.name = name
        self.path = path
        self.hostname = "mail." + name
        self.admin = admin_username()
        self._password = admin_password()
        self.cancelled = cancelled
        self.round_trips = 0
        self.steps_done: List[str] = []
        self.warnings: List[str] = []
        self.facts: Dict[str, Any] = {}
        # True: created; False: definitely not created (or not ours); None: unknown (e.g. timeout).
        self.created: Optional[bool] = False
        self.cleanup: Optional[str] = None  # one of the CLEANUP_* outcomes once run() is over
        self.cleanup_error: Optional[Exception] = None

    def __repr__(self) -> str:
        return "CanaryRun(name=%r, steps_done=%r)" % (self.name, self.steps_done)

    # -- plumbing

    def _call(self, function: Callable[..., Any], *args: Any) -> Any:
        self.round_trips += 1
        return function(*args)

    def _begin(self, step: str) -> None:
        if self.cancelled is not None and self.cancelled.is_set():
            raise CanaryCancelled(step)

    def _done(self, step: str) -> None:
        self.steps_done.append(step)

    # -- steps

    def run(self) -> Dict[str, Any]:
        """Run every step; always clean up. Raises CanaryStepFailed / CanaryCancelled."""
        try:
            self._steps()
        finally:
            self._cleanup()
        return self.facts

    def _steps(self) -> None:
        self._begin(STEP_CREATE)
        self._create()
        self._begin(STEP_READ)
        data = self._read_back()
        self._check_admin(data)
        self._done(STEP_READ)

        self._begin(STEP_SUSPEND)
        self._settings(STEP_SUSPEND, False)
        self._begin(STEP_USAGE)
        data = self._get(STEP_USAGE)
        if data.get("isEnabled") is not False:
            raise CanaryStepFailed(
                STEP_SUSPEND,
                "the domain still shows isEnabled=%r after the suspend call (domain-settings isEnabled "
                "false): suspending a service would not block it" % (data.get("isEnabled"),),
            )
        self._record_usage(data)
        self._done(STEP_USAGE)

        self._begin(STEP_UNSUSPEND)
        self._settings(STEP_UNSUSPEND, True)
        self._begin(STEP_IMPERSONATE)
        self._impersonate()
        self._begin(STEP_DELETE)
        self._delete()
        self._begin(STEP_GONE)
        try:
            still_there = self._call(self.client.get_domain, self.name) is not None
        except SmarterMailError as err:
            raise CanaryStepFailed(STEP_GONE, str(err), err) from None
        if still_there:
            raise CanaryStepFailed(STEP_GONE, "the domain still exists after domain-delete answered success")
        self.created = False
        self.cleanup = CLEANUP_DELETED
        self._done(STEP_GONE)

    def _create(self) -> None:
        # Marked unknown first: a timeout or reset may hide a create that went through.
        self.created = None
        try:
            self._add()
        except _REFUSALS as err:
            # A refusal: nothing was created (a name conflict means the name is someone else's).
            self.created = False
            raise CanaryStepFailed(STEP_CREATE, str(err), err) from None
        except SmarterMailError as err:
            raise CanaryStepFailed(STEP_CREATE, str(err), err) from None
        self.created = True
        self._done(STEP_CREATE)

    def _add(self) -> None:
        self.round_trips += 1
        self.client.add_domain(
            self.name,
            path=self.path,
            admin_username=self.admin,
            admin_password=self._password,
            hostname=self.hostname,
        )

    def _get(self, step: str) -> Dict[str, Any]:
        try:
            data = self._call(self.client.get_domain, self.name)
        except SmarterMailError as err:
            raise CanaryStepFailed(step, str(err), err) from None
        if data is None:
            raise CanaryStepFailed(step, "the domain is not found right after domain-put answered success")
        return data

    def _read_back(self) -> Dict[str, Any]:
        data = self._get(STEP_READ)
        for field, expected in (("hostname", self.hostname), ("path", self.path)):
            found = data.get(field)
            if isinstance(found, str) and found.lower() != expected.lower():
                self.warnings.append("%s is %r, not the requested %r" % (field, found, expected))
        return data

    def _check_admin(self, data: Mapping[str, Any]) -> None:
        """The domain's primary admin must be the canary's random account (the module's hidden admin)."""
        main_admin = data.get("mainDomainAdmin")
        if isinstance(main_admin, str) and main_admin:
            if _local_part(main_admin) != self.admin:
                raise CanaryStepFailed(
                    STEP_READ,
                    "the domain's primary admin is %r, not the account given to domain-put" % main_admin,
                )
            return
        # Field absent on this build: look for the admin among the domain's users instead.
        try:
            users = self._call(self.client.list_domain_users, self.name)
        except SmarterMailError as err:
            raise CanaryStepFailed(STEP_READ, str(err), err) from None
        if not any(_is_primary_admin(user, self.admin) for user in users):
            raise CanaryStepFailed(
                STEP_READ, "the admin account given to domain-put is not a domain admin of it"
            )

    def _settings(self, step: str, enabled: bool) -> None:
        try:
            self._call(self.client.set_domain_settings, self.name, {"isEnabled": enabled})
        except SmarterMailError as err:
            raise CanaryStepFailed(step, str(err), err) from None
        self._done(step)

    def _record_usage(self, data: Mapping[str, Any]) -> None:
        usage = data.get("diskUsage")
        if _is_number(usage):
            self.facts["disk_usage_bytes"] = usage
            return
        size = data.get("size")
        if _is_number(size):
            self.facts["disk_usage_bytes"] = size
            self.warnings.append(
                "domainData has no diskUsage field (size=%r is there): the module's usage update reads "
                "diskUsage and would record 0 MB" % (size,)
            )
            return
        raise CanaryStepFailed(
            STEP_USAGE, "domainData has neither diskUsage nor size: disk usage cannot be read"
        )

    def _impersonate(self) -> None:
        try:
            answer = self._call(self.client.manage_domain, self.name)
        except SmarterMailError as err:
            raise CanaryStepFailed(STEP_IMPERSONATE, str(err), err) from None
        username = answer.get("username")
        if isinstance(username, str) and username and _local_part(username) != self.admin:
            self.warnings.append("manage-domain acted as %r, not the domain's primary admin" % username)
        self._done(STEP_IMPERSONATE)

    def _delete(self) -> None:
        try:
            self._call(self.client.delete_domain, self.name, True)
        except SmarterMailError as err:
            raise CanaryStepFailed(STEP_DELETE, str(err), err) from None
        self._done(STEP_DELETE)

    # -- cleanup

    def _cleanup(self) -> None:
        """Remove the canary if it (maybe) exists; runs even when cancelled. Never raises."""
        if self.cleanup is not None:
            return  # the steps deleted it and saw it gone
        if self.created is False:
            self.cleanup = CLEANUP_NOTHING
            return
        delete_was_sent = STEP_DELETE in self.steps_done
        for attempt in range(CLEANUP_ATTEMPTS):
            if attempt:
                time.sleep(CLEANUP_PAUSE_SECONDS * attempt)
            try:
                if self.created is None or attempt or delete_was_sent:
                    data = self.client.get_domain(self.name)
                    if data is None:
                        self.cleanup = CLEANUP_ABSENT if self.created is None else CLEANUP_DELETED
                        return
                    if not self._owns(data):
                        self.cleanup = CLEANUP_NOT_OURS  # someone else's domain: never touch it
                        return
                    self.created = True
                self.client.delete_domain(self.name, True)
                if self.client.get_domain(self.name) is None:
                    self.cleanup = CLEANUP_DELETED
                    return
            except SmarterMailNotFoundError:
                self.cleanup = CLEANUP_ABSENT if self.created is None else CLEANUP_DELETED
                return
            except Exception as err:  # cleanup must not mask the step's own failure
                self.cleanup_error = err
        self.cleanup = CLEANUP_LEFT_BEHIND

    @property
    def removed(self) -> Optional[bool]:
        """True: no canary domain remains; False: it could not be removed; None: nothing was created."""
        if self.cleanup in (CLEANUP_DELETED, CLEANUP_ABSENT):
            return True
        if self.cleanup == CLEANUP_LEFT_BEHIND:
            return False
        return None

    def _owns(self, data: Mapping[str, Any]) -> bool:
        main_admin = data.get("mainDomainAdmin")
        if isinstance(main_admin, str) and main_admin:
            return _local_part(main_admin) == self.admin
        users = self.client.list_domain_users(self.name)
        return any(_is_primary_admin(user, self.admin) for user in users)


def _local_part(address: str) -> str:
    return address.split("@", 1)[0].strip().lower()


def _is_primary_admin(user: Mapping[str, Any], admin: str) -> bool:
    name = user.get("userName") or user.get("emailAddress") or ""
    flags = user.get("securityFlags") or {}
    is_admin = user.get("isPrimaryDomainAdmin") or (isinstance(flags, dict) and flags.get("isDomainAdmin"))
    return isinstance(name, str) and _local_part(name) == admin and bool(is_admin)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ----- leftovers --------------------------------------------------------------------------------


def cleanup_canaries(
    client: "SmarterMailClient",
    prefix: str = DEFAULT_PREFIX,
    older_than_seconds: Any = 3600.0,
    now: Optional[datetime.datetime] = None,
) -> List[str]:
    """Delete canary domains (prefix + timestamp pattern) older than ``older_than_seconds``.

    Returns the deleted names. Names that do not match the pattern exactly are never touched.
    When some deletions fail, the others still run and CanaryCleanupError lists both.
    """
    check_prefix(prefix)
    if (
        isinstance(older_than_seconds, bool)
        or not isinstance(older_than_seconds, (int, float))
        or older_than_seconds < 0
    ):
        raise CanaryConfigError(
            "The cleanup age must be a number of seconds >= 0, not %r." % (older_than_seconds,)
        )
    moment = now if now is not None else datetime.datetime.now(datetime.timezone.utc)
    cutoff = moment - datetime.timedelta(seconds=older_than_seconds)
    deleted: List[str] = []
    failed: Dict[str, str] = {}
    for domain in client.list_domains():
        name = domain.get("name")
        if not isinstance(name, str):
            continue  # not a name canary_timestamp could match
        created = canary_timestamp(name, prefix)
        if created is None or created > cutoff:
            continue
        try:
            client.delete_domain(name, True)
        except SmarterMailNotFoundError:
            continue  # already gone (another cleanup, or the canary's own finally)
        except SmarterMailError as err:
            failed[name] = str(err)
            continue
        deleted.append(name)
    if failed:
        raise CanaryCleanupError(
            "Could not delete %d leftover canary domain(s) (%s); deleted %d. Check the errors and run the "
            "cleanup again." % (len(failed), ", ".join(sorted(failed)), len(deleted)),
            deleted,
            failed,
        )
    return deleted
