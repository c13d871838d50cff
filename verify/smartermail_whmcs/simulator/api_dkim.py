"""DKIM under /api/v1/settings/domain/ (key material is random bytes, not a real RSA key).

``dkim-enable`` makes a pending key when there is none; ``dkim-disable`` stops signing and drops
any pending key (CBX's description of the vendor reference). The simulator sees no DNS, so an
unforced verification never succeeds.
"""

from __future__ import annotations

import base64
import secrets
import time

from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import current_domain
from smartermail_whmcs.simulator.state import Domain, iso_utc

DKIM_KEY_SIZES = (1024, 2048, 4096)
NO_PENDING_ROLLOVER = "DKIM_NO_PENDING_ROLLOVER"


def _fake_key(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size // 8 + 38)).decode("ascii")


def _dkim_view(domain: Domain) -> dict[str, object]:
    dkim = domain.dkim
    selector = dkim.selector or ""
    return {
        "enabled": dkim.enabled,
        "status": "active" if dkim.active else ("pending" if dkim.public_key else "none"),
        "selector": selector,
        "keySize": dkim.key_size,
        "publicKey": dkim.public_key or "",
        "txtRecord": f"v=DKIM1; k=rsa; p={dkim.public_key}" if dkim.public_key else "",
        "dnsHostname": f"{selector}._domainkey.{domain.name}" if selector else "",
        "rollover": dict(dkim.rollover) if dkim.rollover else None,
    }


def dkim_settings(call: Call) -> dict[str, object]:
    return ok(dkimSettings=_dkim_view(current_domain(call)))


def dkim_get(call: Call) -> dict[str, object]:
    return ok(dkim=_dkim_view(current_domain(call)))


def _forced(call: Call) -> bool:
    return (call.params.get("force") or "false").lower() == "true"


def dkim_enable(call: Call) -> dict[str, object]:
    dkim = current_domain(call).dkim
    if not dkim.public_key:
        dkim.selector, dkim.key_size, dkim.public_key = "smsim", 2048, _fake_key(2048)
    dkim.enabled = True
    dkim.active = dkim.active or _forced(call)
    return ok()


def dkim_disable(call: Call) -> dict[str, object]:
    dkim = current_domain(call).dkim
    dkim.enabled = False
    dkim.rollover = None
    if not dkim.active:
        dkim.selector, dkim.key_size, dkim.public_key = None, 0, None
    return ok()


def dkim_create_rollover(call: Call) -> dict[str, object]:
    dkim = current_domain(call).dkim
    size = int(call.params["size"])
    if size not in DKIM_KEY_SIZES:
        raise ApiError(400, "DKIM_INVALID_KEY_SIZE")
    rollover = {
        "selector": f"smsim{int(time.time())}",
        "keySize": size,
        "publicKey": _fake_key(size),
        "nextCheckUtc": iso_utc(time.time() + 3600),
    }
    dkim.rollover = rollover
    return ok(**rollover)


def dkim_verify_rollover(call: Call) -> dict[str, object]:
    dkim = current_domain(call).dkim
    if dkim.rollover is None:
        raise ApiError(400, NO_PENDING_ROLLOVER)
    if not _forced(call):
        # No DNS is reachable from the simulator, so an unforced check never validates.
        raise ApiError(400, "DKIM_ROLLOVER_DNS_NOT_VERIFIED")
    dkim.selector = str(dkim.rollover["selector"])
    dkim.key_size = int(dkim.rollover["keySize"])  # type: ignore[call-overload]
    dkim.public_key = str(dkim.rollover["publicKey"])
    dkim.rollover = None
    dkim.enabled = dkim.active = True
    return ok()


def dkim_delete_rollover(call: Call) -> dict[str, object]:
    dkim = current_domain(call).dkim
    if dkim.rollover is None:
        raise ApiError(400, NO_PENDING_ROLLOVER)
    dkim.rollover = None
    return ok()
