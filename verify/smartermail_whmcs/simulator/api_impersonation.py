"""Impersonation: a sysadmin acting as a domain's admin (manage-domain), or anyone allowed acting as one user.

``manage-domain`` and the domain-admin ``impersonate-user/{user}`` are documented by several
clients. The ``manage-user`` paths and the sysadmin ``impersonate-user/{email}`` are guesses the
module makes in its forwarding fallback; the simulator answers them the same way (GUESS).
"""

from __future__ import annotations

from smartermail_whmcs.simulator.api_auth import session_fields
from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import USER_NOT_FOUND, current_domain, domain_from_path, user_named
from smartermail_whmcs.simulator.names import split_email
from smartermail_whmcs.simulator.state import ROLE_DOMAIN_ADMIN, ROLE_USER, Domain, User
from smartermail_whmcs.simulator.views_accounts import email_of


def _answer(call: Call, domain: Domain, user: User, role: str) -> dict[str, object]:
    email = email_of(domain, user.user_name)
    session = call.state.new_session(email, role, domain.name, impersonating=True)
    fields = session_fields(session)
    return ok(
        impersonateAccessToken=fields["accessToken"],
        impersonateRefreshToken=fields["refreshToken"],
        impersonateAccessTokenExpiration=fields["accessTokenExpiration"],
        username=user.user_name,
        email=email,
    )


def _as_user(call: Call, domain: Domain, user: User) -> dict[str, object]:
    return _answer(call, domain, user, ROLE_DOMAIN_ADMIN if user.is_domain_admin else ROLE_USER)


def manage_domain(call: Call) -> dict[str, object]:
    """A domain-admin token for the domain's primary admin."""
    domain = domain_from_path(call)
    admin = domain.primary_admin()
    if admin is None:
        raise ApiError(400, "INVALID_PERMISSIONS")
    return _answer(call, domain, admin, ROLE_DOMAIN_ADMIN)


def impersonate_user(call: Call) -> dict[str, object]:
    """Domain admin: a token of one of its users, named in the path or as ``{email}`` in the body."""
    domain = current_domain(call)
    return _as_user(call, domain, user_named(domain, call.params.get("user") or call.obj().get("email")))


def sysadmin_impersonate_user(call: Call) -> dict[str, object]:
    """Sysadmin: ``.../{email}`` or ``.../{user}/{domain}`` (GUESS paths the module tries)."""
    if "domain" in call.params:
        domain = domain_from_path(call)
        return _as_user(call, domain, user_named(domain, call.params["user"]))
    parts = split_email(call.params["user"])
    if parts is None:
        raise ApiError(404, USER_NOT_FOUND)
    call.params["domain"] = parts[1]
    domain = domain_from_path(call)
    return _as_user(call, domain, user_named(domain, parts[0]))
