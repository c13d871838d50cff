"""JSON views of a domain's accounts: users, aliases, forwarding, ActiveSync and MAPI/EWS rows."""

from __future__ import annotations

from smartermail_whmcs.simulator.state import Alias, Domain, User, iso_utc

# account-list-search accountType values (the module's reading: 0 user, 1 domain admin, 4 alias).
ACCOUNT_USER, ACCOUNT_DOMAIN_ADMIN, ACCOUNT_ALIAS = 0, 1, 4


def email_of(domain: Domain, name: str) -> str:
    return f"{name}@{domain.name}"


def _last_login(user: User) -> str | None:
    return iso_utc(user.last_login) if user.last_login is not None else None


def _user_names(domain: Domain, user: User) -> dict[str, object]:
    """The fields that name a user, first in both the user list and the user's own data."""
    return {
        "userName": user.user_name,
        "emailAddress": email_of(domain, user.user_name),
        "fullName": user.full_name,
    }


def list_user(domain: Domain, user: User) -> dict[str, object]:
    return {
        **_user_names(domain, user),
        "securityFlags": {"isDomainAdmin": user.is_domain_admin, "isDisabled": not user.is_enabled},
        "isPrimaryDomainAdmin": user.is_primary_admin,
        "currentMailboxSize": user.mailbox_size,
        "maxMailboxSize": user.max_mailbox_size,
        "lastLoginTime": _last_login(user),
    }


def user_search_row(domain: Domain, user: User) -> dict[str, object]:
    return {
        "userName": user.user_name,
        "displayName": user.full_name or user.user_name,
        "fullName": user.full_name,
        "emailAddress": email_of(domain, user.user_name),
        "accountType": ACCOUNT_DOMAIN_ADMIN if user.is_domain_admin else ACCOUNT_USER,
        "isEnabled": user.is_enabled,
        "totalMailboxSize": user.mailbox_size,
        "lastLogin": _last_login(user),
        "activeSyncEnabled": user.active_sync,
        "mapiEwsEnabled": user.mapi_ews,
    }


def alias_search_row(domain: Domain, alias: Alias) -> dict[str, object]:
    return {
        "userName": alias.name,
        "displayName": alias.display_name or alias.name,
        "fullName": "",
        "emailAddress": email_of(domain, alias.name),
        "accountType": ACCOUNT_ALIAS,
        "isEnabled": True,
        "totalMailboxSize": 0,
        "lastLogin": None,
        "aliasTargetList": list(alias.targets),
    }


def quick_search_row(domain: Domain, user: User) -> dict[str, object]:
    """account-search-quick: the light list with each mailbox's bytes (field names from the module)."""
    return {
        "userName": user.user_name,
        "displayName": user.full_name or user.user_name,
        "emailAddress": email_of(domain, user.user_name),
        "bytesUsed": user.mailbox_size,
        "bytesAllowed": user.max_mailbox_size or None,
        "status": "Enabled" if user.is_enabled else "Disabled",
        "lastLoginTime": _last_login(user),
    }


def user_data(domain: Domain, user: User) -> dict[str, object]:
    return {
        **_user_names(domain, user),
        "maxMailboxSize": user.max_mailbox_size,
        "currentMailboxSize": user.mailbox_size,
        "isPrimaryDomainAdmin": user.is_primary_admin,
        "lastLoginTime": _last_login(user),
        "securityFlags": {
            "isDomainAdmin": user.is_domain_admin,
            "authType": 0,
            "isDisabled": not user.is_enabled,
        },
    }


def user_mail_settings(user: User) -> dict[str, object]:
    return {
        "isEnabled": user.is_enabled,
        "canReceiveMail": user.is_enabled,
        "maxSize": user.max_mailbox_size,
        "totalMailboxSize": user.mailbox_size,
        "enableMailForwarding": bool(user.forwarding.forward_list),
        "enableActiveSync": user.active_sync,
        "enableMapiEws": user.mapi_ews,
    }


def alias_view(alias: Alias) -> dict[str, object]:
    return {
        "name": alias.name,
        "displayName": alias.display_name,
        "allowSending": alias.allow_sending,
        "hideFromGAL": alias.hide_from_gal,
        "internalOnly": alias.internal_only,
        "includeAllDomainUsers": alias.include_all_domain_users,
        "enableForXmpp": alias.enable_for_xmpp,
        "aliasTargetList": list(alias.targets),
    }


def forward_list_view(user: User) -> dict[str, object]:
    forwarding = user.forwarding
    return {
        "forwardList": list(forwarding.forward_list),
        "keepRecipients": forwarding.keep_recipients,
        "deleteOnForward": forwarding.delete_on_forward,
        "spamForwardOption": forwarding.spam_forward_option,
    }


def protocol_mailbox_row(domain: Domain, user: User) -> dict[str, object]:
    """One row of active-sync-mailboxes / mapi-ews-mailboxes (only mailboxes with the protocol on)."""
    return {
        "emailAddress": email_of(domain, user.user_name),
        "displayName": user.full_name or user.user_name,
        "isActive": True,
        "lastSync": None,
    }
