"""Every SmarterMailClient call against the real simulator, over plain HTTP and HTTPS."""

from __future__ import annotations

import datetime
import secrets
import threading
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailError,
    SmarterMailNotFoundError,
)
from fixtures.simulator import client_for, simulator_over_http_and_https

LOGIN = "/api/v1/auth/authenticate-user"


# Each test runs over plain HTTP, then over HTTPS (the session simulators, reset before each test).
sim = simulator_over_http_and_https()


def requests_to(sim: Any, path: str) -> list[dict[str, Any]]:
    return [r for r in sim.state()["requests"] if r["path"] == path]


def unique_domain() -> str:
    return f"client-{secrets.token_hex(4)}.test"


def test_unauthenticated_calls_do_not_log_in(sim: Any) -> None:
    with client_for(sim) as client:
        settings = client.login_settings()
        about = client.about()
    assert settings["success"] is True
    assert settings["customTitle"] == "Welcome to SmarterMail"
    state = sim.state()
    assert about["version"] == state["config"]["version"]
    assert isinstance(about["enterpriseFunctionality"], bool)
    assert state["logins"] == 0
    assert requests_to(sim, LOGIN) == []


def test_login_reports_a_sysadmin_with_a_future_expiry(sim: Any) -> None:
    with client_for(sim) as client:
        result = client.login()
        assert client.logged_in
    assert result.username == "admin"
    assert result.is_sysadmin is True
    assert result.usable is True
    now = datetime.datetime.now(datetime.timezone.utc)
    ttl = sim.state()["config"]["token_ttl"]
    assert result.access_token_expiration is not None
    assert now < result.access_token_expiration <= now + datetime.timedelta(seconds=ttl + 5)


def test_domain_lifecycle_through_every_call(sim: Any) -> None:
    name = unique_domain()
    with client_for(sim) as client:
        assert client.list_domains() == []
        assert client.get_domain(name) is None
        client.add_domain(
            name,
            path="C:\\SmarterMail\\Domains\\" + name,
            admin_username="hiddenadm",
            admin_password="Adm1n-Pa55word-xyz",
            user_limit=5,
            max_size=10 * 1024**3,
        )
        stored = next(d for d in sim.state()["domains"] if d["name"] == name)
        assert stored["path"] == "C:\\SmarterMail\\Domains\\" + name
        assert stored["hostname"] == "mail." + name
        assert (stored["userLimit"], stored["maxSize"]) == (5, 10 * 1024**3)
        assert stored["primaryAdmin"] == "hiddenadm"

        assert client.get_domain(name)["name"] == name
        assert [d["name"] for d in client.list_domains()] == [name]

        assert client.get_domain_settings(name)["isEnabled"] is True
        client.set_domain_settings(name, {"isEnabled": False})
        assert client.get_domain_settings(name)["isEnabled"] is False
        assert next(d for d in sim.state()["domains"] if d["name"] == name)["isEnabled"] is False

        impersonation = client.manage_domain(name)
        assert isinstance(impersonation["impersonateAccessToken"], str)
        assert impersonation["impersonateAccessToken"]
        assert impersonation["email"] == "hiddenadm@" + name

        users = client.list_domain_users(name)
        assert [u["userName"] for u in users] == ["hiddenadm"]
        assert users[0]["isPrimaryDomainAdmin"] is True

        client.delete_domain(name, delete_files=True)
        assert client.get_domain(name) is None
    assert sim.state()["deletions"] == [{"domain": name, "deleteFiles": True}]


def test_custom_hostname_and_delete_keeping_files(sim: Any) -> None:
    name = unique_domain()
    with client_for(sim) as client:
        client.add_domain(
            name,
            path="/var/lib/smartermail/Domains/" + name,
            admin_username="adm",
            admin_password="Pw-123456",
            hostname="webmail." + name,
        )
        assert client.get_domain(name)["hostname"] == "webmail." + name
        client.delete_domain(name, delete_files=False)
    assert sim.state()["deletions"] == [{"domain": name, "deleteFiles": False}]


def test_unknown_domain_is_none_for_reads_and_not_found_for_the_rest(sim: Any) -> None:
    name = unique_domain()
    with client_for(sim) as client:
        assert client.get_domain(name) is None
        for call in (
            lambda: client.get_domain_settings(name),
            lambda: client.set_domain_settings(name, {"isEnabled": True}),
            lambda: client.manage_domain(name),
            lambda: client.list_domain_users(name),
            lambda: client.delete_domain(name, delete_files=False),
        ):
            with pytest.raises(SmarterMailNotFoundError) as caught:
                call()
            assert caught.value.status == 404
            assert caught.value.code == "DOMAIN_NOT_FOUND"
            assert name in str(caught.value)


def test_token_is_reused_across_calls(sim: Any) -> None:
    with client_for(sim) as client:
        for _ in range(4):
            client.list_domains()
        client.get_domain(unique_domain())
    assert sim.state()["logins"] == 1
    assert len(requests_to(sim, LOGIN)) == 1


def test_threads_sharing_a_client_log_in_once(sim: Any) -> None:
    failures: list[BaseException] = []
    with client_for(sim) as client:

        def work() -> None:
            try:
                client.list_domains()
            except SmarterMailError as exc:  # collected and asserted below
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == []
    assert len(requests_to(sim, LOGIN)) == 1
    assert len(requests_to(sim, "/api/v1/settings/sysadmin/domains")) == 8


def test_logout_ends_the_session_on_the_server(sim: Any) -> None:
    with client_for(sim) as client:
        client.list_domains()
        assert sim.state()["tokens"]["access"] == 1
        client.logout()
        assert not client.logged_in
        client.logout()  # nothing left to end: no request, no error
    assert sim.state()["tokens"]["access"] == 0
    assert len(requests_to(sim, "/api/v1/auth/logout-user")) == 1
