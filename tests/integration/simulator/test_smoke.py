"""First-line contract and fixture behaviour of the simulator subprocess."""

from __future__ import annotations

import re

import httpx
from fixtures.simulator import RunningSimulator, start_simulator


def test_first_line_is_listening_url_and_sigterm_exits_zero() -> None:
    sim = start_simulator()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sim.url)
    response = httpx.get(sim.url + "/api/v1/licensing/about", timeout=5)
    assert response.json()["version"] == "100.0.9504"
    assert sim.stop() == 0
    # The listening socket is closed once the process is gone.
    try:
        httpx.get(sim.url + "/api/v1/licensing/about", timeout=2)
    except httpx.ConnectError:
        pass
    else:
        raise AssertionError("simulator still answers after SIGTERM")


def test_fixture_resets_state_between_tests(simulator: RunningSimulator) -> None:
    with simulator.client() as client:
        login = client.post("/api/v1/auth/authenticate-user", json={"username": "admin", "password": "admin"})
        assert login.status_code == 200
    assert simulator.state()["tokens"]["access"] == 1
    simulator.reset()
    assert simulator.state()["tokens"]["access"] == 0


def test_tls_fixture_serves_https_trusted_by_its_ca(tls_simulator: RunningSimulator) -> None:
    assert tls_simulator.url.startswith("https://127.0.0.1:")
    assert tls_simulator.ca_file is not None and tls_simulator.ca_file.exists()
    with tls_simulator.client() as client:
        assert client.get("/api/v1/auth/login-settings").json()["success"] is True
    try:
        httpx.get(tls_simulator.url + "/api/v1/auth/login-settings", timeout=5)  # system CAs only
    except httpx.ConnectError as exc:
        assert "CERTIFICATE_VERIFY_FAILED" in str(exc)
    else:
        raise AssertionError("a client without the test CA must not trust the simulator")
