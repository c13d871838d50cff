"""Route table for /api/v1 and the authentication / role checks in front of it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from smartermail_whmcs.simulator import (
    api_aliases,
    api_auth,
    api_dkim,
    api_domain,
    api_domain_aliases,
    api_forwarding,
    api_impersonation,
    api_protocols,
    api_sysadmin,
    api_users,
)
from smartermail_whmcs.simulator.envelope import ApiError, Call
from smartermail_whmcs.simulator.state import ROLE_DOMAIN_ADMIN, ROLE_SYSADMIN, ROLE_USER

# Who may call a route: anyone, any session, a sysadmin, a domain admin (the domain comes from the
# token), or a mailbox acting as itself (its own login or an impersonation token).
NONE, ANY, SYSADMIN, DOMAIN, MAILBOX = "none", "any", "sysadmin", "domain", "mailbox"
Handler = Callable[[Call], dict[str, object]]
_SEG = r"(?P<domain>[^/]+)"
_NAME = r"(?P<name>[^/]+)"
_BOOL = r"(?:/(?P<force>true|false))?"
_PROTOCOL = r"(?P<protocol>active-sync|mapi-ews)"


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
    # sysadmin: domains
    _r("GET", SA + "domains", SYSADMIN, api_sysadmin.list_domains),
    _r("GET", SA + "domain-names", SYSADMIN, api_sysadmin.domain_names),
    _r("GET", SA + "domain/" + _SEG, SYSADMIN, api_sysadmin.get_domain),
    _r("POST", SA + "domain-put", SYSADMIN, api_sysadmin.domain_put),
    _r("GET", SA + "domain-settings/" + _SEG, SYSADMIN, api_sysadmin.get_domain_settings),
    _r("POST", SA + "domain-settings/" + _SEG, SYSADMIN, api_sysadmin.post_domain_settings),
    _r("POST", SA + "domain-delete/" + _SEG + "/(?P<files>true|false)", SYSADMIN, api_sysadmin.domain_delete),
    _r("GET", SA + "list-users/" + _SEG, SYSADMIN, api_sysadmin.sysadmin_list_users),
    _r("GET", SA + "(?:system-info|sysadmin-info|server-settings)", SYSADMIN, api_sysadmin.system_info),
    # impersonation
    _r("POST", SA + "manage-domain/" + _SEG, SYSADMIN, api_impersonation.manage_domain),
    _r(
        "POST",
        SA + "(?:manage-user|impersonate-user)/(?P<user>[^/]+)",
        SYSADMIN,
        api_impersonation.sysadmin_impersonate_user,
    ),
    _r(
        "POST",
        SA + "manage-user/(?P<user>[^/]+)/" + _SEG,
        SYSADMIN,
        api_impersonation.sysadmin_impersonate_user,
    ),
    _r(
        "POST",
        DA + "(?:impersonate-user|manage-user)(?:/(?P<user>[^/]+))?",
        DOMAIN,
        api_impersonation.impersonate_user,
    ),
    # domain admin: the domain
    _r("GET", DA + "data", DOMAIN, api_domain.get_data),
    _r("GET", DA + "domain", DOMAIN, api_domain.get_settings),
    _r("POST", DA + "domain", DOMAIN, api_domain.post_settings),
    # domain admin: users
    _r("GET", DA + "list-users", DOMAIN, api_users.list_users),
    _r("POST", DA + "account-list-search", DOMAIN, api_users.account_list_search),
    _r("POST", DA + "account-search-quick", DOMAIN, api_users.account_search_quick),
    _r("POST", DA + "get-user", DOMAIN, api_users.get_user),
    _r("POST", DA + "get-user-mail", DOMAIN, api_users.get_user_mail),
    _r("POST", DA + "user-put", DOMAIN, api_users.user_put),
    _r("POST", DA + "post-user", DOMAIN, api_users.post_user),
    _r("POST", DA + "account-list-delete", DOMAIN, api_users.account_list_delete),
    # domain admin: aliases
    _r("GET", DA + "alias/" + _NAME, DOMAIN, api_aliases.get_alias),
    _r("POST", DA + "alias-put", DOMAIN, api_aliases.alias_put),
    _r("POST", DA + "alias", DOMAIN, api_aliases.alias_update),
    _r("POST", DA + "alias-delete/" + _NAME, DOMAIN, api_aliases.alias_delete),
    # domain admin: ActiveSync and MAPI/EWS
    _r("GET", DA + _PROTOCOL + "-mailboxes", DOMAIN, api_protocols.list_mailboxes),
    _r("POST", DA + _PROTOCOL + "-mailboxes-patch", DOMAIN, api_protocols.patch_mailboxes),
    # forwarding
    _r("POST", DA + "get-mailbox-forward-list", DOMAIN, api_forwarding.get_forward_list),
    _r("GET", DA + "mailbox-forward-list/(?P<email>[^/]+)", DOMAIN, api_forwarding.get_forward_list_by_path),
    _r("POST", DA + "post-mailbox-forward-list", DOMAIN, api_forwarding.post_forward_list),
    _r("GET", "settings/mailbox-forward-list", MAILBOX, api_forwarding.get_own_forward_list),
    _r("POST", "settings/mailbox-forward-list", MAILBOX, api_forwarding.post_own_forward_list),
    # domain admin: domain aliases
    _r("GET", DA + "domain-aliases", DOMAIN, api_domain_aliases.list_domain_aliases),
    _r(
        "POST",
        DA + "domain-alias-put/" + _NAME + "(?:/(?P<check>true|false))?",
        DOMAIN,
        api_domain_aliases.add_domain_alias,
    ),
    _r("POST", DA + "domain-alias-delete/" + _NAME, DOMAIN, api_domain_aliases.delete_domain_alias),
    # domain admin: DKIM
    _r("GET", DA + "dkim-settings", DOMAIN, api_dkim.dkim_settings),
    _r("GET", DA + "dkim", DOMAIN, api_dkim.dkim_get),
    _r("POST", DA + "dkim-enable" + _BOOL, DOMAIN, api_dkim.dkim_enable),
    _r("POST", DA + "dkim-disable", DOMAIN, api_dkim.dkim_disable),
    _r("POST", DA + "dkim-create-rollover/(?P<size>[0-9]{1,5})", DOMAIN, api_dkim.dkim_create_rollover),
    _r("POST", DA + "dkim-verify-rollover" + _BOOL, DOMAIN, api_dkim.dkim_verify_rollover),
    _r("POST", DA + "dkim-delete-rollover", DOMAIN, api_dkim.dkim_delete_rollover),
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
    if route.auth == MAILBOX:
        if session.role not in (ROLE_DOMAIN_ADMIN, ROLE_USER) or not session.domain:
            raise ApiError(403, "ACCESS_DENIED")
        call.extras["domain"] = session.domain
