"""Every /api/v1 endpoint of the simulator over real HTTP (and the key ones over HTTPS)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fixtures.simulator import RunningSimulator
from fixtures.simulator_api import (
    DA,
    HIDDEN_PASSWORD,
    LOGIN,
    SA,
    bearer,
    create_domain,
    domain_put_body,
    impersonate,
    login,
)

ISO_7 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")


@pytest.fixture
def client(simulator: RunningSimulator) -> Any:
    with simulator.client() as c:
        yield c


@pytest.fixture
def sa(client: httpx.Client) -> dict[str, str]:
    return bearer(login(client)["accessToken"])


# -- unauthenticated ---------------------------------------------------------------------------
def test_login_settings_and_about_need_no_token(client: httpx.Client) -> None:
    settings = client.get("/api/v1/auth/login-settings")
    assert settings.status_code == 200 and settings.json()["success"] is True
    assert settings.json()["customPageTitle"] == "SmarterMail"
    about = client.get("/api/v1/licensing/about").json()
    assert about == {"version": "100.0.9504", "edition": 0, "enterpriseFunctionality": True}


def test_sysadmin_login_object(client: httpx.Client) -> None:
    body = login(client)
    assert body["success"] is True and body["resultCode"] == 200
    assert body["isAdmin"] is True and body["isDomainAdmin"] is False
    assert body["username"] == "admin@"
    assert body["emailAddress"] == "" and body["changePasswordNeeded"] is False
    assert ISO_7.match(body["accessTokenExpiration"])
    assert body["accessToken"] and body["refreshToken"] and body["accessToken"] != body["refreshToken"]


def test_wrong_password_is_401_with_message_code(client: httpx.Client) -> None:
    response = client.post(LOGIN, json={"username": "admin", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "resultCode": 401,
        "message": "USERNAME_OR_PASSWORD_INCORRECT",
    }
    empty = client.post(LOGIN)
    assert empty.status_code == 401 and empty.json()["message"] == "USERNAME_OR_PASSWORD_INCORRECT"


def test_malformed_json_body_is_400(client: httpx.Client) -> None:
    response = client.post(LOGIN, content=b'{"username": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"success": False, "resultCode": 400, "message": "INVALID_JSON"}


# -- tokens ------------------------------------------------------------------------------------
def test_missing_unknown_token_is_401(client: httpx.Client) -> None:
    assert client.get(SA + "domains").json() == {
        "success": False,
        "resultCode": 401,
        "message": "AUTHORIZATION_REQUIRED",
    }
    unknown = client.get(SA + "domains", headers=bearer("forged"))
    assert unknown.status_code == 401 and unknown.json()["message"] == "INVALID_TOKEN"


def test_refresh_rotates_and_old_refresh_token_dies(client: httpx.Client) -> None:
    first = login(client)
    refreshed = client.post("/api/v1/auth/refresh-token", json={"token": first["refreshToken"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["success"] is True and new["refreshToken"] != first["refreshToken"]
    assert new["accessToken"] != first["accessToken"]
    assert client.get(SA + "domains", headers=bearer(new["accessToken"])).status_code == 200
    reused = client.post("/api/v1/auth/refresh-token", json={"token": first["refreshToken"]})
    assert reused.status_code == 401 and reused.json()["success"] is False
    assert client.post("/api/v1/auth/refresh-token", json={}).status_code == 401


def test_logout_kills_the_token(client: httpx.Client, sa: dict[str, str]) -> None:
    assert client.post("/api/v1/auth/logout-user", headers=sa).json()["success"] is True
    assert client.get(SA + "domains", headers=sa).status_code == 401


# -- sysadmin domain lifecycle (the module's create / settings / usage / delete sequence) -----
def test_module_lifecycle(simulator: RunningSimulator, client: httpx.Client, sa: dict[str, str]) -> None:
    assert client.get(SA + "domain/example.test", headers=sa).status_code == 404  # "does not exist"
    create_domain(client, sa)
    info = client.get(SA + "domain/example.test", headers=sa)
    assert info.status_code == 200
    data = info.json()["domainData"]
    assert data["name"] == "example.test" and data["hostname"] == "mail.example.test"
    assert data["path"] == "C:\\SmarterMail\\Domains\\example.test"
    assert data["userCount"] == 1 and data["userLimit"] == 5 and data["mainDomainAdmin"] == "hiddenadm"
    assert data["isEnabled"] is True and data["diskUsage"] == 0

    settings = {
        "isEnabled": True,
        "enableMailForwarding": True,
        "enableSmtpAccounts": False,
        "enableActiveSyncAccountManagement": True,
        "enableMapiEwsAccountManagement": False,
        "outgoingIP": "",  # the module turns its option value "default" into ""
    }
    put = client.post(SA + "domain-settings/example.test", json={"domainSettings": settings}, headers=sa)
    assert put.json() == {"success": True, "resultCode": 200}
    read = client.get(SA + "domain-settings/example.test", headers=sa).json()["domainSettings"]
    assert read["enableActiveSyncAccountManagement"] is True and read["maxUsers"] == 5

    da = impersonate(client, sa)
    dkim = client.post(DA + "dkim-enable/false", json=[], headers=da)
    assert dkim.json()["success"] is True

    # Suspend / unsuspend.
    client.post(
        SA + "domain-settings/example.test", json={"domainSettings": {"isEnabled": False}}, headers=sa
    )
    assert client.get(SA + "domain/example.test", headers=sa).json()["domainData"]["isEnabled"] is False
    client.post(SA + "domain-settings/example.test", json={"domainSettings": {"isEnabled": True}}, headers=sa)
    assert client.get(SA + "domain/example.test", headers=sa).json()["domainData"]["isEnabled"] is True

    # Usage update reads diskUsage bytes.
    usage = simulator.control("POST", "domains/example.test/usage", json={"bytes": 5 * 1024**3})
    assert usage.status_code == 200
    data = client.get(SA + "domain/example.test", headers=sa).json()["domainData"]
    assert data["diskUsage"] == 5 * 1024**3 and data["size"] == 5 * 1024**3 and data["sizeMb"] == 5120.0

    deleted = client.post(SA + "domain-delete/example.test/true", json=[], headers=sa)
    assert deleted.json() == {"success": True, "resultCode": 200}
    assert client.get(SA + "domain/example.test", headers=sa).status_code == 404
    assert client.get(DA + "data", headers=da).status_code == 401  # impersonation died with the domain
    assert simulator.state()["deletions"] == [{"domain": "example.test", "deleteFiles": True}]


def test_domains_list_and_list_users(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa, "a.test")
    create_domain(client, sa, "b.test")
    listing = client.get(SA + "domains", headers=sa).json()
    assert listing["success"] is True
    assert [d["name"] for d in listing["data"]] == ["a.test", "b.test"]
    assert listing["data"][0]["status"] == "Enabled"
    users = client.get(SA + "list-users/a.test", headers=sa).json()["userData"]
    assert users[0]["emailAddress"] == "hiddenadm@a.test"
    assert users[0]["securityFlags"]["isDomainAdmin"] is True and users[0]["isPrimaryDomainAdmin"] is True
    assert client.get(SA + "list-users/missing.test", headers=sa).status_code == 404
    assert client.get(SA + "domain-names", headers=sa).json()["data"] == ["a.test", "b.test"]


def test_domain_put_errors(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)
    duplicate = client.post(SA + "domain-put", json=domain_put_body("EXAMPLE.test"), headers=sa)
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "success": False,
        "resultCode": 400,
        "message": "DOMAIN_ADD_ERROR_NAME_IN_USE",
    }
    for bad in ("no_dots", "-bad.test", "bad..test", "a" * 64 + ".test", "", "x.1"):
        invalid = client.post(SA + "domain-put", json=domain_put_body(bad), headers=sa)
        assert invalid.status_code == 400, bad
        assert invalid.json()["message"] == "DOMAIN_ADD_ERROR_INVALID_NAME", bad
    body = domain_put_body("new.test")
    del body["adminPassword"]
    missing = client.post(SA + "domain-put", json=body, headers=sa)
    assert missing.status_code == 400 and missing.json()["message"] == "DOMAIN_ADD_ERROR_ADMIN_REQUIRED"
    assert client.post(SA + "domain-put", headers=sa).json()["message"] == "DOMAIN_ADD_ERROR_INVALID_NAME"


def test_idn_domain_is_accepted_in_punycode(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa, "bücher.test")
    assert client.get(SA + "domain/xn--bcher-kva.test", headers=sa).json()["domainData"]["name"] == (
        "xn--bcher-kva.test"
    )


def test_unknown_domain_errors(client: httpx.Client, sa: dict[str, str]) -> None:
    for method, path in (
        ("GET", "domain-settings/missing.test"),
        ("POST", "manage-domain/missing.test"),
        ("POST", "domain-delete/missing.test/false"),
    ):
        response = client.request(method, SA + path, headers=sa, json={"domainSettings": {}})
        assert response.status_code == 404, path
        assert response.json() == {"success": False, "resultCode": 404, "message": "DOMAIN_NOT_FOUND"}


def test_system_info_guessed_endpoints(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)
    for name in ("system-info", "sysadmin-info", "server-settings"):
        body = client.get(SA + name, headers=sa).json()
        assert body["productVersion"] == "100.0.9504"
        assert body["productEdition"] == "Enterprise" and body["totalDomains"] == 1


def test_unknown_route_and_wrong_method(client: httpx.Client, sa: dict[str, str]) -> None:
    unknown = client.get("/api/v1/settings/sysadmin/no-such-thing", headers=sa)
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/json")
    assert unknown.json() == {"success": False, "resultCode": 404, "message": "NOT_FOUND"}
    assert client.get("/api/v2/anything").status_code == 404
    wrong = client.get(SA + "domain-put", headers=sa)
    assert wrong.status_code == 405 and wrong.json()["message"] == "METHOD_NOT_ALLOWED"


def test_double_and_trailing_slashes_are_tolerated(client: httpx.Client, sa: dict[str, str]) -> None:
    assert client.get("/api/v1//settings/sysadmin/domains/", headers=sa).status_code == 200


# -- domain-admin side -------------------------------------------------------------------------
def test_domain_admin_endpoints(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)
    da = impersonate(client, sa)
    data = client.get(DA + "data", headers=da).json()["domainData"]
    assert data["name"] == "example.test" and data["userCount"] == 1
    settings = client.get(DA + "domain", headers=da).json()["domainSettings"]
    assert settings["mainDomainAdmin"] == "hiddenadm"
    changed = client.post(
        DA + "domain", json={"domainSettings": {"showListMenu": False, "maxUsers": 999}}, headers=da
    )
    assert changed.json()["success"] is True
    settings = client.get(DA + "domain", headers=da).json()["domainSettings"]
    assert settings["showListMenu"] is False and settings["maxUsers"] == 5  # limits stay sysadmin-only

    new_user = {
        "userData": {
            "userName": "jane",
            "password": "Pw-123456",
            "fullName": "Jane Doe",
            "maxMailboxSize": 1024**3,
            "securityFlags": {"isDomainAdmin": False},
        }
    }
    assert client.post(DA + "user-put", json=new_user, headers=da).json() == {
        "success": True,
        "resultCode": 200,
    }
    again = client.post(DA + "user-put", json=new_user, headers=da)
    assert again.status_code == 400 and again.json()["message"] == "USER_ADD_ERROR_NAME_IN_USE"
    bad = client.post(
        DA + "user-put", json={"userData": {"userName": "bad name", "password": "x"}}, headers=da
    )
    assert bad.json()["message"] == "USER_ADD_ERROR_INVALID_NAME"

    users = client.get(DA + "list-users", headers=da).json()["userData"]
    assert sorted(u["userName"] for u in users) == ["hiddenadm", "jane"]
    search = client.post(
        DA + "account-list-search",
        headers=da,
        json={"search": None, "searchFlags": ["users"], "skip": 0, "take": 99999, "sortField": "userName"},
    )
    results = search.json()["results"]
    assert [(r["userName"], r["accountType"]) for r in results] == [("hiddenadm", 1), ("jane", 0)]
    aliases = client.post(DA + "account-list-search", headers=da, json={"searchFlags": ["aliases"]})
    assert aliases.json()["results"] == []
    one = client.post(DA + "get-user", json={"email": "jane@example.test"}, headers=da).json()["userData"]
    assert one["fullName"] == "Jane Doe" and one["maxMailboxSize"] == 1024**3

    # The hidden admin can log in directly as user@domain.
    direct = login(client, "hiddenadm@example.test", HIDDEN_PASSWORD)
    assert direct["isDomainAdmin"] is True and direct["isAdmin"] is False
    assert direct["emailAddress"] == "hiddenadm@example.test"
    assert client.get(DA + "data", headers=bearer(direct["accessToken"])).status_code == 200
    # A plain mailbox user is neither sysadmin nor domain admin.
    plain = login(client, "jane@example.test", "Pw-123456")
    assert client.get(DA + "list-users", headers=bearer(plain["accessToken"])).status_code == 403
    assert client.get(SA + "domains", headers=bearer(plain["accessToken"])).status_code == 403

    primary = client.post(DA + "account-list-delete", json={"input": ["hiddenadm"]}, headers=da)
    assert primary.status_code == 400
    assert client.post(DA + "account-list-delete", json={"input": ["jane"]}, headers=da).json()["success"]
    assert client.get(DA + "data", headers=da).json()["domainData"]["userCount"] == 1


def test_user_limit_is_enforced(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)  # userLimit 5, primary admin counts
    da = impersonate(client, sa)
    for i in range(4):
        body = {"userData": {"userName": f"u{i}", "password": "Pw-123456"}}
        assert client.post(DA + "user-put", json=body, headers=da).json()["success"] is True
    over = client.post(DA + "user-put", json={"userData": {"userName": "u9", "password": "Pw-1"}}, headers=da)
    assert over.status_code == 400 and over.json()["message"] == "USER_ADD_ERROR_LIMIT_REACHED"


def test_domain_routes_need_domain_context(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)
    assert client.get(DA + "data", headers=sa).status_code == 403
    named = client.get(DA + "data", headers={**sa, "X-SmarterMailDomain": "example.test"})
    assert named.status_code == 200 and named.json()["domainData"]["name"] == "example.test"
    da = impersonate(client, sa)
    assert client.get(SA + "domains", headers=da).status_code == 403


def test_impersonation_refresh_rotates(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)
    answer = client.post(SA + "manage-domain/example.test", headers=sa).json()
    assert answer["username"] == "hiddenadm" and answer["email"] == "hiddenadm@example.test"
    assert ISO_7.match(answer["impersonateAccessTokenExpiration"])
    new = client.post("/api/v1/auth/refresh-token", json={"token": answer["impersonateRefreshToken"]}).json()
    assert new["isImpersonating"] is True
    assert client.get(DA + "data", headers=bearer(new["accessToken"])).status_code == 200


def test_dkim_endpoints(client: httpx.Client, sa: dict[str, str]) -> None:
    create_domain(client, sa)
    da = impersonate(client, sa)
    assert client.get(DA + "dkim-settings", headers=da).json()["dkimSettings"]["status"] == "none"
    assert client.post(DA + "dkim-delete-rollover", headers=da).status_code == 400
    assert (
        client.post(DA + "dkim-create-rollover/3000", headers=da).json()["message"] == "DKIM_INVALID_KEY_SIZE"
    )
    rollover = client.post(DA + "dkim-create-rollover/2048", headers=da).json()
    assert rollover["success"] is True and rollover["keySize"] == 2048 and rollover["publicKey"]
    unforced = client.post(DA + "dkim-verify-rollover/false", headers=da)
    assert unforced.status_code == 400 and unforced.json()["success"] is False
    assert client.post(DA + "dkim-verify-rollover/true", headers=da).json()["success"] is True
    view = client.get(DA + "dkim", headers=da).json()["dkim"]
    assert view["enabled"] is True and view["status"] == "active"
    assert view["selector"] == rollover["selector"]
    assert view["txtRecord"] == f"v=DKIM1; k=rsa; p={rollover['publicKey']}"
    assert client.post(DA + "dkim-disable", headers=da).json()["success"] is True
    assert client.get(DA + "dkim-settings", headers=da).json()["dkimSettings"]["enabled"] is False


def test_retrieve_login_token(client: httpx.Client, sa: dict[str, str], simulator: RunningSimulator) -> None:
    create_domain(client, sa)
    body = client.post(
        "/api/v1/auth/retrieve-login-token",
        headers=sa,
        json={"username": "hiddenadm", "domain": "example.test"},
    ).json()
    assert body["autoLoginUrl"].startswith(simulator.url + "/interface/autologin?autologin=")
    missing = client.post(
        "/api/v1/auth/retrieve-login-token", headers=sa, json={"username": "x", "domain": "n.test"}
    )
    assert missing.status_code == 400


def test_non_api_paths_answer_html(client: httpx.Client) -> None:
    assert client.get("/").headers["content-type"].startswith("text/html")
    missing = client.get("/interface/nothing")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


# -- HTTPS -------------------------------------------------------------------------------------
def test_https_lifecycle(tls_simulator: RunningSimulator) -> None:
    with tls_simulator.client() as client:
        token = login(client)["accessToken"]
        sa = bearer(token)
        create_domain(client, sa, "secure.test")
        assert client.get(SA + "domain/secure.test", headers=sa).status_code == 200
        da = impersonate(client, sa, "secure.test")
        assert client.get(DA + "list-users", headers=da).status_code == 200
        assert client.post(SA + "domain-delete/secure.test/false", headers=sa).json()["success"] is True


def test_https_also_answers_on_localhost(tls_simulator: RunningSimulator) -> None:
    url = tls_simulator.url.replace("127.0.0.1", "localhost")
    response = httpx.get(url + "/api/v1/licensing/about", verify=tls_simulator.verify, timeout=5)
    assert response.status_code == 200


def test_concurrent_creates_of_one_name_succeed_once(simulator: RunningSimulator, sa: dict[str, str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def put(_: int) -> int:
        with simulator.client() as own:
            return own.post(SA + "domain-put", json=domain_put_body("race.test"), headers=sa).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(put, range(32)))
    assert statuses.count(200) == 1 and statuses.count(400) == 31
    assert [d["name"] for d in simulator.state()["domains"]] == ["race.test"]
