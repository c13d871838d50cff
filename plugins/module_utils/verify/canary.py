# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary's names, secrets and safety rules; the run itself is canary_run.py.

A canary is a throwaway SmarterMail domain put through the module's own lifecycle (Create,
Suspend, Unsuspend, UsageUpdate, Terminate) with one product's options. Safety rules:

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
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailError,
    SmarterMailNotFoundError,
)

if TYPE_CHECKING:  # only passed in: importing it at run time would load the HTTP stack for nothing
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
        SmarterMailClient,
    )

DEFAULT_PREFIX = "smw-canary-"
# The module's option 5 default (module.md, ConfigOptions).
DEFAULT_DOMAIN_PATH = "C:\\SmarterMail\\Domains\\"
CANARY_TLD = "test"
STAMP_FORMAT = "%Y%m%dt%H%M%S"
RANDOM_CHARS = 6
ADMIN_USERNAME_LENGTH = 10
ADMIN_PASSWORD_LENGTH = 24
# The module's alphabet for a generated hidden-admin password (module-api-calls.md 2.1).
ADMIN_PASSWORD_ALPHABET = string.ascii_lowercase + string.ascii_uppercase + string.digits + "!@#$%^&*-_=+"
_LABEL_MAX = 63
_STAMP_AND_RANDOM = len("20260101t000000") + 1 + RANDOM_CHARS
_PREFIX_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*)$")


class CanaryConfigError(ValueError):
    """The canary prefix or the cleanup age cannot be used."""


class CanaryCancelled(Exception):
    """The run was cancelled (Ctrl-C / SIGTERM) between two canary calls."""

    def __init__(self, step: str) -> None:
        super(CanaryCancelled, self).__init__("cancelled before the %s step" % step)
        self.step = step


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
    """10 random lowercase letters: the module's hidden domain admin when WHMCS leaves the fields empty."""
    return "".join(secrets.choice(string.ascii_lowercase) for _position in range(ADMIN_USERNAME_LENGTH))


def admin_password() -> str:
    """24 characters drawn uniformly from the module's alphabet, not checked afterwards (as the module does).

    module-api-calls.md 2.1: the module's generated password is never re-validated, so about 1 % of
    them have no special character; the canary sends what the module would send.
    """
    return "".join(secrets.choice(ADMIN_PASSWORD_ALPHABET) for _position in range(ADMIN_PASSWORD_LENGTH))


def domain_path(folder: Optional[str], name: str) -> str:
    """domainData.path as the module builds it: option 5 with its trailing backslashes cut, then ``\\<name>``.

    Only backslashes are trimmed (module-api-calls.md 2.2): '' gives ``\\<name>`` and ``/var/x/``
    gives ``/var/x/\\<name>``, which is what the module sends for such a product. ``None`` (no
    option at all) is the module's default folder.
    """
    base = DEFAULT_DOMAIN_PATH if folder is None else folder
    return base.rstrip("\\") + "\\" + name


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
