# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing a canary's domain after its run, and only when it is the canary's own.

The domain is deleted with its files, and only when its primary admin is the canary's random
account; a domain of that name with another admin is someone else's and is never touched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from typing import TYPE_CHECKING, Any, Mapping, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailNotFoundError,
)

if TYPE_CHECKING:
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
        SmarterMailClient,
    )

CLEANUP_ATTEMPTS = 3
CLEANUP_PAUSE_SECONDS = 0.5

# What the cleanup found (CanaryRun.cleanup).
CLEANUP_NOTHING = "nothing-created"  # the create was refused
CLEANUP_DELETED = "deleted"  # the canary domain was deleted and is gone
CLEANUP_ABSENT = "absent"  # the create's outcome was unclear (or rolled back), and no such domain exists
CLEANUP_NOT_OURS = "not-ours"  # a domain of that name exists with another admin: left alone
CLEANUP_LEFT_BEHIND = "left-behind"  # it could not be deleted: the result says so


def local_part(address: str) -> str:
    return address.split("@", 1)[0].strip().lower()


def is_primary_admin(user: Mapping[str, Any], admin: str) -> bool:
    """A user entry of the domain is ``admin`` and a domain admin."""
    name = user.get("userName") or user.get("emailAddress") or ""
    flags = user.get("securityFlags") or {}
    is_admin = user.get("isPrimaryDomainAdmin") or (isinstance(flags, dict) and flags.get("isDomainAdmin"))
    return isinstance(name, str) and local_part(name) == admin and bool(is_admin)


def owns(client: "SmarterMailClient", name: str, data: Mapping[str, Any], admin: str) -> bool:
    """The domain's primary admin is ``admin`` (from domainData, else from its user list)."""
    main_admin = data.get("mainDomainAdmin")
    if isinstance(main_admin, str) and main_admin:
        return local_part(main_admin) == admin
    return any(is_primary_admin(user, admin) for user in client.list_domain_users(name))


def remove_canary(
    client: "SmarterMailClient", name: str, admin: str, created: Optional[bool]
) -> Tuple[str, Optional[Exception]]:
    """(CLEANUP_* outcome, the last error) for a canary that was ``created`` (None: maybe). Never raises."""
    if created is False:
        return CLEANUP_NOTHING, None
    error: Optional[Exception] = None
    for attempt in range(CLEANUP_ATTEMPTS):
        if attempt:
            time.sleep(CLEANUP_PAUSE_SECONDS * attempt)
        try:
            data = client.get_domain(name)
            if data is None:
                return (CLEANUP_ABSENT if created is None else CLEANUP_DELETED), None
            if not owns(client, name, data, admin):
                return CLEANUP_NOT_OURS, None  # someone else's domain: never touch it
            created = True
            client.delete_domain(name, True)
            if client.get_domain(name) is None:
                return CLEANUP_DELETED, None
        except SmarterMailNotFoundError:
            return (CLEANUP_ABSENT if created is None else CLEANUP_DELETED), None
        except Exception as err:  # cleanup must not mask the step's own failure
            error = err
    return CLEANUP_LEFT_BEHIND, error
