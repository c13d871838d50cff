"""The fixture module's client area (real php, the module's calls) against the simulator over HTTP and HTTPS.

Each action runs as WHMCS runs a module function; the state it leaves is then read back through
the API directly, so a test proves both the call sequence and what the simulator made of it.
"""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.fixture_module import ModuleRun, module_params, needs_php, run_for
from fixtures.simulator_api import (
    HIDDEN_ADMIN,
    HIDDEN_PASSWORD,
    LOGIN,
    Calls,
    DomainApi,
    domain_api_over_http_and_https,
    domain_put_body,
)

pytestmark = needs_php
api = domain_api_over_http_and_https()
MAILBOX_PASSWORD = "Strong-Pass-123"
CSRF = "csrf-token-of-this-session"


def params(api: DomainApi, **overrides: Any) -> dict[str, Any]:
    """The service as WHMCS knows it after Create: the hidden admin's name and password stored."""
    return module_params(api.sim, **{"username": HIDDEN_ADMIN, "password": HIDDEN_PASSWORD, **overrides})


def action(api: DomainApi, name: str, post: dict[str, Any], **overrides: Any) -> Any:
    return run_for(api.sim, f"smartermail_{name}", params(api, **overrides), post=post).result


def client_area(api: DomainApi, get: dict[str, Any] | None = None, **overrides: Any) -> ModuleRun:
    return run_for(api.sim, "smartermail_ClientArea", params(api, **overrides), get=get)


def custom_action(api: DomainApi, name: str, post: dict[str, Any], **overrides: Any) -> str:
    """An action posted to the client area (customAction + CSRF token): 'success' when it redirected."""
    run = run_for(
        api.sim,
        "smartermail_ClientArea",
        params(api, **overrides),
        post={"customAction": name, "token": CSRF, **post},
        session={"CSRF": CSRF},
    )
    if run.exited:
        assert run.status == 302
        return "success"
    return run.result["templateVariables"]["errorMessage"].removeprefix(f"[{name}] ")


def create_jane(api: DomainApi, **fields: Any) -> None:
    post = {"username": "jane", "password": MAILBOX_PASSWORD, **fields}
    assert action(api, "createuser", post) == "success"


def forwarding(api: DomainApi, user: str) -> dict[str, Any]:
    return api.da_post("get-mailbox-forward-list", {"email": api.email(user)}).json()["mailboxForwardList"]


def protocol_emails(api: DomainApi) -> tuple[list[str], list[str]]:
    eas = [r["emailAddress"] for r in api.da_get("active-sync-mailboxes").json()["activeSyncAccounts"]]
    mapi = [r["emailAddress"] for r in api.da_get("mapi-ews-mailboxes").json()["mapiEwsAccounts"]]
    return eas, mapi


def targets(api: DomainApi, alias: str) -> list[str]:
    return api.da_get(f"alias/{alias}").json()["alias"]["aliasTargetList"]


# ------------------------------------------------------------------------------------- createuser
def test_createuser_makes_the_module_calls_and_the_mailbox_appears_everywhere(api: DomainApi) -> None:
    calls = Calls(api.sim)
    post = {
        "username": "jane",
        "password": MAILBOX_PASSWORD,
        "mailboxsize_mb": "100",
        "aliases": ["sales", "info"],
        "fwd_list": ["out@elsewhere.test"],
        "fwd_keep": "on",
        "enable_eas": "on",
        "enable_mapi": "on",
    }
    assert action(api, "createuser", post) == "success"
    assert calls.made() == [
        ("POST", "auth/authenticate-user", 200),  # SA
        ("POST", "auth/authenticate-user", 200),  # DA-direct as hiddenadm@example.test
        ("POST", "settings/domain/user-put", 200),
        ("POST", "settings/domain/alias-put/", 200),
        ("POST", "settings/domain/alias-put/", 200),
        ("POST", "settings/domain/post-mailbox-forward-list", 200),
        ("GET", "settings/domain/domain", 200),
        ("POST", "settings/sysadmin/domain-settings/example.test", 200),  # management switched on by SA
        ("POST", "settings/domain/active-sync-mailboxes-patch", 200),
        ("GET", "settings/domain/domain", 200),
        ("POST", "settings/sysadmin/domain-settings/example.test", 200),
        ("POST", "settings/domain/mapi-ews-mailboxes-patch", 200),
    ]
    user = api.da_post("get-user", {"email": api.email("jane")}).json()["userData"]
    assert user["maxMailboxSize"] == 100 * 1024**2 and user["securityFlags"]["isDomainAdmin"] is False
    assert [r["userName"] for r in api.search("aliases")] == ["info", "sales"]
    assert targets(api, "sales") == ["jane@example.test"]
    assert forwarding(api, "jane")["forwardList"] == ["out@elsewhere.test"]
    assert forwarding(api, "jane")["keepRecipients"] is True
    assert protocol_emails(api) == (["jane@example.test"], ["jane@example.test"])
    assert (api.data()["userCount"], api.data()["aliasCount"]) == (2, 2)
    login = api.client.post(LOGIN, json={"username": api.email("jane"), "password": MAILBOX_PASSWORD})
    assert login.status_code == 200


