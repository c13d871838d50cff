"""Mailbox users over real HTTP and HTTPS: searches, reads, create and update with the password policy, delete."""

from __future__ import annotations

from typing import Any

from fixtures.simulator_api import (
    DA,
    HIDDEN_ADMIN,
    LOGIN,
    USER_PASSWORD,
    DomainApi,
    bearer,
    domain_api_over_http_and_https,
    refused,
)

api = domain_api_over_http_and_https()
GB = 1024**3


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["userName"] for row in rows]


def test_a_created_user_appears_in_every_list_and_count(api: DomainApi) -> None:
    created = api.add_user("jane", fullName="Jane Doe", maxMailboxSize=2 * GB)
    assert created.json() == {"success": True, "resultCode": 200}
    assert names(api.search("users")) == [HIDDEN_ADMIN, "jane"]
    quick = api.da_post("account-search-quick", {"searchFlags": ["users"], "take": 99999}).json()
    assert names(quick["users"]) == [HIDDEN_ADMIN, "jane"]
    assert [u["userName"] for u in api.da_get("list-users").json()["userData"]] == [HIDDEN_ADMIN, "jane"]
    sysadmin_list = api.client.get(f"/api/v1/settings/sysadmin/list-users/{api.domain}", headers=api.sa)
    assert "jane@example.test" in [u["emailAddress"] for u in sysadmin_list.json()["userData"]]
    assert api.data()["userCount"] == 2
    row = api.search("users")[1]
    assert row["emailAddress"] == "jane@example.test" and row["accountType"] == 0 and row["isEnabled"] is True
    assert api.search("users")[0]["accountType"] == 1  # the hidden admin is a domain admin


def test_get_user_and_mail_settings_carry_the_sizes_the_module_reads(api: DomainApi) -> None:
    api.add_user("jane", maxMailboxSize=2 * GB)
    usage = api.sim.control("POST", f"domains/{api.domain}/users/jane/usage", json={"bytes": 300 * 1024**2})
    assert usage.status_code == 200
    user = api.da_post("get-user", {"email": api.email("jane")}).json()["userData"]
    assert (user["currentMailboxSize"], user["maxMailboxSize"]) == (300 * 1024**2, 2 * GB)
    assert user["securityFlags"] == {"isDomainAdmin": False, "authType": 0, "isDisabled": False}
    mail = api.da_post("get-user-mail", {"email": api.email("jane")}).json()["userMailSettings"]
    assert (mail["totalMailboxSize"], mail["maxSize"]) == (300 * 1024**2, 2 * GB)
    quick = api.da_post("account-search-quick", {"search": "jan"}).json()["users"]
    assert quick == [
        {
            "userName": "jane",
            "displayName": "jane",
            "emailAddress": "jane@example.test",
            "bytesUsed": 300 * 1024**2,
            "bytesAllowed": 2 * GB,
            "status": "Enabled",
            "lastLoginTime": None,
        }
    ]
    assert api.search("users")[1]["totalMailboxSize"] == 300 * 1024**2


def test_disk_usage_follows_the_mailboxes(api: DomainApi) -> None:
    api.add_user("jane")
    api.add_user("bob")
    assert (
        api.sim.control("POST", f"domains/{api.domain}/usage", json={"bytes": 10 * 1024**2}).status_code
        == 200
    )
    api.sim.control("POST", f"domains/{api.domain}/users/jane/usage", json={"bytes": 4 * 1024**2})
    api.sim.control("POST", f"domains/{api.domain}/users/bob/usage", json={"bytes": 6 * 1024**2})
    data = api.data()
    assert data["size"] == data["diskUsage"] == 20 * 1024**2 and data["sizeMb"] == 20.0
    sysadmin_view = api.client.get(f"/api/v1/settings/sysadmin/domain/{api.domain}", headers=api.sa).json()
    assert sysadmin_view["domainData"]["diskUsage"] == 20 * 1024**2
    assert api.da_post("account-list-delete", {"input": ["bob"]}).json()["success"] is True
    assert api.data()["diskUsage"] == 14 * 1024**2 and api.data()["userCount"] == 2
    # The domain total cannot be set below what its mailboxes hold.
    too_small = api.sim.control("POST", f"domains/{api.domain}/usage", json={"bytes": 1024})
    assert too_small.status_code == 400 and "mailboxes already hold" in too_small.json()["message"]


