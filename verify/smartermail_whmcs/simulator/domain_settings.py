"""``domainSettings``: the keys SmarterMail knows, their types, and how a write is checked and merged.

Key names come from clients that write them (SolidCP/FuseCP, the Astral 360 module, WGS, CBX; see
docs/simulator.md). A key the server does not know is dropped, as a .NET JSON binder drops an
unknown property (GUESS); the simulator remembers it in ``/__simulator/state`` so a test can see a
misspelt key. A known key with a value of the wrong type refuses the whole write with
``DOMAIN_SETTINGS_ERROR_INVALID_VALUE`` and the key in ``debugInfo`` (the code is a GUESS).
"""

from __future__ import annotations

from smartermail_whmcs.simulator.names import is_ip_address
from smartermail_whmcs.simulator.state import Domain
from smartermail_whmcs.simulator.values import bool_value, int_value, refuse, text_value

INVALID_VALUE = "DOMAIN_SETTINGS_ERROR_INVALID_VALUE"
INVALID_OUTGOING_IP = "DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP"

# domainSettings names that map onto domainData attributes (the two objects name them differently).
MODELLED_INT = {
    "maxUsers": "user_limit",
    "userLimit": "user_limit",
    "maxSize": "max_size",
    "maxAliases": "alias_limit",
    "aliasLimit": "alias_limit",
    "maxLists": "list_limit",
    "listLimit": "list_limit",
}
MODELLED_TEXT = {"hostname": "hostname", "domainPath": "path"}

# Keys stored as given once their type is checked, with what a new domain shows for them.
BOOL_DEFAULTS: dict[str, bool] = {
    "enableMailForwarding": True,
    "enableSmtpAccounts": False,
    "enableActiveSyncAccountManagement": False,
    "enableMapiEwsAccountManagement": False,
    "enableDkimSigningDomainAdmin": True,
    "enableXmpp": False,
    "enableDisposableAddresses": False,
    "enableFileStorage": False,
    "sharedGlobalAddressList": True,
    "showDomainAliasMenu": True,
    "showListMenu": True,
    "showSpamMenu": True,
    "requireSmtpAuthentication": True,
    "bypassForwardBlackList": False,
    "calendarPublicAvailability": False,
    "webConferencing": False,
    "activeDirectoryIntegration": False,
    "customLoginDisplay": False,
    "allowUserSizeChanging": False,
}
INT_DEFAULTS: dict[str, int] = {
    "maxDomainAliases": 0,
    "maxMessageSize": 0,
    "maxRecipients": 0,
    "maxMailboxSize": 0,
    "maxActiveSyncAccounts": 0,
    "maxMapiEwsAccounts": 0,
}
TEXT_DEFAULTS: dict[str, str] = {"outgoingIP": "", "catchAll": "", "listCommandAddress": ""}
OBJECT_KEYS = ("throttleSettings", "blockedCountriesAtAuth", "twoFactorSettings")
READ_ONLY = ("mainDomainAdmin", "domainKeysSettings")

# What a domain admin may not change on its own domain (GUESS: the module switches these with the
# sysadmin token, and a domain admin lifting its own limits would defeat them).
SYSADMIN_ONLY = frozenset(
    {
        "isEnabled",
        *MODELLED_INT,
        "maxDomainAliases",
        "maxActiveSyncAccounts",
        "maxMapiEwsAccounts",
        "enableActiveSyncAccountManagement",
        "enableMapiEwsAccountManagement",
        "enableDkimSigningDomainAdmin",
        "outgoingIP",
        "domainPath",
    }
)


def outgoing_ip(value: object, field: str = "outgoingIP") -> str:
    """ "" (the server's default address) or an IP literal. The module turns its "default" into ""."""
    text = text_value(value, field, INVALID_OUTGOING_IP, limit=64).strip()
    if text and not is_ip_address(text):
        raise refuse(INVALID_OUTGOING_IP, field)
    return text


def setting(domain: Domain, key: str) -> object:
    """The current value of a stored key (its default when never written)."""
    defaults: dict[str, object] = {**BOOL_DEFAULTS, **INT_DEFAULTS, **TEXT_DEFAULTS}
    return domain.settings.get(key, defaults.get(key))


def _checked(key: str, value: object) -> object:
    """The value to store for a known key; ApiError for a value of the wrong type."""
    if key == "isEnabled" or key in BOOL_DEFAULTS:
        return bool_value(value, key, INVALID_VALUE)
    if key in MODELLED_INT or key in INT_DEFAULTS:
        return int_value(value, key, INVALID_VALUE)
    if key == "outgoingIP":
        return outgoing_ip(value)
    if key in MODELLED_TEXT:
        text = text_value(value, key, INVALID_VALUE, limit=260)
        if not text:
            raise refuse(INVALID_VALUE, key)
        return text
    if key in TEXT_DEFAULTS:
        return text_value(value, key, INVALID_VALUE)
    if not isinstance(value, dict):  # OBJECT_KEYS
        raise refuse(INVALID_VALUE, key)
    return value


def apply_settings(domain: Domain, settings: object, sysadmin: bool) -> None:
    """Check every given key, then merge them; a refused write changes nothing."""
    if not isinstance(settings, dict):
        raise refuse("INVALID_INPUT", "domainSettings")
    known = {"isEnabled", *MODELLED_INT, *MODELLED_TEXT, *BOOL_DEFAULTS, *INT_DEFAULTS, *TEXT_DEFAULTS}
    known.update(OBJECT_KEYS)
    accepted: dict[str, object] = {}
    for key, value in settings.items():
        if key in READ_ONLY:
            continue
        if key not in known:
            domain.ignored_settings.add(str(key))
            continue
        if not sysadmin and key in SYSADMIN_ONLY:
            continue
        accepted[key] = _checked(key, value)
    for key, value in accepted.items():
        if key == "isEnabled":
            domain.is_enabled = bool(value)
        elif key in MODELLED_INT:
            setattr(domain, MODELLED_INT[key], value)
        elif key in MODELLED_TEXT:
            setattr(domain, MODELLED_TEXT[key], value)
        else:
            domain.settings[key] = value
