"""Aliases (addresses without a mailbox) under /api/v1/settings/domain/: get, create, update, delete.

Users and aliases share one name space, so a taken name answers USER_ADD_ERROR_NAME_IN_USE for
both (the module's comment names that code for alias-put). The other codes are GUESSES.
"""

from __future__ import annotations

from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import alias_named, current_domain
from smartermail_whmcs.simulator.names import normalize_local_part
from smartermail_whmcs.simulator.state import Alias, Domain
from smartermail_whmcs.simulator.values import address_list, bool_value, refuse, text_value
from smartermail_whmcs.simulator.views_accounts import alias_view

NAME_IN_USE = "USER_ADD_ERROR_NAME_IN_USE"
INVALID_NAME = "USER_ADD_ERROR_INVALID_NAME"
INVALID_TARGET = "ALIAS_ERROR_INVALID_TARGET"
TARGET_REQUIRED = "ALIAS_ERROR_TARGET_REQUIRED"
LIMIT_REACHED = "ALIAS_ADD_ERROR_LIMIT_REACHED"
FLAGS = {
    "allowSending": "allow_sending",
    "hideFromGAL": "hide_from_gal",
    "internalOnly": "internal_only",
    "includeAllDomainUsers": "include_all_domain_users",
    "enableForXmpp": "enable_for_xmpp",
}


def _targets(value: object, everyone: bool) -> list[str]:
    """Valid addresses, lower-cased, each once; at least one unless the alias reaches every user."""
    targets = address_list([] if value is None else value, "aliasTargetList", INVALID_TARGET)
    if not targets and not everyone:
        raise refuse(TARGET_REQUIRED, "aliasTargetList")
    return targets


def _alias_from(call: Call, domain: Domain, current: Alias | None) -> Alias:
    """The alias the body's ``alias`` object describes, checked against the domain."""
    data = call.obj().get("alias")
    if not isinstance(data, dict):
        raise refuse("INVALID_INPUT", "alias")
    name = normalize_local_part(data.get("name"))
    if name is None:
        raise ApiError(400, INVALID_NAME)
    if (current is None or name != current.name) and domain.name_taken(name):
        raise ApiError(400, NAME_IN_USE)
    base = current or Alias(name, [])
    flags = {
        attribute: bool_value(data[key], key) if key in data else getattr(base, attribute)
        for key, attribute in FLAGS.items()
    }
    display = data.get("displayName", base.display_name)
    return Alias(
        name=name,
        targets=_targets(data.get("aliasTargetList", base.targets), flags["include_all_domain_users"]),
        display_name=text_value(display, "displayName"),
        **flags,
    )


def get_alias(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    return ok(alias=alias_view(alias_named(domain, call.params["name"])))


def alias_put(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    alias = _alias_from(call, domain, None)
    if domain.alias_limit > 0 and len(domain.aliases) >= domain.alias_limit:
        raise ApiError(400, LIMIT_REACHED)
    domain.aliases[alias.name] = alias
    return ok()


def alias_update(call: Call) -> dict[str, object]:
    """Replace an alias; ``oldName`` names it (SolidCP leaves it out: then ``alias.name`` does)."""
    domain = current_domain(call)
    body = call.obj()
    data = body.get("alias")
    old_name = body.get("oldName") or (data.get("name") if isinstance(data, dict) else None)
    current = alias_named(domain, old_name)
    alias = _alias_from(call, domain, current)
    del domain.aliases[current.name]
    domain.aliases[alias.name] = alias
    return ok()


def alias_delete(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    del domain.aliases[alias_named(domain, call.params["name"]).name]
    return ok()
