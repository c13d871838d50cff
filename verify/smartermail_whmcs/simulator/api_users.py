"""Mailbox users of a domain under /api/v1/settings/domain/: search, read, create, update, delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.lookup import USER_NOT_FOUND, current_domain, local_part_in, user_in_body
from smartermail_whmcs.simulator.names import normalize_local_part
from smartermail_whmcs.simulator.passwords import check_password
from smartermail_whmcs.simulator.state import Domain, User
from smartermail_whmcs.simulator.values import bool_value, int_value, text_value
from smartermail_whmcs.simulator.views_accounts import (
    alias_search_row,
    email_of,
    list_user,
    quick_search_row,
    user_data,
    user_mail_settings,
    user_search_row,
)

Row = TypeVar("Row")


def sorted_users(domain: Domain) -> list[User]:
    return sorted(domain.users.values(), key=lambda u: u.user_name)


def users_listing(domain: Domain) -> dict[str, object]:
    """``{"userData": [...]}`` as both list-users calls answer it."""
    return ok(userData=[list_user(domain, u) for u in sorted_users(domain)])


def list_users(call: Call) -> dict[str, object]:
    return users_listing(current_domain(call))


def _search_flags(body: dict[str, object]) -> set[str]:
    flags = body.get("searchFlags") or ["users"]
    if not isinstance(flags, list):
        raise ApiError(400, "INVALID_INPUT")
    return {str(flag).lower() for flag in flags}


def _page(body: dict[str, object], rows: Sequence[Row], key: Callable[[Row], str]) -> tuple[list[Row], int]:
    """Filter by ``search``, sort by name (``sortDescending``), then ``skip``/``take``."""
    search = body.get("search")
    chosen = list(rows)
    if isinstance(search, str) and search:
        chosen = [row for row in chosen if search.lower() in key(row).lower()]
    chosen.sort(key=key, reverse=bool(body.get("sortDescending")))
    skip = int_value(body.get("skip"), "skip", minimum=0)
    take = int_value(body.get("take") or 100, "take", minimum=0)
    return chosen[skip : skip + take], len(chosen)


def account_list_search(call: Call) -> dict[str, object]:
    """Users and aliases in one list; ``searchFlags`` picks which (users when absent)."""
    domain = current_domain(call)
    body = call.obj()
    flags = _search_flags(body)
    rows: list[dict[str, object]] = []
    if flags & {"users", "user", "all"}:
        rows += [user_search_row(domain, u) for u in domain.users.values()]
    if flags & {"aliases", "alias", "all"}:
        rows += [alias_search_row(domain, a) for a in domain.aliases.values()]
    page, total = _page(body, rows, lambda row: str(row["userName"]))
    return ok(results=page, resultCount=total)


def account_search_quick(call: Call) -> dict[str, object]:
    """The light user list with each mailbox's bytes (aliases have no mailbox)."""
    domain = current_domain(call)
    body = call.obj()
    _search_flags(body)
    page, total = _page(body, sorted_users(domain), lambda user: user.user_name)
    return ok(users=[quick_search_row(domain, u) for u in page], resultCount=total)


def get_user(call: Call) -> dict[str, object]:
    domain, user = user_in_body(call)
    return ok(userData=user_data(domain, user))


def get_user_mail(call: Call) -> dict[str, object]:
    _, user = user_in_body(call)
    return ok(userMailSettings=user_mail_settings(user))


def _mailbox_size(data: dict[str, object], message: str) -> int:
    return int_value(data.get("maxMailboxSize"), "maxMailboxSize", message, minimum=0)


def user_put(call: Call) -> dict[str, object]:
    domain = current_domain(call)
    data = call.obj().get("userData")
    if not isinstance(data, dict):
        raise ApiError(400, "USER_ADD_ERROR_INVALID_NAME")
    raw_name = data.get("userName")
    if isinstance(raw_name, str) and "@" in raw_name:
        raw_name = local_part_in(domain, raw_name)  # SolidCP sends the full address
    name = normalize_local_part(raw_name)
    if name is None:
        raise ApiError(400, "USER_ADD_ERROR_INVALID_NAME")
    if domain.name_taken(name):
        raise ApiError(400, "USER_ADD_ERROR_NAME_IN_USE")
    if domain.user_limit > 0 and len(domain.users) >= domain.user_limit:
        raise ApiError(400, "USER_ADD_ERROR_LIMIT_REACHED")  # GUESS on the code
    password = check_password(
        data.get("password"), name, call.state.runtime.password_policy, "USER_ADD_ERROR_"
    )
    max_size = _mailbox_size(data, "USER_ADD_ERROR_INVALID_VALUE")
    flags = data.get("securityFlags")
    domain.users[name] = User(
        user_name=name,
        password=password,
        full_name=text_value(data.get("fullName"), "fullName", "USER_ADD_ERROR_INVALID_VALUE"),
        is_domain_admin=isinstance(flags, dict)
        and bool_value(flags.get("isDomainAdmin", False), "isDomainAdmin"),
        max_mailbox_size=max_size,
    )
    return ok()


def post_user(call: Call) -> dict[str, object]:
    """Update the given userData fields (a partial merge); a password goes through the policy."""
    _, user = user_in_body(call)
    data = call.obj().get("userData")
    if not isinstance(data, dict):
        raise ApiError(400, "INVALID_INPUT")
    invalid = "USER_UPDATE_ERROR_INVALID_VALUE"  # GUESS on the code
    changes: dict[str, object] = {}
    if data.get("password") is not None:
        changes["password"] = check_password(
            data["password"], user.user_name, call.state.runtime.password_policy, "USER_UPDATE_ERROR_"
        )
    if "fullName" in data:
        changes["full_name"] = text_value(data["fullName"], "fullName", invalid)
    if "maxMailboxSize" in data:
        changes["max_mailbox_size"] = _mailbox_size(data, invalid)
    flags = data.get("securityFlags")
    if isinstance(flags, dict) and "isDomainAdmin" in flags and not user.is_primary_admin:
        changes["is_domain_admin"] = bool_value(flags["isDomainAdmin"], "isDomainAdmin", invalid)
    for attribute, value in changes.items():
        setattr(user, attribute, value)
    return ok()


def account_list_delete(call: Call) -> dict[str, object]:
    """Delete users and aliases by name; every name is checked before anything is removed."""
    domain = current_domain(call)
    names = call.obj().get("input")
    if not isinstance(names, list) or not names:
        raise ApiError(400, "INVALID_INPUT")
    locals_ = [local_part_in(domain, name) for name in names]
    for local in locals_:
        user = domain.users.get(local)
        if user is None and local not in domain.aliases:
            raise ApiError(404, USER_NOT_FOUND)
        if user is not None and user.is_primary_admin:
            raise ApiError(400, "USER_DELETE_ERROR_PRIMARY_DOMAIN_ADMIN")  # GUESS on the code
    for local in locals_:
        domain.aliases.pop(local, None)
        if domain.users.pop(local, None) is not None:
            call.state.drop_user_sessions(email_of(domain, local))
    return ok()
