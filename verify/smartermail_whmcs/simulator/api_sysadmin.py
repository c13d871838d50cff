"""System-administrator endpoints under /api/v1/settings/sysadmin/."""

from __future__ import annotations

from smartermail_whmcs.simulator.api_auth import edition_of
from smartermail_whmcs.simulator.api_users import users_listing
from smartermail_whmcs.simulator.domain_settings import apply_settings, outgoing_ip
from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import domain_from_path
from smartermail_whmcs.simulator.names import normalize_domain, normalize_local_part
from smartermail_whmcs.simulator.state import Domain, User
from smartermail_whmcs.simulator.values import bool_value, int_value
from smartermail_whmcs.simulator.views import domain_data, domain_settings

# GUESS: the real code for "license domain limit reached" is unknown.
LICENSE_LIMIT_MESSAGE = "DOMAIN_ADD_ERROR_LICENSE_LIMIT"
INVALID_VALUE = "DOMAIN_ADD_ERROR_INVALID_VALUE"


def list_domains(call: Call) -> dict[str, object]:
    return ok(data=[domain_data(d) for d in sorted(call.state.domains.values(), key=lambda d: d.name)])


def domain_names(call: Call) -> dict[str, object]:
    return ok(data=sorted(call.state.domains))


def get_domain(call: Call) -> dict[str, object]:
    return ok(domainData=domain_data(domain_from_path(call)))


def domain_put(call: Call) -> dict[str, object]:
    body = call.obj()
    data = body.get("domainData")
    if not isinstance(data, dict):
        raise ApiError(400, "DOMAIN_ADD_ERROR_INVALID_NAME")
    name = normalize_domain(data.get("name"))
    if name is None:
        raise ApiError(400, "DOMAIN_ADD_ERROR_INVALID_NAME")
    state = call.state
    if state.name_in_use(name):
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
    path = data.get("path") or f"C:\\SmarterMail\\Domains\\{name}"
    hostname = data.get("hostname") or f"mail.{name}"
    domain = Domain(
        name=name,
        path=str(path),
        hostname=str(hostname),
        is_enabled=bool_value(data.get("isEnabled", True), "isEnabled", INVALID_VALUE),
        user_limit=int_value(data.get("userLimit"), "userLimit", INVALID_VALUE),
        max_size=int_value(data.get("maxSize"), "maxSize", INVALID_VALUE),
        alias_limit=int_value(data.get("aliasLimit"), "aliasLimit", INVALID_VALUE),
        list_limit=int_value(data.get("listLimit"), "listLimit", INVALID_VALUE),
    )
    if data.get("outgoingIP"):  # WGS sends it here; the module sends it with domain-settings
        domain.settings["outgoingIP"] = outgoing_ip(data["outgoingIP"])
    domain.users[local] = User(local, admin_password, is_domain_admin=True, is_primary_admin=True)
    state.domains[name] = domain
    return ok()


def get_domain_settings(call: Call) -> dict[str, object]:
    return ok(domainSettings=domain_settings(domain_from_path(call)))


def post_domain_settings(call: Call) -> dict[str, object]:
    apply_settings(domain_from_path(call), call.obj().get("domainSettings"), sysadmin=True)
    return ok()


def domain_delete(call: Call) -> dict[str, object]:
    domain = domain_from_path(call)
    call.state.domains.pop(domain.name)
    call.state.drop_domain_sessions(domain.name)
    call.state.deleted_files_log.append(
        {"domain": domain.name, "deleteFiles": call.params["files"] == "true"}
    )
    return ok()


def sysadmin_list_users(call: Call) -> dict[str, object]:
    return users_listing(domain_from_path(call))


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
