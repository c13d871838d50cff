"""Finding the domain, user or alias a request names; 404 with SmarterMail-style codes when absent."""

from __future__ import annotations

from smartermail_whmcs.simulator.envelope import ApiError, Call
from smartermail_whmcs.simulator.names import normalize_domain
from smartermail_whmcs.simulator.state import Alias, Domain, User

USER_NOT_FOUND = "USER_NOT_FOUND"
ALIAS_NOT_FOUND = "ALIAS_NOT_FOUND"  # GUESS: the real code for an unknown alias is undocumented


def domain_from_path(call: Call) -> Domain:
    """The domain named by the ``{domain}`` path segment (sysadmin routes)."""
    domain = call.state.domain_named(call.params.get("domain", ""))
    if domain is None:
        raise ApiError(404, "DOMAIN_NOT_FOUND")
    return domain


def current_domain(call: Call) -> Domain:
    """The domain of the caller's token (domain-admin routes)."""
    domain = call.state.domains.get(str(call.extras.get("domain")))
    if domain is None:
        raise ApiError(404, "DOMAIN_NOT_FOUND")
    return domain


def local_part_in(domain: Domain, address: object) -> str:
    """``jane`` or ``jane@<this domain>`` -> ``jane``; another domain's address -> ``""``."""
    local, _, at_domain = str(address or "").strip().lower().partition("@")
    if at_domain and normalize_domain(at_domain) != domain.name:
        return ""
    return local


def user_named(domain: Domain, address: object) -> User:
    user = domain.users.get(local_part_in(domain, address))
    if user is None:
        raise ApiError(404, USER_NOT_FOUND)
    return user


def user_in_body(call: Call) -> tuple[Domain, User]:
    """The caller's domain and the user its body's ``email`` names (get-user, post-user, ...)."""
    domain = current_domain(call)
    return domain, user_named(domain, call.obj().get("email"))


def alias_named(domain: Domain, name: object) -> Alias:
    alias = domain.aliases.get(local_part_in(domain, name))
    if alias is None:
        raise ApiError(404, ALIAS_NOT_FOUND)
    return alias
