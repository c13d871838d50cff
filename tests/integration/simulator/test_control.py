"""The /__simulator/ control API: faults with after/count, token expiry, usage, config, reset."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import httpx
import pytest
from fixtures.simulator import RunningSimulator

ABOUT = "/api/v1/licensing/about"
LOGIN = "/api/v1/auth/authenticate-user"
DOMAINS = "/api/v1/settings/sysadmin/domains"
CREDENTIALS = {"username": "admin", "password": "admin"}


@pytest.fixture
def client(simulator: RunningSimulator) -> Any:
    with simulator.client() as c:
        yield c


def add_fault(sim: RunningSimulator, **rule: Any) -> dict[str, Any]:
    response = sim.control("POST", "faults", json=rule)
    assert response.status_code == 200, response.text
    return response.json()["fault"]


def token(client: httpx.Client) -> dict[str, Any]:
    return client.post(LOGIN, json=CREDENTIALS).json()


def test_fault_after_and_count(simulator: RunningSimulator, client: httpx.Client) -> None:
    add_fault(simulator, fault="http-500", path=r"licensing/about$", after=1, count=2)
    statuses = [client.get(ABOUT).status_code for _ in range(4)]
    assert statuses == [200, 500, 500, 200]
    assert client.get("/api/v1/auth/login-settings").status_code == 200  # path filter
    rule = simulator.state()["faults"][0]
    assert (rule["seen"], rule["fired"]) == (3, 2)


def test_fault_method_filter_and_json_body(simulator: RunningSimulator, client: httpx.Client) -> None:
    add_fault(simulator, fault="http-500", method="post")
    assert client.get(ABOUT).status_code == 200
    failed = client.post(LOGIN, json=CREDENTIALS)
    assert failed.status_code == 500
    assert failed.json() == {"success": False, "resultCode": 500, "message": "INTERNAL_SERVER_ERROR"}


def test_http_500_html_body(simulator: RunningSimulator, client: httpx.Client) -> None:
    add_fault(simulator, fault="http-500", body="html", count=1)
    failed = client.get(ABOUT)
    assert failed.status_code == 500 and failed.headers["content-type"].startswith("text/html")
    assert client.get(ABOUT).status_code == 200


def test_api_disabled_fault_leaves_control_api_working(
    simulator: RunningSimulator, client: httpx.Client
) -> None:
    add_fault(simulator, fault="api-disabled")
    page = client.get(ABOUT)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "404" in page.text
    assert simulator.control("DELETE", "faults").json()["removed"] == 1
    assert client.get(ABOUT).status_code == 200


def test_malformed_json_fault(simulator: RunningSimulator, client: httpx.Client) -> None:
    add_fault(simulator, fault="malformed-json", path="sysadmin/domains", count=1)
    auth = {"Authorization": f"Bearer {token(client)['accessToken']}"}
    broken = client.get(DOMAINS, headers=auth)
    assert broken.status_code == 200 and broken.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.text)
    assert client.get(DOMAINS, headers=auth).json()["success"] is True


def test_expired_token_fault_then_refresh(simulator: RunningSimulator, client: httpx.Client) -> None:
    login = token(client)
    auth = {"Authorization": f"Bearer {login['accessToken']}"}
    add_fault(simulator, fault="expired-token", path="sysadmin/", count=1)
    first = client.get(DOMAINS, headers=auth)
    assert first.status_code == 401 and first.json()["message"] == "TOKEN_EXPIRED"
    assert client.get(DOMAINS, headers=auth).status_code == 401  # the token really expired
    new = client.post("/api/v1/auth/refresh-token", json={"token": login["refreshToken"]}).json()
    assert client.get(DOMAINS, headers={"Authorization": f"Bearer {new['accessToken']}"}).status_code == 200


def test_timeout_fault_hangs_one_request_without_blocking_others(
    simulator: RunningSimulator, client: httpx.Client
) -> None:
    add_fault(simulator, fault="timeout", path="licensing/about", count=1)
    errors: list[BaseException] = []

    def hung_call() -> None:
        try:
            with simulator.client(timeout=1.5) as own:
                own.get(ABOUT)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=hung_call)
    started = time.monotonic()
    worker.start()
    time.sleep(0.2)
    assert client.get("/api/v1/auth/login-settings").status_code == 200  # served meanwhile
    worker.join(timeout=10)
    assert len(errors) == 1 and isinstance(errors[0], httpx.ReadTimeout)
    assert time.monotonic() - started >= 1.4
    assert client.get(ABOUT).status_code == 200  # count exhausted


def test_reset_fault_sends_rst(simulator: RunningSimulator) -> None:
    add_fault(simulator, fault="reset", count=1)
    host, port = simulator.host_port
    with socket.create_connection((host, port), timeout=5) as raw:
        raw.sendall(f"GET {ABOUT} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        with pytest.raises(ConnectionResetError):
            data = raw.recv(1024)
            assert data == b"", "a reset connection must not deliver data"
            raw.recv(1024)  # some kernels report the RST on the next read
    with simulator.client() as client:
        assert client.get(ABOUT).status_code == 200


def test_reset_fault_seen_by_httpx(simulator: RunningSimulator, client: httpx.Client) -> None:
    add_fault(simulator, fault="reset", count=1)
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.get(ABOUT)


def test_bad_fault_bodies_are_explained(simulator: RunningSimulator) -> None:
    cases = [
        ({"fault": "boom"}, "fault must be one of"),
        ({"fault": "reset", "path": "("}, "not a valid regular expression"),
        ({"fault": "reset", "after": -1}, "after must be"),
        ({"fault": "reset", "count": 0}, "count must be"),
        ({"fault": "reset", "colour": "red"}, "unknown field"),
        ([1, 2], "JSON object"),
    ]
    for body, message in cases:
        response = simulator.control("POST", "faults", json=body)
        assert response.status_code == 400
        assert message in response.json()["message"], body
    assert simulator.state()["faults"] == []


def test_expire_tokens(simulator: RunningSimulator, client: httpx.Client) -> None:
    login = token(client)
    auth = {"Authorization": f"Bearer {login['accessToken']}"}
    assert simulator.control("POST", "expire-tokens").json()["expired"] == 1
    expired = client.get(DOMAINS, headers=auth)
    assert expired.status_code == 401 and expired.json()["message"] == "TOKEN_EXPIRED"
    assert simulator.state()["tokens"]["accessValid"] == 0
    fresh = client.post("/api/v1/auth/refresh-token", json={"token": login["refreshToken"]})
    assert fresh.status_code == 200
    simulator.control("POST", "expire-tokens", json={"refresh": True})
    again = client.post("/api/v1/auth/refresh-token", json={"token": fresh.json()["refreshToken"]})
    assert again.status_code == 401


def test_usage_control_errors(simulator: RunningSimulator) -> None:
    missing = simulator.control("POST", "domains/none.test/usage", json={"bytes": 1})
    assert missing.status_code == 404 and "none.test" in missing.json()["message"]
    with simulator.client() as client:
        auth = {"Authorization": f"Bearer {token(client)['accessToken']}"}
        body = {"adminUsername": "adm", "adminPassword": "pw-123456", "domainData": {"name": "u.test"}}
        assert client.post("/api/v1/settings/sysadmin/domain-put", json=body, headers=auth).status_code == 200
    for bad in (-1, "12", None, True):
        response = simulator.control("POST", "domains/u.test/usage", json={"bytes": bad})
        assert response.status_code == 400, bad
    assert simulator.control("POST", "domains/u.test/usage", json={"bytes": 42}).json()["diskUsage"] == 42
    assert simulator.state()["domains"][0]["diskUsage"] == 42


def test_config_changes_and_reset_restores(simulator: RunningSimulator, client: httpx.Client) -> None:
    changed = simulator.control(
        "POST", "config", json={"version": "100.0.9693", "max_domains": 0, "login_failure_style": "200"}
    )
    assert changed.status_code == 200
    assert client.get(ABOUT).json()["version"] == "100.0.9693"
    refused = client.post(LOGIN, json={"username": "admin", "password": "bad"})
    assert refused.status_code == 200
    assert refused.json() == {
        "success": False,
        "resultCode": 200,
        "message": "USERNAME_OR_PASSWORD_INCORRECT",
    }
    auth = {"Authorization": f"Bearer {token(client)['accessToken']}"}
    body = {"adminUsername": "adm", "adminPassword": "pw-123456", "domainData": {"name": "one.test"}}
    limited = client.post("/api/v1/settings/sysadmin/domain-put", json=body, headers=auth)
    assert limited.status_code == 400 and limited.json()["message"] == "DOMAIN_ADD_ERROR_LICENSE_LIMIT"
    add_fault(simulator, fault="http-500")
    simulator.reset()
    state = simulator.state()
    assert state["config"]["version"] == "100.0.9504" and state["config"]["max_domains"] is None
    assert state["faults"] == [] and state["tokens"]["access"] == 0
    assert client.get(ABOUT).json()["version"] == "100.0.9504"


def test_config_latency(simulator: RunningSimulator, client: httpx.Client) -> None:
    simulator.control("POST", "config", json={"latency_ms": 400})
    started = time.monotonic()
    assert client.get(ABOUT).status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    simulator.control("GET", "state")
    assert time.monotonic() - started < 0.4  # the control API is not slowed down


def test_bad_config_changes_nothing(simulator: RunningSimulator) -> None:
    for body, message in (
        ({"version": "abc"}, "version must look like"),
        ({"max_domains": -2}, "max_domains must be"),
        ({"latency_ms": "fast"}, "latency_ms must be"),
        ({"login_failure_style": "302"}, "login_failure_style must be one of"),
        ({"token_ttl": 0}, "token_ttl must be at least"),
        ({"speed": 1}, "unknown config key"),
        ({"version": "100.0.1", "latency_ms": -5}, "latency_ms must be"),
    ):
        response = simulator.control("POST", "config", json=body)
        assert response.status_code == 400, body
        assert message in response.json()["message"], body
    assert simulator.state()["config"]["version"] == "100.0.9504"


def test_state_records_requests_and_unknown_control_path(
    simulator: RunningSimulator, client: httpx.Client
) -> None:
    client.get(ABOUT)
    client.post(LOGIN, json={"username": "admin", "password": "wrong"})
    state = simulator.state()
    assert [(r["method"], r["path"], r["status"]) for r in state["requests"]] == [
        ("GET", ABOUT, 200),
        ("POST", LOGIN, 401),
    ]
    assert state["logins"] == 0 and state["accounts"]["sysadmins"] == ["admin"]
    assert "admin" not in json.dumps(state["tokens"])
    missing = simulator.control("GET", "nothing-here")
    assert missing.status_code == 404 and missing.json()["success"] is False
    broken = simulator.control("POST", "config", json=None)
    assert broken.status_code == 200  # an empty body changes nothing


def test_faults_over_tls(tls_simulator: RunningSimulator) -> None:
    add_fault(tls_simulator, fault="reset", count=1)
    add_fault(tls_simulator, fault="timeout", count=1)
    with tls_simulator.client(timeout=1) as client:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            client.get(ABOUT)
        with pytest.raises(httpx.ReadTimeout):
            client.get(ABOUT)
        assert client.get(ABOUT).status_code == 200
