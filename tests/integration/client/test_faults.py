"""Injected server faults (API off, HTTP 500, hang, reset, broken JSON, 200 with success:false) seen through the client."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailApiUnavailableError,
    SmarterMailConflictError,
    SmarterMailConnectError,
    SmarterMailProtocolError,
    SmarterMailRequestError,
    SmarterMailServerError,
    SmarterMailTimeoutError,
)
from fixtures.simulator import client_for, simulator_over_http_and_https, start_simulator

LOGIN = "/api/v1/auth/authenticate-user"


# Each test runs over plain HTTP, then over HTTPS (the session simulators, reset before each test).
sim = simulator_over_http_and_https()


def inject(sim: Any, fault: str, **rule: Any) -> None:
    answer = sim.control("POST", "faults", json={"fault": fault, **rule})
    assert answer.status_code == 200, answer.text


def test_api_disabled_is_reported_as_api_unavailable_and_not_as_bad_credentials(sim: Any) -> None:
    inject(sim, "api-disabled", count=2)
    with client_for(sim) as client:
        with pytest.raises(SmarterMailApiUnavailableError) as about_error:
            client.about()
        with pytest.raises(SmarterMailApiUnavailableError) as login_error:
            client.list_domains()
        # Not a credential rejection, so a later call may log in once the API is back.
        assert client.list_domains() == []
    assert about_error.value.status == 404
    assert "HTML page" in str(about_error.value)
    assert login_error.value.path == LOGIN
    assert [r["status"] for r in sim.state()["requests"] if r["path"] == LOGIN] == [404, 200]


def test_api_disabled_from_start_up() -> None:
    with start_simulator("--fault", "api-disabled") as sim:
        host, port = sim.host_port
        with SmarterMailClient(host, port, False, "admin", "admin") as client:
            for call in (client.login_settings, client.about, client.login):
                with pytest.raises(SmarterMailApiUnavailableError) as caught:
                    call()
                assert f"{host}:{port}" in str(caught.value)


@pytest.mark.parametrize("body", ["json", "html"])
def test_http_500_is_a_server_error(sim: Any, body: str) -> None:
    with client_for(sim) as client:
        client.login()
        inject(sim, "http-500", path="domains$", count=1, body=body)
        with pytest.raises(SmarterMailServerError) as caught:
            client.list_domains()
        assert client.list_domains() == []  # the fault fired once; the session survived
    assert caught.value.status == 500
    assert caught.value.code == ("INTERNAL_SERVER_ERROR" if body == "json" else None)
    assert "HTTP 500" in str(caught.value)


def test_a_hung_server_is_a_read_timeout_not_a_connect_error(sim: Any) -> None:
    inject(sim, "timeout", path="about$", count=1)
    with client_for(sim, timeout=1.0, connect_timeout=5.0) as client:
        started = time.monotonic()
        with pytest.raises(SmarterMailTimeoutError) as caught:
            client.about()
        elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 5.0
    assert "accepted the connection but did not answer" in str(caught.value)
    assert "within 1 s" in str(caught.value)


def test_reset_connection_is_a_connect_error_of_kind_reset(sim: Any) -> None:
    inject(sim, "reset", path="domains$", count=1)
    with client_for(sim) as client:
        with pytest.raises(SmarterMailConnectError) as caught:
            client.list_domains()
        assert client.list_domains() == []
    assert caught.value.kind == "reset"
    assert caught.value.path == "/api/v1/settings/sysadmin/domains"


def test_malformed_json_is_a_protocol_error(sim: Any) -> None:
    inject(sim, "malformed-json", path="domains$", count=1)
    with client_for(sim) as client, pytest.raises(SmarterMailProtocolError) as caught:
        client.list_domains()
    assert "not valid JSON" in str(caught.value)


def test_fault_after_some_requests_hits_the_right_call(sim: Any) -> None:
    inject(sim, "http-500", after=1, count=1)
    with client_for(sim) as client:
        client.login()  # request 1 passes
        with pytest.raises(SmarterMailServerError):
            client.list_domains()  # request 2 fails
        assert client.list_domains() == []


def test_latency_below_the_timeout_is_fine() -> None:
    with start_simulator("--latency-ms", "300") as sim:
        host, port = sim.host_port
        with SmarterMailClient(host, port, False, "admin", "admin", timeout=5.0) as client:
            started = time.monotonic()
            assert client.about()["version"]
            assert time.monotonic() - started >= 0.3


def test_http_200_with_success_false_is_a_failure_and_the_error_says_so(sim: Any) -> None:
    inject(sim, "success-false", path="domains$", count=1)
    with client_for(sim) as client:
        with pytest.raises(SmarterMailRequestError) as caught:
            client.list_domains()
        assert client.list_domains() == []  # the fault fired once; the session survived
    assert caught.value.status == 200 and caught.value.code == "SIMULATED_FAILURE"
    assert "answered HTTP 200 but with success: false (SIMULATED_FAILURE)" in str(caught.value)
    assert "the call failed although the status says OK" in str(caught.value)


def test_http_200_with_success_false_keeps_the_typed_meaning_of_its_code(sim: Any) -> None:
    inject(sim, "success-false", path="domain-put$", message="DOMAIN_ADD_ERROR_NAME_IN_USE")
    with client_for(sim) as client, pytest.raises(SmarterMailConflictError) as caught:
        client.add_domain(
            "taken.test",
            path="C:\\Domains\\taken.test",
            admin_username="abcdefghij",
            admin_password="Xx-1234567",
        )
    assert caught.value.status == 200
    assert sim.state()["domains"] == []  # nothing was created
