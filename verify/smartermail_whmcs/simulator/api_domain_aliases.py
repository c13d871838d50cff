"""Domain aliases (other names a domain receives mail for) under /api/v1/settings/domain/.

A domain alias takes a name server-wide: it cannot be the domain itself, another domain or another
domain's alias, and domain-put refuses a domain named like an existing alias. The simulator cannot
look up MX records, so ``checkMx`` true always fails. The refusal codes are GUESSES.
"""

from __future__ import annotations

from smartermail_whmcs.simulator.domain_settings import setting
from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import current_domain
from smartermail_whmcs.simulator.names import normalize_domain
from smartermail_whmcs.simulator.state import Domain

INVALID_NAME = "DOMAIN_ALIAS_ADD_ERROR_INVALID_NAME"
NAME_IN_USE = "DOMAIN_ALIAS_ADD_ERROR_NAME_IN_USE"
LIMIT_REACHED = "DOMAIN_ALIAS_ADD_ERROR_LIMIT_REACHED"
MX_CHECK_FAILED = "DOMAIN_ALIAS_ADD_ERROR_MX_CHECK_FAILED"
NOT_FOUND = "DOMAIN_ALIAS_NOT_FOUND"


def _row(domain: Domain, name: str) -> dict[str, object]:
    return {"name": name, "aliasIdn": name.encode("ascii").decode("idna"), "domainName": domain.name}


def list_domain_aliases(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    return ok(domainAliasData=[_row(domain, name) for name in domain.domain_aliases])


def add_domain_alias(call: Call) -> dict[str, object]:
    """POST domain-alias-put/{name}[/{checkMx}]; the body is ignored (the module sends none)."""
    domain = current_domain(call)
    name = normalize_domain(call.params["name"])
    if name is None:
        raise ApiError(400, INVALID_NAME)
    if call.state.name_in_use(name):
        raise ApiError(400, NAME_IN_USE)
    limit = setting(domain, "maxDomainAliases")
    if isinstance(limit, int) and limit > 0 and len(domain.domain_aliases) >= limit:
        raise ApiError(400, LIMIT_REACHED)
    if (call.params.get("check") or "false").lower() == "true":
        raise ApiError(400, MX_CHECK_FAILED)
    domain.domain_aliases.append(name)
    return ok()


def delete_domain_alias(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    name = normalize_domain(call.params["name"]) or call.params["name"].lower()
    if name not in domain.domain_aliases:
        raise ApiError(404, NOT_FOUND)
    domain.domain_aliases.remove(name)
    return ok()
