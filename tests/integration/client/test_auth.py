"""Logins, token refresh, permissions and domain refusals against the real simulator."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailConflictError,
    SmarterMailInvalidNameError,
    SmarterMailPermissionError,
    SmarterMailRequestError,
)
from fixtures.simulator import client_for, simulator_fixtures

LOGIN = "/api/v1/auth/authenticate-user"
REFRESH = "/api/v1/auth/refresh-token"
DOMAINS = "/api/v1/settings/sysadmin/domains"
RESELLER = ("reseller", "Res3ller-Pa55")


def statuses(sim: Any, path: str) -> list[int]:
    return [r["status"] for r in sim.state()["requests"] if r["path"] == path]


def add(client: SmarterMailClient, name: str) -> None:
    client.add_domain(
        name, path="C:\\SmarterMail\\Domains\\" + name, admin_username="adm", admin_password="Pw-9x8y7z"
    )


# A simulator that answers wrong passwords with HTTP 200 + success:false and has a non-sysadmin.
strict_sim, sim200 = simulator_fixtures(
    "--login-failure-style",
    "200",
    "--sysadmin",
    "admin:admin",
    "--user",
    ":".join(RESELLER),
    names=("strict_sim", "sim200"),
)


def test_wrong_password_as_http_401_is_an_auth_error_and_never_retried(simulator: Any) -> None:
    with client_for(simulator, password="not-the-password") as client:
        with pytest.raises(SmarterMailAuthError) as first:
            client.list_domains()
        for call in (client.login, client.list_domains, lambda: client.get_domain("a.test")):
            with pytest.raises(SmarterMailAuthError) as again:
                call()
            assert again.value is first.value
    assert first.value.status == 401
    assert first.value.code == "USERNAME_OR_PASSWORD_INCORRECT"
    assert "intrusion detection" in str(first.value)
    assert statuses(simulator, LOGIN) == [401]
    assert statuses(simulator, DOMAINS) == []


def test_wrong_password_as_http_200_success_false_is_an_auth_error(sim200: Any) -> None:
    with client_for(sim200, password="not-the-password") as client:
        with pytest.raises(SmarterMailAuthError) as caught:
            client.login()
        with pytest.raises(SmarterMailAuthError):
            client.list_domains()
    assert caught.value.status == 200
    assert caught.value.code == "USERNAME_OR_PASSWORD_INCORRECT"
    assert statuses(sim200, LOGIN) == [200]
    assert sim200.state()["logins"] == 0


def test_unknown_user_is_an_auth_error(simulator: Any) -> None:
    client = client_for(simulator, username="nobody", password="whatever-1")
    with client, pytest.raises(SmarterMailAuthError, match="'nobody'") as caught:
        client.list_domains()
    assert caught.value.code == "USERNAME_OR_PASSWORD_INCORRECT"


def test_expired_token_is_refreshed_once_and_the_call_replayed(simulator: Any) -> None:
    with client_for(simulator) as client:
        client.list_domains()
        assert simulator.control("POST", "expire-tokens").json()["success"] is True
        assert client.list_domains() == []
        # The refresh token rotates: a second expiry needs (and gets) the new one.
        simulator.control("POST", "expire-tokens")
        assert client.list_domains() == []
    assert statuses(simulator, LOGIN) == [200]
    assert statuses(simulator, REFRESH) == [200, 200]
    assert statuses(simulator, DOMAINS) == [200, 401, 200, 401, 200]


def test_rejected_refresh_is_an_auth_error_without_a_second_password_login(simulator: Any) -> None:
    with client_for(simulator) as client:
        client.list_domains()
        simulator.control("POST", "expire-tokens", json={"refresh": True})
        with pytest.raises(SmarterMailAuthError) as caught:
            client.list_domains()
        assert not client.logged_in
        with pytest.raises(SmarterMailAuthError) as again:
            client.get_domain("any.test")
        assert again.value is caught.value
        assert statuses(simulator, LOGIN) == [200]
        client.login()  # only an explicit login starts a new session
        assert client.list_domains() == []
    assert caught.value.code == "INVALID_REFRESH_TOKEN"
    assert "refresh token" in str(caught.value)
    assert statuses(simulator, LOGIN) == [200, 200]
    assert statuses(simulator, REFRESH) == [401]


def test_explicit_refresh_rotates_the_session(simulator: Any) -> None:
    with client_for(simulator) as client:
        with pytest.raises(SmarterMailAuthError, match="log in first"):
            client.refresh()
        client.login()
        client.refresh()
        client.refresh()
        assert client.list_domains() == []
    assert statuses(simulator, REFRESH) == [200, 200]
    assert simulator.state()["tokens"]["refresh"] == 1


def test_expired_token_fault_is_recovered(simulator: Any) -> None:
    with client_for(simulator) as client:
        client.login()
        simulator.control("POST", "faults", json={"fault": "expired-token", "path": "domains$", "count": 1})
        assert client.list_domains() == []
    assert statuses(simulator, DOMAINS) == [401, 200]


def test_non_sysadmin_logs_in_but_sysadmin_calls_are_refused(sim200: Any) -> None:
    with client_for(sim200, *RESELLER) as client:
        result = client.login()
        assert result.is_sysadmin is False
        assert result.username == RESELLER[0]
        for call in (client.list_domains, lambda: client.get_domain("any.test")):
            with pytest.raises(SmarterMailPermissionError) as caught:
                call()
            assert caught.value.status == 403
            assert "'reseller' is not a system administrator" in str(caught.value)
    assert statuses(sim200, LOGIN) == [200]


def test_duplicate_domain_is_a_conflict(simulator: Any) -> None:
    name = f"dup-{secrets.token_hex(3)}.test"
    with client_for(simulator) as client:
        add(client, name)
        with pytest.raises(SmarterMailConflictError) as caught:
            add(client, name)
        assert len(client.list_domains()) == 1
    assert caught.value.code == "DOMAIN_ADD_ERROR_NAME_IN_USE"
    assert caught.value.status == 400
    assert name in str(caught.value)


@pytest.mark.parametrize("name", ["bad_name.test", "-leading.test", "nodot", "a.b.1234"])
def test_invalid_domain_name_is_refused_by_the_server(simulator: Any, name: str) -> None:
    with client_for(simulator) as client:
        with pytest.raises(SmarterMailInvalidNameError) as caught:
            add(client, name)
        assert client.list_domains() == []
    assert caught.value.code == "DOMAIN_ADD_ERROR_INVALID_NAME"


def test_license_domain_limit_is_a_request_error_with_the_code(simulator: Any) -> None:
    simulator.control("POST", "config", json={"max_domains": 1})
    with client_for(simulator) as client:
        assert client.about()["edition"] == 2
        add(client, "first.test")
        with pytest.raises(SmarterMailRequestError) as caught:
            add(client, "second.test")
    assert caught.value.code == "DOMAIN_ADD_ERROR_LICENSE_LIMIT"
    assert type(caught.value) is SmarterMailRequestError