def test_user_put_refusals(api: DomainApi) -> None:
    api.add_user("jane")
    api.add_alias("sales", "jane@example.test")
    assert refused(api.add_user("jane"), 400, "USER_ADD_ERROR_NAME_IN_USE")
    assert refused(api.add_user("sales"), 400, "USER_ADD_ERROR_NAME_IN_USE")  # aliases share the names
    assert refused(api.add_user("bad name"), 400, "USER_ADD_ERROR_INVALID_NAME")
    assert refused(api.add_user("x@other.test"), 400, "USER_ADD_ERROR_INVALID_NAME")
    assert refused(api.add_user("neg", maxMailboxSize=-5), 400, "USER_ADD_ERROR_INVALID_VALUE")
    assert api.add_user("full@example.test").json()["success"] is True  # the full address of this domain
    assert "full" in names(api.search("users"))


def test_password_policy_on_create_and_update(api: DomainApi) -> None:
    for password, rule in [
        ("", "PASSWORD_TOO_SHORT"),
        ("Ab-1", "PASSWORD_TOO_SHORT"),
        ("Abcdefgh-", "PASSWORD_REQUIRES_NUMBER"),
        ("abcdefg-1", "PASSWORD_REQUIRES_CAPITAL"),
        ("ABCDEFG-1", "PASSWORD_REQUIRES_LOWER"),
        ("Jane-1234", "PASSWORD_CONTAINS_USERNAME"),
    ]:
        assert refused(api.add_user("jane", password), 400, "USER_ADD_ERROR_" + rule), password
    assert api.data()["userCount"] == 1  # nothing was created
    assert api.add_user("jane").json()["success"] is True
    weak = api.da_post("post-user", {"email": api.email("jane"), "userData": {"password": "short"}})
    assert refused(weak, 400, "USER_UPDATE_ERROR_PASSWORD_TOO_SHORT")
    # The policy is the server's: a stricter one through the control API.
    policy = api.sim.control(
        "POST", "config", json={"password_policy": {"require_symbol": True, "min_length": 12}}
    )
    assert policy.status_code == 200 and policy.json()["config"]["password_policy"]["min_length"] == 12
    assert refused(api.add_user("bob", "Abcdefgh12345"), 400, "USER_ADD_ERROR_PASSWORD_REQUIRES_SYMBOL")
    assert refused(api.add_user("bob", "Abc-12345"), 400, "USER_ADD_ERROR_PASSWORD_TOO_SHORT")
    bad = api.sim.control("POST", "config", json={"password_policy": {"require_emoji": True}})
    assert bad.status_code == 400 and "require_emoji" in bad.json()["message"]


def test_post_user_changes_the_password_the_login_checks(api: DomainApi) -> None:
    api.add_user("jane", fullName="Jane")
    changed = api.da_post(
        "post-user",
        {"email": api.email("jane"), "userData": {"password": "New-pass-42", "fullName": "Jane D."}},
    )
    assert changed.json() == {"success": True, "resultCode": 200}
    old = api.client.post(LOGIN, json={"username": api.email("jane"), "password": USER_PASSWORD})
    assert refused(old, 401, "USERNAME_OR_PASSWORD_INCORRECT")
    new = api.client.post(LOGIN, json={"username": api.email("jane"), "password": "New-pass-42"})
    assert new.status_code == 200 and new.json()["emailAddress"] == "jane@example.test"
    user = api.da_post("get-user", {"email": api.email("jane")}).json()["userData"]
    assert user["fullName"] == "Jane D." and user["lastLoginTime"]  # the login was recorded
    assert api.search("users")[1]["lastLogin"] == user["lastLoginTime"]
    # Without a password the password stays; sizes merge in.
    api.da_post("post-user", {"email": api.email("jane"), "userData": {"maxMailboxSize": 5 * GB}})
    assert (
        api.da_post("get-user", {"email": api.email("jane")}).json()["userData"]["maxMailboxSize"] == 5 * GB
    )
    assert (
        api.client.post(LOGIN, json={"username": api.email("jane"), "password": "New-pass-42"}).status_code
        == 200
    )