def test_createuser_refusals_from_the_module_and_from_the_server(api: DomainApi) -> None:
    create_jane(api)
    assert action(api, "createuser", {"username": "jane", "password": MAILBOX_PASSWORD}) == (
        "The address jane@example.test already exists."
    )
    assert "at least 8 characters" in action(api, "createuser", {"username": "bob", "password": "Ab-1"})
    assert "must not contain" in action(api, "createuser", {"username": "bob", "password": "Bob-bob-1234"})
    assert "letters, digits" in action(api, "createuser", {"username": "b o b", "password": MAILBOX_PASSWORD})
    # The module's checks pass, the server's policy does not: its code is the message.
    assert action(api, "createuser", {"username": "bob", "password": "alllowercase1"}) == (
        "USER_ADD_ERROR_PASSWORD_REQUIRES_CAPITAL"
    )
    api.sa_settings(maxUsers=2)
    assert action(api, "createuser", {"username": "bob", "password": MAILBOX_PASSWORD}) == (
        "USER_ADD_ERROR_LIMIT_REACHED"
    )
    assert [r["userName"] for r in api.search("users")] == [HIDDEN_ADMIN, "jane"]


def test_createuser_ignores_what_fails_after_user_put_as_the_module_does(api: DomainApi) -> None:
    api.sim.control("POST", "faults", json={"fault": "http-500", "path": "mailboxes-patch$"})
    create_jane(api, enable_eas="on")
    assert protocol_emails(api) == ([], [])
    assert [r["userName"] for r in api.search("users")] == [HIDDEN_ADMIN, "jane"]


# --------------------------------------------------------------------- saveuser / savepassword
def test_saveuser_updates_the_user_protocols_aliases_and_forwarding(api: DomainApi) -> None:
    create_jane(api, aliases=["sales", "info"], enable_eas="on", enable_mapi="on")
    api.add_user("bob")
    api.da_post(
        "alias/",
        {
            "oldName": "info",
            "alias": {"name": "info", "aliasTargetList": [api.email("jane"), api.email("bob")]},
        },
    )
    post = {
        "selectuser": "jane",
        "fullname": "Jane Doe",
        "mailboxsize_mb": "250",
        "password": "Another-Pass-9",
        "enable_eas": "on",  # MAPI left unticked: switched off
        "orig_aliases": ["sales", "info"],
        "aliases": ["contact"],  # sales (jane only) goes, info (shared) loses jane, contact is new
        "fwd_list": ["new@elsewhere.test"],
        "fwd_spam": "Delete",
    }
    assert action(api, "saveuser", post) == "success"
    user = api.da_post("get-user", {"email": api.email("jane")}).json()["userData"]
    assert (user["fullName"], user["maxMailboxSize"]) == ("Jane Doe", 250 * 1024**2)
    assert protocol_emails(api) == (["jane@example.test"], [])
    assert [r["userName"] for r in api.search("aliases")] == ["contact", "info"]
    assert targets(api, "info") == ["bob@example.test"] and targets(api, "contact") == ["jane@example.test"]
    assert forwarding(api, "jane")["forwardList"] == ["new@elsewhere.test"]
    assert forwarding(api, "jane")["spamForwardOption"] == "Delete"
    assert (
        api.client.post(LOGIN, json={"username": api.email("jane"), "password": "Another-Pass-9"}).status_code
        == 200
    )


def test_saveuser_for_an_unknown_user_shows_the_server_code(api: DomainApi) -> None:
    assert action(api, "saveuser", {"selectuser": "ghost", "fullname": "x"}) == "USER_NOT_FOUND"


