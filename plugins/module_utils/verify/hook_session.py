# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SmarterMail as the module's InvoiceCreation hook reaches it, to read a domain's EAS/MAPI mailboxes.

The hook (module-api-calls.md 4 step 3) opens its own API session from the ``tblservers`` row:
``hostname``, TLS when ``secure`` is set, port = ``port`` else **443 (TLS) or 80** (not WHMCS's
default 9998 that module functions get), the stored username and decrypted password. It logs in
as system administrator, impersonates the domain (``manage-domain``) and reads, with that token,
``GET settings/domain/active-sync-mailboxes`` (``activeSyncAccounts[].emailAddress``) and
``GET settings/domain/mapi-ews-mailboxes`` (``mapiEwsAccounts[].emailAddress``) (steps 8, 10).
No token means no EAS/MAPI lines; a failed read counts as an empty list (the module cannot tell
them apart either, module-api-calls.md 1 "Read helpers").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import html
from typing import Any, Callable, Dict, List, Optional, Tuple, cast

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.php_values import php_truthy
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    WhmcsCryptoError,
    whmcs_decrypt,
)

PROTOCOL_LISTS = {
    "active-sync": "activeSyncAccounts",
    "mapi-ews": "mapiEwsAccounts",
}


def hook_endpoint(server: Dict[str, Any]) -> Tuple[str, int, bool]:
    """(hostname, port, secure) the hook connects to: PHP ``(bool) secure``; an empty port is 443 with TLS, else 80."""
    secure = php_truthy(server.get("secure"))
    try:
        port = int(server.get("port") or 0)
    except (TypeError, ValueError):
        port = 0
    return str(server.get("hostname") or "").strip(), port or (443 if secure else 80), secure


class ProtocolMailboxes:
    """The EAS and MAPI mailbox addresses of one domain, or why the hook would get none."""

    def __init__(self) -> None:
        self.lists: Dict[str, List[str]] = {name: [] for name in PROTOCOL_LISTS}
        self.problem: Optional[str] = None  # set: the hook gets no domain-admin token, so no lines
        self.notes: List[str] = []  # a read that failed (the hook sees an empty list)
        self.endpoint = ""


def _get(client: SmarterMailClient, path: str, token: str) -> Dict[str, Any]:
    # The client's own transport, TLS trust and error sentences, with the impersonation token
    # (SmarterMailClient has no public call for a domain-admin token: the canary does the same).
    new_call: Callable[..., Any] = client._new_call
    finish: Callable[..., Any] = client._finish
    return cast(Dict[str, Any], finish(new_call(path, "read %s" % path), "GET", token, None))


def read_protocol_mailboxes(
    server: Optional[Dict[str, Any]],
    domain: str,
    cc_encryption_hash: str,
    ca_file: Optional[str] = None,
    timeout: float = 30.0,
) -> ProtocolMailboxes:
    """Log in and impersonate ``domain`` as the hook would, then read both mailbox lists."""
    found = ProtocolMailboxes()
    if not server:
        found.problem = "the service has no server row"
        return found
    hostname, port, secure = hook_endpoint(server)
    if not hostname:
        found.problem = "its server row has no hostname"
        return found
    try:
        password = html.unescape(whmcs_decrypt(server.get("password") or "", cc_encryption_hash))
    except WhmcsCryptoError:
        found.problem = "the server's stored password cannot be decrypted with this tree's cc_encryption_hash"
        return found
    try:
        client = SmarterMailClient(
            hostname,
            port=port,
            secure=secure,
            username=str(server.get("username") or ""),
            password=password,
            ca_file=ca_file,
            connect_timeout=min(10.0, timeout),
            timeout=timeout,
        )
    except SmarterMailError as error:
        found.problem = str(error)
        return found
    found.endpoint = client.endpoint
    with client:
        try:
            token = str(client.manage_domain(domain)["impersonateAccessToken"])
        except SmarterMailError as error:
            found.problem = "no domain-admin token for %s from %s: %s" % (domain, client.endpoint, error)
            return found
        _read_lists(client, token, found)
        with contextlib.suppress(SmarterMailError):
            client.logout()
    return found


def _read_lists(client: SmarterMailClient, token: str, found: ProtocolMailboxes) -> None:
    for protocol, key in PROTOCOL_LISTS.items():
        path = "settings/domain/%s-mailboxes" % protocol
        try:
            rows = _get(client, path, token).get(key)
        except SmarterMailError as error:
            found.notes.append("GET %s failed (the hook bills it as empty): %s" % (path, error))
            continue
        if isinstance(rows, list):
            found.lists[protocol] = [
                str(row.get("emailAddress") or "") for row in rows if isinstance(row, dict)
            ]