def test_the_hidden_admin_password_changes_like_the_module_change_password(api: DomainApi) -> None:
    body = {"email": api.email(HIDDEN_ADMIN), "userData": {"password": "Brand-new-Pass-7!"}}
    assert api.da_post("post-user", body).json()["success"] is True
    direct = api.client.post(
        LOGIN, json={"username": api.email(HIDDEN_ADMIN), "password": "Brand-new-Pass-7!"}
    )
    assert direct.status_code == 200 and direct.json()["isDomainAdmin"] is True


def test_unknown_users_are_404(api: DomainApi) -> None:
    for path, body in [
        ("get-user", {"email": "ghost@example.test"}),
        ("get-user-mail", {"email": "ghost@example.test"}),
        ("post-user", {"email": "ghost@example.test", "userData": {"fullName": "x"}}),
        ("get-user", {"email": f"{HIDDEN_ADMIN}@other.test"}),  # another domain's address
        ("account-list-delete", {"input": ["ghost"]}),
    ]:
        assert refused(api.da_post(path, body), 404, "USER_NOT_FOUND"), path


def test_delete_removes_users_and_aliases_but_never_the_primary_admin(api: DomainApi) -> None:
    api.add_user("jane")
    api.add_alias("sales", "jane@example.test")
    session = api.client.post(LOGIN, json={"username": api.email("jane"), "password": USER_PASSWORD}).json()
    assert refused(
        api.da_post("account-list-delete", {"input": [HIDDEN_ADMIN]}),
        400,
        "USER_DELETE_ERROR_PRIMARY_DOMAIN_ADMIN",
    )
    assert api.da_post("account-list-delete", {"input": ["jane", "sales"]}).json()["success"] is True
    assert names(api.search("users", "aliases")) == [HIDDEN_ADMIN]
    assert (api.data()["userCount"], api.data()["aliasCount"]) == (1, 0)
    # The deleted mailbox's own session ended with it.
    own = api.client.get("/api/v1/settings/mailbox-forward-list", headers=bearer(session["accessToken"]))
    assert refused(own, 401, "INVALID_TOKEN")


def test_searches_page_sort_and_filter(api: DomainApi) -> None:
    for name in ("carl", "anna", "bob"):
        api.add_user(name)
    page = api.da_post(
        "account-list-search", {"searchFlags": ["users"], "skip": 1, "take": 2, "sortDescending": True}
    ).json()
    assert names(page["results"]) == ["carl", "bob"] and page["resultCount"] == 4
    assert names(api.da_post("account-list-search", {"search": "AN"}).json()["results"]) == ["anna"]
    assert refused(api.da_post("account-list-search", {"searchFlags": "users"}), 400, "INVALID_INPUT")
    assert refused(api.da_post("account-search-quick", {"take": "many"}), 400, "INVALID_INPUT")


def test_user_routes_need_a_domain_admin(api: DomainApi) -> None:
    api.add_user("jane")
    plain = api.client.post(LOGIN, json={"username": api.email("jane"), "password": USER_PASSWORD}).json()
    for path in ("account-search-quick", "get-user-mail", "post-user", "user-put"):
        response = api.client.post(DA + path, json={}, headers=bearer(plain["accessToken"]))
        assert refused(response, 403, "ACCESS_DENIED"), path
    assert refused(api.client.post(DA + "post-user", json={}, headers=api.sa), 403, "ACCESS_DENIED")