def test_savepassword_through_the_dispatcher_redirects_and_needs_the_csrf_token(api: DomainApi) -> None:
    create_jane(api)
    post = {
        "customAction": "savepassword",
        "selectuser": "jane",
        "password": "Changed-Pass-77",
        "token": "forged",
    }
    forged = run_for(api.sim, "smartermail_ClientArea", params(api), post=post, session={"CSRF": CSRF})
    assert forged.result["tabOverviewReplacementTemplate"] == "templates/error.tpl"
    assert forged.result["templateVariables"]["errorMessage"].startswith(
        "[savepassword] Your session expired"
    )
    calls = Calls(api.sim)
    done = run_for(
        api.sim, "smartermail_ClientArea", params(api), post={**post, "token": CSRF}, session={"CSRF": CSRF}
    )
    assert done.exited and done.status == 302  # success: redirect and end of the request
    assert calls.paths()[-1] == "settings/domain/post-user"
    assert (
        api.client.post(
            LOGIN, json={"username": api.email("jane"), "password": "Changed-Pass-77"}
        ).status_code
        == 200
    )
    failed = run_for(
        api.sim,
        "smartermail_ClientArea",
        params(api),
        post={**post, "token": CSRF, "password": "lowercase-only-1"},
        session={"CSRF": CSRF},
    )
    assert (
        failed.result["templateVariables"]["errorMessage"]
        == "[savepassword] USER_UPDATE_ERROR_PASSWORD_REQUIRES_CAPITAL"
    )


# ------------------------------------------------------------------------------------- deleteuser
def test_deleteuser_drops_its_own_aliases_then_the_user(api: DomainApi) -> None:
    create_jane(api, aliases=["sales"], enable_eas="on")
    api.add_alias("team", api.email("jane"), "boss@elsewhere.test")
    api.sim.control("POST", f"domains/{api.domain}/users/jane/usage", json={"bytes": 5 * 1024**2})
    assert api.data()["diskUsage"] == 5 * 1024**2
    calls = Calls(api.sim)
    assert action(api, "deleteuser", {"selectuser": "jane"}) == "success"
    assert calls.paths()[2:] == [
        "settings/domain/account-list-search",
        "settings/domain/alias-delete/sales",
        "settings/domain/account-list-delete",
    ]
    assert [r["userName"] for r in api.search("users", "aliases")] == [HIDDEN_ADMIN, "team"]
    assert protocol_emails(api) == ([], [])
    assert (api.data()["userCount"], api.data()["aliasCount"], api.data()["diskUsage"]) == (1, 1, 0)


def test_deleteuser_of_the_hidden_admin_is_refused_by_the_server(api: DomainApi) -> None:
    assert action(api, "deleteuser", {"selectuser": HIDDEN_ADMIN}) == "USER_DELETE_ERROR_PRIMARY_DOMAIN_ADMIN"


# ------------------------------------------------------------------------------------- toggledkim
def test_toggledkim_enables_with_a_pending_key_and_disables(api: DomainApi) -> None:
    calls = Calls(api.sim)
    assert action(api, "toggledkim", {"dkim_action": "enable"}) == "success"
    assert calls.paths()[2:] == ["settings/domain/dkim-enable/false", "settings/domain/domain"]
    keys = api.settings()["domainKeysSettings"]
    assert keys["enabled"] is True and keys["pending"]["publicKey"]
    dashboard = client_area(api).result["templateVariables"]
    assert (
        dashboard["dkim"]["status"] == "pending"
        and dashboard["dkim"]["selector"] == keys["pending"]["selector"]
    )
    assert action(api, "toggledkim", {"dkim_action": "disable"}) == "success"
    assert api.settings()["domainKeysSettings"]["enabled"] is False


def test_toggledkim_falls_back_to_a_rollover_when_no_key_shows(api: DomainApi) -> None:
    # dkim-enable fails (its result is ignored); the module then creates a 2048-bit rollover.
    api.sim.control("POST", "faults", json={"fault": "http-500", "path": "dkim-enable", "count": 1})
    calls = Calls(api.sim)
    assert action(api, "toggledkim", {"dkim_action": "enable"}) == "success"
    assert calls.paths()[-1] == "settings/domain/dkim-create-rollover/2048"
    assert api.settings()["domainKeysSettings"]["pending"]["keySize"] == 2048


