"""System-administrator endpoints under /api/v1/settings/sysadmin/."""

from __future__ import annotations

from smartermail_whmcs.simulator.api_auth import edition_of, session_fields
from smartermail_whmcs.simulator.envelope import ApiError, Call, json_int, ok
from smartermail_whmcs.simulator.names import normalize_domain, normalize_local_part
from smartermail_whmcs.simulator.state import ROLE_DOMAIN_ADMIN, Domain, User
from smartermail_whmcs.simulator.views import (
    BOOL_SETTINGS,
    SETTING_FIELDS,
    STR_SETTINGS,
    domain_data,
    domain_settings,
    list_user,
)

# GUESS: the real code for "license domain limit reached" is unknown.
LICENSE_LIMIT_MESSAGE = "DOMAIN_ADD_ERROR_LICENSE_LIMIT"


def find_domain(call: Call, status: int = 404) -> Domain:
    name = normalize_domain(call.params.get("domain", "")) or call.params.get("domain", "").lower()
    domain = call.state.domains.get(name)
    if domain is None:
        raise ApiError(status, "DOMAIN_NOT_FOUND")
    return domain


def list_domains(call: Call) -> dict[str, object]:
    return ok(data=[domain_data(d) for d in sorted(call.state.domains.values(), key=lambda d: d.name)])


def domain_names(call: Call) -> dict[str, object]:
    return ok(data=sorted(call.state.domains))


def get_domain(call: Call) -> dict[str, object]:
    return ok(domainData=domain_data(find_domain(call)))


def _int_field(data: dict[str, object], key: str, message: str) -> int:
    value = data.get(key, 0)
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ApiError(400, message)
    try:
        number = json_int(value)
    except (TypeError, ValueError):
        raise ApiError(400, message) from None
    if number < -1:
        raise ApiError(400, message)
    return number


def _bool_value(value: object) -> bool:
    # SCP sends "True"/"False" strings; accept them like the real (lenient) binder.
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def domain_put(call: Call) -> dict[str, object]:
    body = call.obj()
    data = body.get("domainData")
    if not isinstance(data, dict):
        raise ApiError(400, "DOMAIN_ADD_ERROR_INVALID_NAME")
    name = normalize_domain(data.get("name"))
    if name is None:
        raise ApiError(400, "DOMAIN_ADD_ERROR_INVALID_NAME")
    state = call.state
    if name in state.domains:
        raise ApiError(400, "DOMAIN_ADD_ERROR_NAME_IN_USE")
    admin_name, admin_password = body.get("adminUsername"), body.get("adminPassword")
    if not admin_name or not admin_password:
        raise ApiError(400, "DOMAIN_ADD_ERROR_ADMIN_REQUIRED")
    local = normalize_local_part(admin_name)
    if local is None or not isinstance(admin_password, str):
        raise ApiError(400, "DOMAIN_ADD_ERROR_INVALID_ADMIN")
    limit = state.runtime.max_domains
    if limit is not None and len(state.domains) >= limit:
        raise ApiError(400, LICENSE_LIMIT_MESSAGE)
    bad = "DOMAIN_ADD_ERROR_INVALID_VALUE"
    path = data.get("path") or f"C:\\SmarterMail\\Domains\\{name}"
    hostname = data.get("hostname") or f"mail.{name}"
    domain = Domain(
        name=name,
        path=str(path),
        hostname=str(hostname),
        is_enabled=_bool_value(data.get("isEnabled", True)),
        user_limit=_int_field(data, "userLimit", bad),
        max_size=_int_field(data, "maxSize", bad),
        alias_limit=_int_field(data, "aliasLimit", bad),
        list_limit=_int_field(data, "listLimit", bad),
    )
    if data.get("outgoingIP"):
        domain.settings["outgoingIP"] = str(data["outgoingIP"])
    domain.users[local] = User(local, admin_password, is_domain_admin=True, is_primary_admin=True)
    state.domains[name] = domain
    return ok()


def get_domain_settings(call: Call) -> dict[str, object]:
    return ok(domainSettings=domain_settings(find_domain(call)))


def apply_settings(domain: Domain, settings: dict[str, object], protected: bool = False) -> None:
    """Merge the given keys; ``protected`` (domain-admin side) ignores limits and isEnabled."""
    for key, value in settings.items():
        attr = SETTING_FIELDS.get(key)
        if attr is None:
            if key != "mainDomainAdmin":
                domain.settings[key] = value
            continue
        if protected:
            continue  # GUESS: a domain admin cannot lift its own limits or re-enable its domain
        if attr in BOOL_SETTINGS:
            setattr(domain, attr, _bool_value(value))
        elif attr in STR_SETTINGS:
            if not isinstance(value, str) or not value:
                raise ApiError(400, "INVALID_INPUT")
            setattr(domain, attr, value)
        else:
            setattr(domain, attr, _int_field({key: value}, key, "INVALID_INPUT"))


def post_domain_settings(call: Call) -> dict[str, object]:
    domain = find_domain(call)
    settings = call.obj().get("domainSettings")
    if not isinstance(settings, dict):
        raise ApiError(400, "INVALID_INPUT")
    apply_settings(domain, settings)
    return ok()


def manage_domain(call: Call) -> dict[str, object]:
    domain = find_domain(call)
    admin = domain.primary_admin()
    if admin is None:
        raise ApiError(400, "INVALID_PERMISSIONS")
    email = f"{admin.user_name}@{domain.name}"
    session = call.state.new_session(email, ROLE_DOMAIN_ADMIN, domain.name, impersonating=True)
    fields = session_fields(session)
    return ok(
        impersonateAccessToken=fields["accessToken"],
        impersonateRefreshToken=fields["refreshToken"],
        impersonateAccessTokenExpiration=fields["accessTokenExpiration"],
        username=admin.user_name,
        email=email,
    )


def domain_delete(call: Call) -> dict[str, object]:
    domain = find_domain(call)
    call.state.domains.pop(domain.name)
    call.state.drop_domain_sessions(domain.name)
    call.state.deleted_files_log.append(
        {"domain": domain.name, "deleteFiles": call.params["files"] == "true"}
    )
    return ok()


def sysadmin_list_users(call: Call) -> dict[str, object]:
    domain = find_domain(call)
    return ok(
        userData=[list_user(domain, u) for u in sorted(domain.users.values(), key=lambda u: u.user_name)]
    )


def system_info(call: Call) -> dict[str, object]:
    # The module guesses these three paths; real servers probably answer 404 (see docs/simulator.md).
    runtime = call.state.runtime
    _, edition_name = edition_of(runtime.max_domains)
    count = len(call.state.domains)
    return ok(
        productVersion=runtime.version,
        version=runtime.version,
        productEdition=edition_name,
        edition=edition_name,
        totalDomains=count,
        domainCount=count,
        hostName="mail.simulator.test",
    )
