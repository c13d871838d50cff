"""Mailbox forwarding (``mailboxForwardList``): the domain admin's calls and the mailbox's own.

Spam options are the four the module offers. A non-empty list needs the domain's
``enableMailForwarding``. The refusal codes are GUESSES.
"""

from __future__ import annotations

from smartermail_whmcs.simulator.domain_settings import setting
from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import current_domain, user_in_body, user_named
from smartermail_whmcs.simulator.state import Domain, Forwarding, User
from smartermail_whmcs.simulator.values import address_list, bool_value, refuse
from smartermail_whmcs.simulator.views_accounts import forward_list_view

SPAM_OPTIONS = ("None", "Delete", "MoveToJunk", "NoProcessing")
INVALID_ADDRESS = "FORWARD_LIST_ERROR_INVALID_ADDRESS"
INVALID_SPAM_OPTION = "FORWARD_LIST_ERROR_INVALID_SPAM_OPTION"
FORWARDING_DISABLED = "MAIL_FORWARDING_DISABLED"


def _spam_option(value: object) -> str:
    for option in SPAM_OPTIONS:
        if isinstance(value, str) and value.strip().lower() == option.lower():
            return option
    raise refuse(INVALID_SPAM_OPTION, "spamForwardOption")


def _store(domain: Domain, user: User, data: object) -> None:
    """Merge the given ``mailboxForwardList`` fields into the user's forwarding, all checked first."""
    if not isinstance(data, dict):
        raise refuse("INVALID_INPUT", "mailboxForwardList")
    current = user.forwarding
    updated = Forwarding(
        forward_list=address_list(data["forwardList"], "forwardList", INVALID_ADDRESS)
        if "forwardList" in data
        else list(current.forward_list),
        keep_recipients=bool_value(data.get("keepRecipients", current.keep_recipients), "keepRecipients"),
        delete_on_forward=bool_value(
            data.get("deleteOnForward", current.delete_on_forward), "deleteOnForward"
        ),
        spam_forward_option=_spam_option(data.get("spamForwardOption", current.spam_forward_option)),
    )
    if updated.forward_list and not setting(domain, "enableMailForwarding"):
        raise ApiError(400, FORWARDING_DISABLED)
    user.forwarding = updated


def get_forward_list(call: Call) -> dict[str, object]:
    """POST get-mailbox-forward-list ``{email}`` (the module's read)."""
    _, user = user_in_body(call)
    return ok(mailboxForwardList=forward_list_view(user))


def get_forward_list_by_path(call: Call) -> dict[str, object]:
    """GET mailbox-forward-list/{email} (how SolidCP and CBX read it)."""
    user = user_named(current_domain(call), call.params["email"])
    return ok(mailboxForwardList=forward_list_view(user))


def post_forward_list(call: Call) -> dict[str, object]:
    domain, user = user_in_body(call)
    _store(domain, user, call.obj().get("mailboxForwardList"))
    return ok()


def _own_mailbox(call: Call) -> tuple[Domain, User]:
    assert call.session is not None
    domain = current_domain(call)
    return domain, user_named(domain, call.session.username)


def get_own_forward_list(call: Call) -> dict[str, object]:
    """GET settings/mailbox-forward-list with the mailbox's own (or an impersonation) token."""
    _, user = _own_mailbox(call)
    return ok(mailboxForwardList=forward_list_view(user))


def post_own_forward_list(call: Call) -> dict[str, object]:
    domain, user = _own_mailbox(call)
    _store(domain, user, call.obj().get("mailboxForwardList"))
    return ok()