# ------------------------------------------------------------------------------ domain aliases
def test_domain_aliases_add_and_delete_within_the_plan(api: DomainApi) -> None:
    assert action(api, "adddomainalias", {"domain_alias_name": "example.net"}) == (
        "Domain aliases are not part of this plan."
    )
    calls = Calls(api.sim)
    assert (
        action(api, "adddomainalias", {"domain_alias_name": "example.net"}, configoption17="1") == "success"
    )
    assert calls.made()[-3:] == [
        ("POST", "settings/sysadmin/manage-domain/example.test", 200),
        ("GET", "settings/domain/domain-aliases", 200),
        ("POST", "settings/domain/domain-alias-put/example.net/false/", 200),
    ]
    assert [r["name"] for r in api.da_get("domain-aliases").json()["domainAliasData"]] == ["example.net"]
    assert action(api, "adddomainalias", {"domain_alias_name": "example.org"}, configoption17="1") == (
        "This plan allows 1 domain alias(es)."
    )
    # Another domain on the server holds the name: the server refuses.
    api.client.post(
        "/api/v1/settings/sysadmin/domain-put", json=domain_put_body("other.test"), headers=api.sa
    )
    assert action(api, "adddomainalias", {"domain_alias_name": "other.test"}, configoption17="5") == (
        "DOMAIN_ALIAS_ADD_ERROR_NAME_IN_USE"
    )
    dashboard = client_area(api, configoption17="5").result["templateVariables"]
    assert dashboard["domainAliases"] == ["example.net"] and api.data()["domainAliasCount"] == 1
    assert (
        action(api, "deletedomainalias", {"domain_alias_name": "example.net"}, configoption17="5")
        == "success"
    )
    assert api.da_get("domain-aliases").json()["domainAliasData"] == []
    assert action(api, "deletedomainalias", {"domain_alias_name": "example.net"}, configoption17="5") == (
        "example.net is not an alias of this domain."
    )


# ------------------------------------------------------------------------------------- redirects
def test_redirects_create_edit_and_delete(api: DomainApi) -> None:
    create_jane(api)
    post = {"aliasname": "support", "targets": [api.email("jane"), "help@elsewhere.test"]}
    assert (
        custom_action(api, "createredirect", post) == "success"
    )  # only through customAction, as in the module
    alias = api.da_get("alias/support").json()["alias"]
    assert alias["aliasTargetList"] == ["jane@example.test", "help@elsewhere.test"]
    assert (alias["allowSending"], alias["hideFromGAL"], alias["internalOnly"]) == (False, False, False)
    assert custom_action(api, "createredirect", {"aliasname": "jane", "targets": ["x@elsewhere.test"]}) == (
        "The address jane@example.test already exists."
    )
    page = client_area(api, get={"customAction": "editredirectpage", "aliasname": "support"}).result
    assert page["templateVariables"]["targets"] == alias["aliasTargetList"]
    assert (
        custom_action(api, "saveredirect", {"aliasname": "support", "targets": ["only@elsewhere.test"]})
        == "success"
    )
    assert targets(api, "support") == ["only@elsewhere.test"]
    assert custom_action(api, "saveredirect", {"aliasname": "ghost", "targets": ["x@elsewhere.test"]}) == (
        "The redirect ghost was not found."
    )
    assert custom_action(api, "saveredirect", {"aliasname": "support", "targets": ["not an address"]}) == (
        "ALIAS_ERROR_INVALID_TARGET"
    )
    assert custom_action(api, "deleteredirect", {"aliasname": "support"}) == "success"
    assert api.search("aliases") == []
    assert (
        custom_action(api, "deleteredirect", {"aliasname": "support"}) == "success"
    )  # result ignored, as in the module


# -------------------------------------------------------------------------------- dashboard/pages
def test_the_dashboard_shows_what_the_api_holds(api: DomainApi) -> None:
    create_jane(api, aliases=["sales"], fwd_list=["out@elsewhere.test"], enable_mapi="on")
    api.add_user("bob")
    api.add_alias("team", api.email("jane"), api.email("bob"))
    api.sim.control("POST", f"domains/{api.domain}/users/jane/usage", json={"bytes": 15 * 1024**3})
    api.sim.control("POST", f"domains/{api.domain}/usage", json={"bytes": 25 * 1024**3})
    calls = Calls(api.sim)
    page = client_area(api)
    assert page.result["tabOverviewReplacementTemplate"] == "templates/overview.tpl"
    shown = page.result["templateVariables"]
    assert (shown["usageMb"], shown["usageGB"], shown["tiers"]) == (25600.0, 25.0, 3)
    assert [u["userName"] for u in shown["users"]] == ["bob", "jane"]  # the hidden admin is left out
    jane = shown["users"][1]
    assert jane["bytesUsed"] == 15 * 1024**3 and jane["mapi"] is True and jane["eas"] is False
    assert jane["forwardList"] == ["out@elsewhere.test"] and jane["aliases"] == ["sales", "team"]
    assert shown["redirects"] == [
        {"name": "sales", "targets": ["jane@example.test"]},
        {"name": "team", "targets": ["jane@example.test", "bob@example.test"]},
    ]
    assert calls.paths()[2:9] == [
        "settings/domain/data",
        "settings/domain/account-list-search",
        "settings/domain/account-search-quick",
        "settings/domain/account-list-search",
        "settings/domain/active-sync-mailboxes",
        "settings/domain/mapi-ews-mailboxes",
        "settings/domain/get-mailbox-forward-list",
    ]
    assert (
        calls.paths().count("settings/domain/get-mailbox-forward-list") == 3
    )  # every user, hidden admin too
    assert calls.paths()[-1] == "settings/domain/domain"


