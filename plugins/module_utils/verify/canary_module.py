# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module sends and reads in the calls the canary replays (module-api-calls.md 2.2, 3.1, 3.5).

Facts about the module v1.1.0 (smartermail.php CreateAccount and UsageUpdate, SmarterMailApi.php),
in our words: the bodies of domain-put and domain-settings, where it looks for a DKIM key, and how
it turns the domain's disk usage into the figure UsageUpdate returns.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import CreateOptions

DKIM_KEY_BITS = 2048  # dkim-create-rollover/2048
GIB = 1024**3


def domain_put_body(
    name: str, admin: str, password: str, path: str, options: CreateOptions
) -> Dict[str, Any]:
    """POST settings/sysadmin/domain-put: the hidden admin and the domain; limits 0 but the user limit."""
    return {
        "adminUsername": admin,
        "adminPassword": password,
        "deliverLocallyForExternalDomain": False,
        "domainLocation": 0,
        "domainLocationAddress": "",
        "domainData": {
            "name": name,
            "hostname": "mail." + name,
            "userLimit": options.user_limit,
            "maxSize": 0,
            "aliasLimit": 0,
            "listLimit": 0,
            "path": path,
        },
    }


def domain_settings_body(options: CreateOptions) -> Dict[str, Any]:
    """POST settings/sysadmin/domain-settings/{domain} right after domain-put (the outgoing IP goes here)."""
    return {
        "domainSettings": {
            "isEnabled": True,
            "enableMailForwarding": True,
            "enableSmtpAccounts": True,
            "enableActiveSyncAccountManagement": options.eas_management,
            "enableMapiEwsAccountManagement": options.mapi_management,
            "outgoingIP": options.outgoing_ip,
        }
    }


def dkim_key(payload: Any) -> Optional[str]:
    """Which DKIM key the module finds in GET settings/domain/domain: 'active key', 'pending key' or None.

    Both publicKey and selector must be non-empty, first in domainKeysSettings, then in its pending object.
    """
    settings = payload.get("domainSettings") if isinstance(payload, dict) else None
    keys = settings.get("domainKeysSettings") if isinstance(settings, dict) else None
    if not isinstance(keys, dict):
        return None
    if keys.get("publicKey") and keys.get("selector"):
        return "active key"
    pending = keys.get("pending")
    if isinstance(pending, dict) and pending.get("publicKey") and pending.get("selector"):
        return "pending key"
    return None


def module_megabytes(size_bytes: Any) -> str:
    """What the module's UsageUpdate reports as diskusage: bytes to GB rounded to 4 places, then MB to 2."""
    gigabytes = (Decimal(str(size_bytes)) / GIB).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return str((gigabytes * 1024).quantize(Decimal("0.01"), ROUND_HALF_UP))
