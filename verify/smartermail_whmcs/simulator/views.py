"""JSON views of domains and users, shared by the sysadmin and domain-admin endpoints."""

from __future__ import annotations

from smartermail_whmcs.simulator.state import Domain, User

MB = 1024 * 1024


def domain_data(domain: Domain) -> dict[str, object]:
    """The ``domainData`` object (SCP's field set plus ``diskUsage``, which the module reads)."""
    admin = domain.primary_admin()
    return {
        "name": domain.name,
        "hostname": domain.hostname,
        "path": domain.path,
        "isEnabled": domain.is_enabled,
        "status": "Enabled" if domain.is_enabled else "Disabled",
        "userCount": len(domain.users),
        "userLimit": domain.user_limit,
        "aliasCount": 0,
        "aliasLimit": domain.alias_limit,
        "domainAliasCount": 0,
        "listCount": 0,
        "listLimit": domain.list_limit,
        "maxSize": domain.max_size,
        "diskUsage": domain.disk_usage,
        "size": domain.disk_usage,
        "sizeMb": round(domain.disk_usage / MB, 2),
        "fileStorageSize": 0,
        "fileStorageSizeMb": 0.0,
        "mainDomainAdmin": admin.user_name if admin else "",
        "outgoingIP": domain.settings.get("outgoingIP", "default"),
    }


# domainSettings names that map onto domainData fields (names differ between the two objects).
SETTING_FIELDS = {
    "isEnabled": "is_enabled",
    "maxUsers": "user_limit",
    "userLimit": "user_limit",
    "maxSize": "max_size",
    "maxAliases": "alias_limit",
    "aliasLimit": "alias_limit",
    "maxLists": "list_limit",
    "listLimit": "list_limit",
    "hostname": "hostname",
    "domainPath": "path",
}
BOOL_SETTINGS = {"is_enabled"}
STR_SETTINGS = {"hostname", "path"}


def domain_settings(domain: Domain) -> dict[str, object]:
    """The ``domainSettings`` object: stored extra keys plus the modelled ones."""
    admin = domain.primary_admin()
    return {
        "maxDomainAliases": 0,
        "maxMessageSize": 0,
        "maxRecipients": 0,
        "enableMailForwarding": True,
        "enableSmtpAccounts": False,
        "enableActiveSyncAccountManagement": False,
        "enableMapiEwsAccountManagement": False,
        "maxActiveSyncAccounts": 0,
        "maxMapiEwsAccounts": 0,
        "outgoingIP": "default",
        **domain.settings,
        "isEnabled": domain.is_enabled,
        "maxUsers": domain.user_limit,
        "maxSize": domain.max_size,
        "maxAliases": domain.alias_limit,
        "maxLists": domain.list_limit,
        "hostname": domain.hostname,
        "domainPath": domain.path,
        "mainDomainAdmin": admin.user_name if admin else "",
    }


def _user_names(domain: Domain, user: User) -> dict[str, object]:
    """The fields that name a user, first in both the user list and the user's own data."""
    return {
        "userName": user.user_name,
        "emailAddress": f"{user.user_name}@{domain.name}",
        "fullName": user.full_name,
    }


def list_user(domain: Domain, user: User) -> dict[str, object]:
    return {
        **_user_names(domain, user),
        "securityFlags": {"isDomainAdmin": user.is_domain_admin, "isDisabled": not user.is_enabled},
        "isPrimaryDomainAdmin": user.is_primary_admin,
        "currentMailboxSize": user.mailbox_size,
        "maxMailboxSize": user.max_mailbox_size,
        "lastLoginTime": None,
    }


def search_result(domain: Domain, user: User) -> dict[str, object]:
    return {
        "userName": user.user_name,
        "displayName": user.full_name or user.user_name,
        "fullName": user.full_name,
        "emailAddress": f"{user.user_name}@{domain.name}",
        "accountType": 1 if user.is_domain_admin else 0,
        "isEnabled": user.is_enabled,
        "totalMailboxSize": user.mailbox_size,
        "lastLogin": None,
    }


def user_data(domain: Domain, user: User) -> dict[str, object]:
    return {
        **_user_names(domain, user),
        "maxMailboxSize": user.max_mailbox_size,
        "isPrimaryDomainAdmin": user.is_primary_admin,
        "securityFlags": {
            "isDomainAdmin": user.is_domain_admin,
            "authType": 0,
            "isDisabled": not user.is_enabled,
        },
    }