def test_the_dashboard_reads_forwarding_through_the_fallback_when_the_da_read_is_missing(
    api: DomainApi,
) -> None:
    create_jane(api, fwd_list=["out@elsewhere.test"])
    api.sim.control("POST", "faults", json={"fault": "api-disabled", "path": "get-mailbox-forward-list$"})
    calls = Calls(api.sim)
    shown = client_area(api).result["templateVariables"]
    assert shown["users"][0]["forwardList"] == ["out@elsewhere.test"]
    assert (
        "settings/sysadmin/manage-user/jane%40example.test" in calls.paths()
    )  # urlencode()d, as the module sends it
    assert "settings/mailbox-forward-list" in calls.paths()


def test_the_dashboard_with_impersonation_and_when_the_domain_is_missing(api: DomainApi) -> None:
    calls = Calls(api.sim)
    blank = client_area(api, username="", password="")  # no stored admin: DA-imp
    assert blank.result["templateVariables"]["domainNotReady"] is False
    assert "settings/sysadmin/manage-domain/example.test" in calls.paths()
    missing = client_area(api, domain="missing.test", username="", password="").result
    assert missing["templateVariables"] == {"domain": "missing.test", "domainNotReady": True}
    wrong = client_area(api, password="not-the-password").result  # DA-direct fails: no impersonation fallback
    assert wrong["templateVariables"]["domainNotReady"] is True
    down = client_area(api, serverpassword="wrong").result
    assert down["tabOverviewReplacementTemplate"] == "templates/error.tpl"
    assert down["templateVariables"]["errorMessage"].startswith("The email service cannot be reached")


def test_the_user_pages(api: DomainApi) -> None:
    create_jane(api, aliases=["sales"], enable_eas="on")
    add = client_area(api, get={"customAction": "adduserpage"}).result
    assert add["tabOverviewReplacementTemplate"] == "templates/adduser.tpl"
    assert add["templateVariables"]["easManaged"] is True and add["templateVariables"]["mapiManaged"] is False
    calls = Calls(api.sim)
    edit = client_area(api, get={"customAction": "edituserpage", "username": "jane"}).result[
        "templateVariables"
    ]
    assert (edit["found"], edit["eas"], edit["mapi"], edit["aliases"]) == (True, True, False, ["sales"])
    assert edit["maxMailboxSize"] == 0 and edit["forwarding"]["forwardList"] == []
    assert calls.paths()[2:] == [
        "settings/domain/get-user",
        "settings/domain/get-user-mail",
        "settings/domain/active-sync-mailboxes",
        "settings/domain/mapi-ews-mailboxes",
        "settings/domain/domain",
        "settings/domain/account-list-search",
        "settings/domain/get-mailbox-forward-list",
    ]
    ghost = client_area(api, get={"customAction": "edituserpage", "username": "ghost"}).result
    assert ghost["templateVariables"]["found"] is False
    assert client_area(api, get={"customAction": "addredirectpage"}).result[
        "tabOverviewReplacementTemplate"
    ] == ("templates/addredirect.tpl")
    unknown = client_area(api, get={"customAction": "nosuchthing"}).result  # not whitelisted: the dashboard
    assert unknown["tabOverviewReplacementTemplate"] == "templates/overview.tpl"


def test_an_action_that_cannot_reach_the_domain_says_so(api: DomainApi) -> None:
    assert action(
        api, "createuser", {"username": "bob", "password": MAILBOX_PASSWORD}, domain="missing.test"
    ) == ("This email service is not activated yet. Please come back shortly.")
    french = action(
        api, "deleteuser", {"selectuser": "bob"}, serverpassword="x", clientsdetails={"language": "french"}
    )
    assert french.startswith("Le service de courriel est momentanément injoignable")


@pytest.mark.parametrize("fault", ["http-500", "reset"])
def test_a_server_fault_on_the_deciding_call_is_the_action_error(api: DomainApi, fault: str) -> None:
    api.sim.control("POST", "faults", json={"fault": fault, "path": "user-put$", "count": 1})
    result = action(api, "createuser", {"username": "bob", "password": MAILBOX_PASSWORD})
    if fault == "http-500":
        assert result == "INTERNAL_SERVER_ERROR"
    else:
        assert result.startswith("cURL network error:")
    assert [r["userName"] for r in api.search("users")] == [HIDDEN_ADMIN]
