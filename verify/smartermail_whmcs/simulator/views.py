"""JSON views of a domain (``domainData``, ``domainSettings``), shared by both API sides."""

from __future__ import annotations

from smartermail_whmcs.simulator.domain_settings import BOOL_DEFAULTS, INT_DEFAULTS, TEXT_DEFAULTS
from smartermail_whmcs.simulator.state import Domain

MB = 1024 * 1024
# DKIM signing options a domainKeysSettings object carries beside the keys (names from CBX; values GUESS).
DKIM_SIGNING_OPTIONS: dict[str, object] = {
    "dkimCanonicalizationAlgorithmBody": "relaxed",
    "dkimCanonicalizationAlgorithmHeader": "relaxed",
    "dkimHeaderFieldOption": "include",
    "dkimHeaderFields": ["From", "To", "Subject", "Date", "Message-ID"],
    "maxMessageSign": 0,
}


def domain_data(domain: Domain) -> dict[str, object]:
    """The ``domainData`` object (SCP's field set plus ``diskUsage``, which the module reads)."""
    admin = domain.primary_admin()
    size = domain.disk_usage
    return {
        "name": domain.name,
        "hostname": domain.hostname,
        "path": domain.path,
        "isEnabled": domain.is_enabled,
        "status": "Enabled" if domain.is_enabled else "Disabled",
        "userCount": len(domain.users),
        "userLimit": domain.user_limit,
        "aliasCount": len(domain.aliases),
        "aliasLimit": domain.alias_limit,
        "domainAliasCount": len(domain.domain_aliases),
        "listCount": 0,
        "listLimit": domain.list_limit,
        "maxSize": domain.max_size,
        "diskUsage": size,
        "size": size,
        "sizeMb": round(size / MB, 2),
        "fileStorageSize": 0,
        "fileStorageSizeMb": 0.0,
        "mainDomainAdmin": admin.user_name if admin else "",
        "outgoingIP": domain.settings.get("outgoingIP", TEXT_DEFAULTS["outgoingIP"]),
    }


def domain_keys_settings(domain: Domain) -> dict[str, object]:
    """DKIM as ``domainSettings.domainKeysSettings``: the signing key at the top, a waiting key in ``pending``.

    A key made by ``dkim-enable`` stays pending until it is verified or forced active; a rollover
    key is pending beside an active one.
    """
    dkim = domain.dkim
    active = bool(dkim.public_key) and dkim.active
    waiting: dict[str, object] | None = None
    if dkim.rollover is not None:
        waiting = {key: dkim.rollover[key] for key in ("selector", "publicKey", "keySize")}
    elif dkim.public_key and not dkim.active:
        waiting = {"selector": dkim.selector, "publicKey": dkim.public_key, "keySize": dkim.key_size}
    return {
        "enabled": dkim.enabled,
        "isActive": active,
        "selector": dkim.selector if active else "",
        "publicKey": dkim.public_key if active else "",
        "keySize": dkim.key_size if active else 0,
        "pending": waiting,
        **DKIM_SIGNING_OPTIONS,
    }


def domain_settings(domain: Domain) -> dict[str, object]:
    """The ``domainSettings`` object: defaults, stored keys, then the modelled ones."""
    admin = domain.primary_admin()
    return {
        **BOOL_DEFAULTS,
        **INT_DEFAULTS,
        **TEXT_DEFAULTS,
        **domain.settings,
        "isEnabled": domain.is_enabled,
        "maxUsers": domain.user_limit,
        "maxSize": domain.max_size,
        "maxAliases": domain.alias_limit,
        "maxLists": domain.list_limit,
        "hostname": domain.hostname,
        "domainPath": domain.path,
        "mainDomainAdmin": admin.user_name if admin else "",
        "domainKeysSettings": domain_keys_settings(domain),
    }
