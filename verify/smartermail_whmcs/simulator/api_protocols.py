"""ActiveSync and MAPI/EWS mailbox lists and their patch calls under /api/v1/settings/domain/.

Both protocols are licensed per mailbox. A list holds only the mailboxes with the protocol on. A
patch needs the domain's account-management switch (the module turns it on with the sysadmin token
first); the refusal codes are GUESSES.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartermail_whmcs.simulator.domain_settings import setting
from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import current_domain, user_named
from smartermail_whmcs.simulator.state import User
from smartermail_whmcs.simulator.values import bool_value, refuse
from smartermail_whmcs.simulator.views_accounts import protocol_mailbox_row


@dataclass(frozen=True)
class Protocol:
    attribute: str  # the User flag
    list_key: str
    management_key: str
    limit_key: str
    code: str


PROTOCOLS = {
    "active-sync": Protocol(
        "active_sync",
        "activeSyncAccounts",
        "enableActiveSyncAccountManagement",
        "maxActiveSyncAccounts",
        "ACTIVESYNC",
    ),
    "mapi-ews": Protocol(
        "mapi_ews", "mapiEwsAccounts", "enableMapiEwsAccountManagement", "maxMapiEwsAccounts", "MAPI_EWS"
    ),
}


def _protocol(call: Call) -> Protocol:
    return PROTOCOLS[call.params["protocol"].lower()]


def list_mailboxes(call: Call) -> dict[str, object]:
    domain, protocol = current_domain(call), _protocol(call)
    users = sorted(domain.users.values(), key=lambda u: u.user_name)
    rows = [protocol_mailbox_row(domain, u) for u in users if getattr(u, protocol.attribute)]
    return ok(**{protocol.list_key: rows})


def patch_mailboxes(call: Call) -> dict[str, object]:
    """Body: a JSON array of ``{emailAddress, isActive}``; checked in full before anything changes."""
    domain, protocol = current_domain(call), _protocol(call)
    if not isinstance(call.body, list) or not call.body:
        raise refuse("INVALID_INPUT", "body")
    if not setting(domain, protocol.management_key):
        raise ApiError(403, f"{protocol.code}_ACCOUNT_MANAGEMENT_DISABLED")
    wanted: dict[str, tuple[User, bool]] = {}
    for item in call.body:
        if not isinstance(item, dict):
            raise refuse("INVALID_INPUT", "body")
        user = user_named(domain, item.get("emailAddress"))
        wanted[user.user_name] = (user, bool_value(item.get("isActive"), "isActive"))
    after = {u.user_name for u in domain.users.values() if getattr(u, protocol.attribute)}
    for name, (_, active) in wanted.items():
        (after.add if active else after.discard)(name)
    limit = setting(domain, protocol.limit_key)
    if isinstance(limit, int) and limit > 0 and len(after) > limit:
        raise ApiError(400, f"{protocol.code}_LIMIT_REACHED")
    for user, active in wanted.values():
        setattr(user, protocol.attribute, active)
    return ok()
