"""Injected faults on the domain-admin endpoints, and the success-false fault, over real HTTP and HTTPS."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fixtures.simulator import start_simulator
from fixtures.simulator_api import HIDDEN_PASSWORD, LOGIN, DomainApi, domain_api_over_http_and_https, refused

api = domain_api_over_http_and_https()


def inject(api: DomainApi, **rule: object) -> None:
    answer = api.sim.control("POST", "faults", json=rule)
    assert answer.status_code == 200, answer.text


def last_status(api: DomainApi, path_end: str) -> int:
    return [r["status"] for r in api.sim.state()["requests"] if r["path"].endswith(path_end)][-1]


def test_success_false_answers_200_and_changes_nothing(api: DomainApi) -> None:
    inject(api, fault="success-false", path="post-user$", count=1)
    body = {"email": api.email("hiddenadm"), "userData": {"password": "Brand-new-Pass-7!"}}
    answer = api.da_post("post-user", body)
    assert answer.status_code == 200
    assert answer.json() == {"success": False, "resultCode": 200, "message": "SIMULATED_FAILURE"}

    # The password did not change: the old one still logs in, the new one does not.
    def logs_in(password: str) -> bool:
        answer = api.client.post(LOGIN, json={"username": api.email("hiddenadm"), "password": password})
        return answer.status_code == 200

    assert logs_in(HIDDEN_PASSWORD) and not logs_in("Brand-new-Pass-7!")
    assert api.da_post("post-user", body).json()["success"] is True  # count 1: the next call goes through
    assert logs_in("Brand-new-Pass-7!")
    assert api.sim.state()["faults"][0]["fired"] == 1


def test_success_false_with_a_chosen_message_code(api: DomainApi) -> None:
    inject(api, fault="success-false", path="alias-put", message="USER_ADD_ERROR_NAME_IN_USE")
    answer = api.add_alias("sales", "a@example.test")
    assert answer.status_code == 200 and answer.json()["message"] == "USER_ADD_ERROR_NAME_IN_USE"
    assert api.search("aliases") == []
    bad = api.sim.control("POST", "faults", json={"fault": "success-false", "message": "no spaces allowed"})
    assert bad.status_code == 400 and "message must be a code" in bad.json()["message"]


@pytest.mark.parametrize(
    ("path", "method", "call"),
    [
        ("account-search-quick$", "POST", lambda api: api.da_post("account-search-quick", {})),
        ("alias/sales$", "GET", lambda api: api.da_get("alias/sales")),
        ("active-sync-mailboxes$", "GET", lambda api: api.da_get("active-sync-mailboxes")),
        ("get-mailbox-forward-list$", "POST", lambda api: api.da_post("get-mailbox-forward-list", {})),
        ("domain-aliases$", "GET", lambda api: api.da_get("domain-aliases")),
        ("impersonate-user/jane$", "POST", lambda api: api.da_post("impersonate-user/jane")),
    ],
)
def test_http_500_and_api_disabled_hit_the_new_endpoints(
    api: DomainApi, path: str, method: str, call: Callable[[DomainApi], httpx.Response]
) -> None:
    inject(api, fault="http-500", path=path, method=method, count=1)
    inject(api, fault="api-disabled", path=path, method=method, count=1)
    first = call(api)
    assert refused(first, 500, "INTERNAL_SERVER_ERROR")
    second = call(api)
    assert second.status_code == 404 and second.headers["content-type"].startswith("text/html")
    third = call(api)
    assert third.status_code != 500 and third.headers["content-type"].startswith("application/json")


def test_reset_and_timeout_on_a_domain_admin_call(api: DomainApi) -> None:
    inject(api, fault="reset", path="get-user-mail$", count=1)
    with pytest.raises(httpx.TransportError):
        api.da_post("get-user-mail", {"email": api.email("hiddenadm")})
    assert last_status(api, "get-user-mail") == 0
    inject(api, fault="timeout", path="mapi-ews-mailboxes$", count=1)
    with pytest.raises(httpx.ReadTimeout):
        api.client.get("/api/v1/settings/domain/mapi-ews-mailboxes", headers=api.da, timeout=1.0)
    assert api.da_post("get-user-mail", {"email": api.email("hiddenadm")}).status_code == 200


def test_expired_token_fault_on_a_domain_admin_call(api: DomainApi) -> None:
    inject(api, fault="expired-token", path="domain-aliases$", count=1)
    assert refused(api.da_get("domain-aliases"), 401, "TOKEN_EXPIRED")
    assert refused(api.da_get("data"), 401, "TOKEN_EXPIRED")  # the impersonation token really expired


def test_success_false_from_start_up() -> None:
    with start_simulator("--fault", "success-false") as sim, sim.client() as client:
        answer = client.get("/api/v1/licensing/about")
        assert answer.status_code == 200
        assert answer.json() == {"success": False, "resultCode": 200, "message": "SIMULATED_FAILURE"}
        assert client.get("/").status_code == 200  # outside /api
