"""Domain-administrator endpoints under /api/v1/settings/domain/ (impersonation or DA login)."""

from __future__ import annotations

import base64
import secrets
import time

from smartermail_whmcs.simulator.api_sysadmin import apply_settings
from smartermail_whmcs.simulator.envelope import ApiError, Call, json_int, ok
from smartermail_whmcs.simulator.names import normalize_local_part
from smartermail_whmcs.simulator.state import Domain, User, iso_utc
from smartermail_whmcs.simulator.views import (
    domain_data,
    domain_settings,
    list_user,
    search_result,
    user_data,
)

DKIM_KEY_SIZES = (1024, 2048, 4096)


def current_domain(call: Call) -> Domain:
    name = call.extras.get("domain")
    domain = call.state.domains.get(str(name))
    if domain is None:
        raise ApiError(404, "DOMAIN_NOT_FOUND")
    return domain


def list_users(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    return ok(
        userData=[list_user(domain, u) for u in sorted(domain.users.values(), key=lambda u: u.user_name)]
    )


def get_data(call: Call) -> dict[str, object]:
    return ok(domainData=domain_data(current_domain(call)))


def get_settings(call: Call) -> dict[str, object]:
    return ok(domainSettings=domain_settings(current_domain(call)))


def post_settings(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    settings = call.obj().get("domainSettings")
    if not isinstance(settings, dict):
        raise ApiError(400, "INVALID_INPUT")
    apply_settings(domain, settings, protected=True)
    return ok()


def account_list_search(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    body = call.obj()
    flags = body.get("searchFlags") or ["users"]
    if not isinstance(flags, list):
        raise ApiError(400, "INVALID_INPUT")
    wanted = {str(flag).lower() for flag in flags}
    users = sorted(domain.users.values(), key=lambda u: u.user_name)
    if not wanted & {"users", "user", "all"}:
        users = []  # aliases and lists are not modelled
    search = body.get("search")
    if isinstance(search, str) and search:
        users = [u for u in users if search.lower() in u.user_name or search.lower() in u.full_name.lower()]
    if body.get("sortDescending"):
        users.reverse()
    try:
        skip = max(0, json_int(body.get("skip") or 0))
        take = json_int(body.get("take") or 100)
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_INPUT") from None
    page = users[skip : skip + max(0, take)]
    return ok(results=[search_result(domain, u) for u in page], resultCount=len(users))


def user_put(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    data = call.obj().get("userData")
    if not isinstance(data, dict):
        raise ApiError(400, "USER_ADD_ERROR_INVALID_NAME")
    raw_name = data.get("userName")
    if isinstance(raw_name, str) and "@" in raw_name:
        raw_name, _, at_domain = raw_name.partition("@")  # SCP sends the full address
        if at_domain.lower() != domain.name:
            raise ApiError(400, "USER_ADD_ERROR_INVALID_NAME")
    name = normalize_local_part(raw_name)
    if name is None:
        raise ApiError(400, "USER_ADD_ERROR_INVALID_NAME")
    if name in domain.users:
        raise ApiError(400, "USER_ADD_ERROR_NAME_IN_USE")
    password = data.get("password")
    if not isinstance(password, str) or not password:
        raise ApiError(400, "USER_ADD_ERROR_PASSWORD_TOO_SHORT")
    if domain.user_limit > 0 and len(domain.users) >= domain.user_limit:
        raise ApiError(400, "USER_ADD_ERROR_LIMIT_REACHED")  # GUESS on the code
    raw_flags = data.get("securityFlags")
    flags = raw_flags if isinstance(raw_flags, dict) else {}
    try:
        max_size = int(data.get("maxMailboxSize") or 0)
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_INPUT") from None
    domain.users[name] = User(
        user_name=name,
        password=password,
        full_name=str(data.get("fullName") or ""),
        is_domain_admin=bool(flags.get("isDomainAdmin", False)),
        max_mailbox_size=max(0, max_size),
    )
    return ok()


def _user_by_email(call: Call) -> tuple[Domain, User]:
    domain = current_domain(call)
    email = call.obj().get("email")
    local, _, at_domain = str(email or "").lower().partition("@")
    user = domain.users.get(local)
    if user is None or (at_domain and at_domain != domain.name):
        raise ApiError(404, "USER_NOT_FOUND")
    return domain, user


def get_user(call: Call) -> dict[str, object]:
    domain, user = _user_by_email(call)
    return ok(userData=user_data(domain, user))


def account_list_delete(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    names = call.obj().get("input")
    if not isinstance(names, list) or not names:
        raise ApiError(400, "INVALID_INPUT")
    locals_ = [str(n).lower().partition("@")[0] for n in names]
    for local in locals_:
        user = domain.users.get(local)
        if user is None:
            raise ApiError(404, "USER_NOT_FOUND")
        if user.is_primary_admin:
            raise ApiError(400, "USER_DELETE_ERROR_PRIMARY_DOMAIN_ADMIN")  # GUESS on the code
    for local in locals_:
        domain.users.pop(local, None)
    return ok()


# -- DKIM (key material is random bytes, not a real RSA key) -----------------------------------
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


def _flag(call: Call, key: str = "force") -> bool:
    return (call.params.get(key) or "false").lower() == "true"


def dkim_enable(call: Call) -> dict[str, object]:
    dkim = current_domain(call).dkim
    if not dkim.public_key:
        dkim.selector, dkim.key_size, dkim.public_key = "smsim", 2048, _fake_key(2048)
    dkim.enabled = True
    dkim.active = dkim.active or _flag(call)
    return ok()


def dkim_disable(call: Call) -> dict[str, object]:
    current_domain(call).dkim.enabled = False
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
        raise ApiError(400, "DKIM_NO_PENDING_ROLLOVER")
    if not _flag(call):
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
        raise ApiError(400, "DKIM_NO_PENDING_ROLLOVER")
    dkim.rollover = None
    return ok()
