"""Route table for /api/v1 and the authentication / role checks in front of it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from smartermail_whmcs.simulator import api_auth, api_domain, api_sysadmin
from smartermail_whmcs.simulator.envelope import ApiError, Call
from smartermail_whmcs.simulator.state import ROLE_DOMAIN_ADMIN, ROLE_SYSADMIN

NONE, ANY, SYSADMIN, DOMAIN = "none", "any", "sysadmin", "domain"
Handler = Callable[[Call], dict[str, object]]
_SEG = r"(?P<domain>[^/]+)"
_BOOL = r"(?:/(?P<force>true|false))?"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    auth: str
    handler: Handler


def _r(method: str, path: str, auth: str, handler: Handler) -> Route:
    return Route(method, re.compile(f"^{path}$", re.IGNORECASE), auth, handler)


SA = "settings/sysadmin/"
DA = "settings/domain/"
ROUTES: tuple[Route, ...] = (
    _r("GET", "auth/login-settings", NONE, api_auth.login_settings),
    _r("GET", "licensing/about", NONE, api_auth.licensing_about),
    _r("POST", "auth/authenticate-user", NONE, api_auth.authenticate_user),
    _r("POST", "auth/refresh-token", NONE, api_auth.refresh_token),
    _r("POST", "auth/logout-user", ANY, api_auth.logout_user),
    _r("POST", "auth/retrieve-login-token", SYSADMIN, api_auth.retrieve_login_token),
    _r("GET", SA + "domains", SYSADMIN, api_sysadmin.list_domains),
    _r("GET", SA + "domain-names", SYSADMIN, api_sysadmin.domain_names),
    _r("GET", SA + "domain/" + _SEG, SYSADMIN, api_sysadmin.get_domain),
    _r("POST", SA + "domain-put", SYSADMIN, api_sysadmin.domain_put),
    _r("GET", SA + "domain-settings/" + _SEG, SYSADMIN, api_sysadmin.get_domain_settings),
    _r("POST", SA + "domain-settings/" + _SEG, SYSADMIN, api_sysadmin.post_domain_settings),
    _r("POST", SA + "manage-domain/" + _SEG, SYSADMIN, api_sysadmin.manage_domain),
    _r("POST", SA + "domain-delete/" + _SEG + "/(?P<files>true|false)", SYSADMIN, api_sysadmin.domain_delete),
    _r("GET", SA + "list-users/" + _SEG, SYSADMIN, api_sysadmin.sysadmin_list_users),
    _r("GET", SA + "(?:system-info|sysadmin-info|server-settings)", SYSADMIN, api_sysadmin.system_info),
    _r("GET", DA + "list-users", DOMAIN, api_domain.list_users),
    _r("GET", DA + "data", DOMAIN, api_domain.get_data),
    _r("GET", DA + "domain", DOMAIN, api_domain.get_settings),
    _r("POST", DA + "domain", DOMAIN, api_domain.post_settings),
    _r("POST", DA + "account-list-search", DOMAIN, api_domain.account_list_search),
    _r("POST", DA + "user-put", DOMAIN, api_domain.user_put),
    _r("POST", DA + "get-user", DOMAIN, api_domain.get_user),
    _r("POST", DA + "account-list-delete", DOMAIN, api_domain.account_list_delete),
    _r("GET", DA + "dkim-settings", DOMAIN, api_domain.dkim_settings),
    _r("GET", DA + "dkim", DOMAIN, api_domain.dkim_get),
    _r("POST", DA + "dkim-enable" + _BOOL, DOMAIN, api_domain.dkim_enable),
    _r("POST", DA + "dkim-disable", DOMAIN, api_domain.dkim_disable),
    _r("POST", DA + "dkim-create-rollover/(?P<size>[0-9]{1,5})", DOMAIN, api_domain.dkim_create_rollover),
    _r("POST", DA + "dkim-verify-rollover" + _BOOL, DOMAIN, api_domain.dkim_verify_rollover),
    _r("POST", DA + "dkim-delete-rollover", DOMAIN, api_domain.dkim_delete_rollover),
)


def api_relative(path: str) -> str | None:
    """``/api/v1//settings/x/`` -> ``settings/x`` (double and trailing slashes tolerated)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0].lower() != "api" or parts[1].lower() != "v1":
        return None
    return "/".join(parts[2:])


def find_route(method: str, relative: str) -> tuple[Route, dict[str, str]]:
    """The route and its decoded path parameters; ApiError 404/405 when none fits."""
    path_matched = False
    for route in ROUTES:
        match = route.pattern.match(relative)
        if not match:
            continue
        path_matched = True
        if route.method == method:
            params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
            return route, params
    if path_matched:
        raise ApiError(405, "METHOD_NOT_ALLOWED")
    raise ApiError(404, "NOT_FOUND")


def refine_not_found(call: Call, relative: str, error: ApiError) -> ApiError:
    """Any settings/sysadmin/* path answers 403 to a valid non-sysadmin token, even unknown ones."""
    if error.status == 404 and relative.lower().startswith(SA):
        scheme, _, token = call.headers.get("authorization", "").partition(" ")
        session = call.state.sessions_by_access.get(token.strip()) if scheme.lower() == "bearer" else None
        if session and session.expires_at > time.time() and session.role != ROLE_SYSADMIN:
            return ApiError(403, "ACCESS_DENIED")
    return error


def authorize(call: Call, route: Route) -> None:
    """Attach the session and domain context, or raise 401 / 403 (state lock held)."""
    if route.auth == NONE:
        return
    header = call.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "AUTHORIZATION_REQUIRED")
    session = call.state.sessions_by_access.get(token.strip())
    if session is None:
        raise ApiError(401, "INVALID_TOKEN")
    if session.expires_at <= time.time():
        raise ApiError(401, "TOKEN_EXPIRED")
    call.session = session
    if route.auth == SYSADMIN and session.role != ROLE_SYSADMIN:
        raise ApiError(403, "ACCESS_DENIED")
    if route.auth == DOMAIN:
        if session.role == ROLE_DOMAIN_ADMIN and session.domain:
            call.extras["domain"] = session.domain
        elif session.role == ROLE_SYSADMIN and call.headers.get("x-smartermaildomain"):
            # A sysadmin may act on a domain by naming it in this header (seen in one capture).
            call.extras["domain"] = call.headers["x-smartermaildomain"].strip().lower()
        else:
            raise ApiError(403, "ACCESS_DENIED")
