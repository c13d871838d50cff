# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The next step to suggest for a failed canary call, from the error behind it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailConnectError,
    SmarterMailPermissionError,
    SmarterMailRequestError,
    SmarterMailServerError,
    SmarterMailTimeoutError,
    SmarterMailTLSError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import CreateOptions

SAME_FOR_ORDERS = (
    "the module makes the same call with this product's options: an order for it would fail the same way"
)
SUCCESS_FALSE = (
    "SmarterMail answered HTTP 2xx with success:false; the module trusts the status alone, so fix what the code "
    "names on the SmarterMail side (or the proxy in front of it that rewrites answers)"
)


def hint_for(error: Optional[Exception], endpoint: str, impersonation: bool = False) -> str:
    """The hint for a call that failed with ``error`` (None: the answer was fine, the result was not)."""
    if impersonation and isinstance(error, (SmarterMailPermissionError, SmarterMailAuthError)):
        return (
            "the account may not impersonate domains: only the primary system administrator may by default; "
            "enable 'Allow impersonation and domain management' for it"
        )
    if isinstance(error, SmarterMailAuthError):
        return (
            "the sysadmin login the module makes at the start of each function failed: check the username and "
            "password (the WHMCS server entry's too)"
        )
    if isinstance(error, SmarterMailPermissionError):
        return "the account lacks the right for this: use the primary system administrator"
    if isinstance(error, SmarterMailServerError):
        return (
            "SmarterMail at %s failed with a server error on this call: check the service and its logs; the "
            "module's call would fail the same way" % endpoint
        )
    if isinstance(error, (SmarterMailConnectError, SmarterMailTimeoutError, SmarterMailTLSError)):
        return (
            "the connection to %s failed during the canary; WHMCS provisioning would fail the same way"
            % endpoint
        )
    if isinstance(error, SmarterMailRequestError) and error.status is not None and 200 <= error.status < 300:
        return SUCCESS_FALSE
    if isinstance(error, SmarterMailRequestError) and error.code and "LICENSE" in error.code.upper():
        return (
            "SmarterMail refused a new domain: the free edition allows only one domain, so a test domain cannot "
            "be created there (run with --no-canary)"
        )
    return SAME_FOR_ORDERS


def settings_hint(error: Optional[Exception], options: CreateOptions, endpoint: str) -> str:
    """The hint for a domain-settings call refused or not applied: the options it carries."""
    if isinstance(error, SmarterMailRequestError) and error.status is not None and 200 <= error.status < 300:
        return SUCCESS_FALSE
    code = getattr(error, "code", None) or ""
    if "OUTGOING_IP" in code.upper() or (error is not None and options.outgoing_ip):
        return (
            "the product's option 6 (outgoing IP) is sent as %r: give 'default' (exactly, lower case) for the "
            "server's own address, or an IP address SmarterMail has; then re-run the product role"
            % options.outgoing_ip
        )
    if error is not None and not isinstance(error, SmarterMailRequestError):
        return hint_for(error, endpoint)
    return (
        "domain-settings carries the product's options 6 (outgoing IP), 14 and 15 (EAS/MAPI management): check "
        "them and what SmarterMail accepts%s" % (" (its code: %s)" % code if code else "")
    )
