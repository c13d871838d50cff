"""``smartermail-whmcs simulator`` as a process: options, --fault, TLS files, signals, bad values."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from fixtures.cli import run_cli
from fixtures.simulator import RunningSimulator, start_simulator

ABOUT = "/api/v1/licensing/about"
LOGIN = "/api/v1/auth/authenticate-user"
DOMAINS = "/api/v1/settings/sysadmin/domains"
DOMAIN_PUT = "/api/v1/settings/sysadmin/domain-put"


def login(sim: RunningSimulator, username: str, password: str) -> httpx.Response:
    with sim.client() as client:
        return client.post(LOGIN, json={"username": username, "password": password})


def auth_for(sim: RunningSimulator, username: str, password: str) -> dict[str, str]:
    response = login(sim, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def simulator_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("simulator", *args, timeout=30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port"),
        (["--port", "abc"], "--port"),
        (["--sysadmin", "nocolon"], "USER:PASS"),
        (["--sysadmin", "admin:"], "USER:PASS"),
        (["--user", "bad name:pw"], "may only contain"),
        (["--sysadmin", "a:1", "--sysadmin", "A:2"], "given twice"),
        (["--sysadmin", "a:1", "--user", "a:2"], "both as sysadmin and user"),
        (["--login-failure-style", "500"], "--login-failure-style"),
        (["--fault", "bogus"], "--fault"),
        (["--tls"], "--tls needs --cert-dir"),
        (["--cert-dir", "/tmp/x"], "only used with --tls"),
        (["--version", "x.y"], "version must look like"),
        (["--latency-ms", "-1"], "--latency-ms"),
        (["--token-ttl", "0"], "--token-ttl"),
        (["--max-domains", "-3"], "--max-domains"),
    ],
)
def test_bad_values_exit_2_with_a_clear_message(args: list[str], message: str) -> None:
    done = simulator_cli(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_bad_password_is_not_echoed() -> None:
    done = simulator_cli("--sysadmin", "bad user:TopSecretValue")
    assert done.returncode == 2 and "TopSecretValue" not in done.stderr


def test_port_in_use_is_a_clean_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = simulator_cli("--port", str(taken.getsockname()[1]))
    assert done.returncode == 1
    assert "cannot listen on 127.0.0.1" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_zero_and_closes_socket(signum: signal.Signals) -> None:
    sim = start_simulator()
    host, port = sim.host_port
    assert httpx.get(sim.url + ABOUT, timeout=5).status_code == 200
    sim.process.send_signal(signum)
    assert sim.process.wait(timeout=10) == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=2).close()
    sim.stop()


def test_tls_writes_cert_files_and_serves_https(tmp_path: Path) -> None:
    cert_dir = tmp_path / "new" / "certs"
    with start_simulator(tls=True, cert_dir=cert_dir) as sim:
        assert sim.url.startswith("https://127.0.0.1:")
        assert {p.name for p in cert_dir.iterdir()} == {"ca.pem", "server.pem", "server.key"}
        assert (cert_dir / "server.pem").read_text().count("BEGIN CERTIFICATE") >= 1
        assert "PRIVATE KEY" in (cert_dir / "server.key").read_text()
        context = ssl.create_default_context(cafile=str(cert_dir / "ca.pem"))
        host, port = sim.host_port
        with (
            socket.create_connection((host, port), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
        # Plain HTTP against the TLS port fails instead of hanging.
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            httpx.get(sim.url.replace("https://", "http://") + ABOUT, timeout=5)
        assert httpx.get(sim.url + ABOUT, verify=sim.verify, timeout=5).status_code == 200


def test_login_failure_style_200() -> None:
    with start_simulator("--login-failure-style", "200") as sim:
        refused = login(sim, "admin", "wrong")
        assert refused.status_code == 200
        assert refused.json() == {
            "success": False,
            "resultCode": 200,
            "message": "USERNAME_OR_PASSWORD_INCORRECT",
        }


def test_login_failure_style_401_default() -> None:
    with start_simulator("--login-failure-style", "401") as sim:
        refused = login(sim, "admin", "wrong")
        assert refused.status_code == 401 and refused.json()["resultCode"] == 401


def test_accounts_sysadmins_and_non_sysadmin_user() -> None:
    with start_simulator(
        "--sysadmin", "alice:pw:with:colons", "--sysadmin", "bob:pw2", "--user", "carol:pw3"
    ) as sim:
        assert login(sim, "admin", "admin").status_code == 401  # no default once accounts are given
        assert login(sim, "alice", "pw:with:colons").json()["username"] == "alice@"
        assert login(sim, "BOB", "pw2").json()["isAdmin"] is True
        carol = login(sim, "carol", "pw3").json()
        assert carol["success"] is True and carol["isAdmin"] is False and carol["isDomainAdmin"] is False
        auth = {"Authorization": f"Bearer {carol['accessToken']}"}
        with sim.client() as client:
            for method, path in (
                ("GET", DOMAINS),
                ("POST", DOMAIN_PUT),
                ("GET", "/api/v1/settings/sysadmin/domain/x.test"),
                ("GET", "/api/v1/settings/sysadmin/system-info"),
                ("GET", "/api/v1/settings/sysadmin/not-a-real-endpoint"),
            ):
                response = client.request(method, path, headers=auth)
                assert response.status_code == 403, path
                assert response.json() == {"success": False, "resultCode": 403, "message": "ACCESS_DENIED"}
            assert client.get("/api/v1/settings/domain/data", headers=auth).status_code == 403


def test_token_ttl_expires_access_token() -> None:
    with start_simulator("--token-ttl", "1") as sim:
        response = login(sim, "admin", "admin").json()
        auth = {"Authorization": f"Bearer {response['accessToken']}"}
        with sim.client() as client:
            assert client.get(DOMAINS, headers=auth).status_code == 200
            time.sleep(1.3)
            expired = client.get(DOMAINS, headers=auth)
            assert expired.status_code == 401 and expired.json()["message"] == "TOKEN_EXPIRED"
            new = client.post("/api/v1/auth/refresh-token", json={"token": response["refreshToken"]}).json()
            assert (
                client.get(DOMAINS, headers={"Authorization": f"Bearer {new['accessToken']}"}).status_code
                == 200
            )


def test_max_domains_and_version() -> None:
    with start_simulator("--max-domains", "1", "--version", "100.0.9693") as sim:
        auth = auth_for(sim, "admin", "admin")
        body = {"adminUsername": "adm", "adminPassword": "pw-123456", "domainData": {"name": "first.test"}}
        with sim.client() as client:
            assert client.post(DOMAIN_PUT, json=body, headers=auth).json()["success"] is True
            body["domainData"] = {"name": "second.test"}
            second = client.post(DOMAIN_PUT, json=body, headers=auth)
            assert second.status_code == 400
            assert second.json() == {
                "success": False,
                "resultCode": 400,
                "message": "DOMAIN_ADD_ERROR_LICENSE_LIMIT",
            }
            about = client.get(ABOUT).json()
            assert about == {"version": "100.0.9693", "edition": 2, "enterpriseFunctionality": False}
            info = client.get("/api/v1/settings/sysadmin/system-info", headers=auth).json()
            assert info["productEdition"] == "Free" and info["totalDomains"] == 1


def test_latency_is_added_to_api_requests() -> None:
    with start_simulator("--latency-ms", "300") as sim, sim.client() as client:
        started = time.monotonic()
        assert client.get(ABOUT).status_code == 200
        assert time.monotonic() - started >= 0.3


def test_fault_api_disabled() -> None:
    with start_simulator("--fault", "api-disabled") as sim, sim.client() as client:
        for path in (ABOUT, LOGIN, "/api/v1/unknown"):
            page = client.get(path)
            assert page.status_code == 404 and page.headers["content-type"].startswith("text/html"), path
        assert sim.control("GET", "state").status_code == 200


def test_fault_http_500() -> None:
    with start_simulator("--fault", "http-500") as sim, sim.client() as client:
        failed = client.post(LOGIN, json={"username": "admin", "password": "admin"})
        assert failed.status_code == 500 and failed.json()["success"] is False
        assert failed.json()["resultCode"] == 500


def test_fault_reset() -> None:
    with start_simulator("--fault", "reset") as sim, sim.client() as client:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            client.get(ABOUT)
        assert sim.control("GET", "state").json()["requests"][0]["status"] == 0


def test_fault_timeout_does_not_block_other_requests_or_shutdown() -> None:
    sim = start_simulator("--fault", "timeout")
    errors: list[BaseException] = []

    def hang() -> None:
        try:
            httpx.get(sim.url + ABOUT, timeout=30)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=hang)
    worker.start()
    time.sleep(0.3)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(sim.url + ABOUT, timeout=1)
    assert sim.control("GET", "state").status_code == 200  # control API still answers
    started = time.monotonic()
    assert sim.stop(timeout=10) == 0
    assert time.monotonic() - started < 5
    worker.join(timeout=10)
    assert errors and isinstance(errors[0], (httpx.RemoteProtocolError, httpx.ReadError))


def test_fault_given_twice_and_log_requests() -> None:
    with start_simulator("--fault", "http-500", "--fault", "reset", "--log-requests") as sim:
        assert httpx.get(sim.url + ABOUT, timeout=5).status_code == 500  # the first listed wins
        faults = [rule["fault"] for rule in sim.state()["faults"]]
        assert faults == ["http-500", "reset"]
        sim.stop()
        assert "GET /api/v1/licensing/about" in sim.stderr_text()


def test_help_lists_every_option() -> None:
    done = simulator_cli("--help")
    assert done.returncode == 0
    for option in (
        "--host",
        "--port",
        "--tls",
        "--cert-dir",
        "--sysadmin",
        "--user",
        "--version",
        "--latency-ms",
        "--token-ttl",
        "--max-domains",
        "--login-failure-style",
        "--fault",
    ):
        assert option in done.stdout


def test_sysadmin_from_environment_keeps_password_out_of_argv() -> None:
    env_password = "Env-Only-Pass-8842"
    os.environ["SMARTERMAIL_SIMULATOR_SYSADMIN"] = f"envadmin:{env_password}"
    try:
        with start_simulator() as sim:
            cmdline = Path(f"/proc/{sim.process.pid}/cmdline").read_bytes().decode()
            login = sim.client().post(
                "/api/v1/auth/authenticate-user", json={"username": "envadmin", "password": env_password}
            )
    finally:
        del os.environ["SMARTERMAIL_SIMULATOR_SYSADMIN"]
    assert env_password not in cmdline
    assert login.status_code == 200 and login.json()["isAdmin"] is True


@pytest.mark.parametrize(
    ("flag", "expected_message", "change_password"),
    [
        ("--sysadmin-2fa", "TWO_FACTOR_REQUIRED|", False),
        ("--sysadmin-password-change", "CHANGE_PASSWORD_NEEDED", True),
    ],
)
def test_step_logins_give_a_token_every_endpoint_refuses(
    flag: str, expected_message: str, change_password: bool
) -> None:
    with start_simulator(flag, "stepper:step-pass") as sim, sim.client() as client:
        login = client.post(
            "/api/v1/auth/authenticate-user", json={"username": "stepper", "password": "step-pass"}
        )
        body = login.json()
        domains = client.get(
            "/api/v1/settings/sysadmin/domains", headers={"Authorization": f"Bearer {body['accessToken']}"}
        )
    assert login.status_code == 200 and body["success"] is True
    assert body["message"].startswith(expected_message)
    assert body["changePasswordNeeded"] is change_password
    assert domains.status_code == 403
