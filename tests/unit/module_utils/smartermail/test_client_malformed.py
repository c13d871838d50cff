"""Client behaviour on answers a real server (or the simulator) cannot easily produce.

httpx.MockTransport is used here only for malformed or unusual answers: oversized and broken
bodies, wrong payload types, 2FA / password-change logins, a server echoing the password back.
Everything else is tested against the real simulator in tests/integration/client/.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import MAX_BODY_BYTES
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailConfigError,
    SmarterMailError,
    SmarterMailInvalidNameError,
    SmarterMailPasswordChangeRequiredError,
    SmarterMailProtocolError,
    SmarterMailTwoFactorRequiredError,
)

PASSWORD = "Sup3r-Secret-Pa55"
LOGIN_PATH = "/api/v1/auth/authenticate-user"


def login_ok(**overrides: object) -> dict[str, object]:
    answer: dict[str, object] = {
        "success": True,
        "resultCode": 200,
        "isAdmin": True,
        "username": "admin@",
        "accessToken": "access-token-1",
        "refreshToken": "refresh-token-1",
        "accessTokenExpiration": "2030-01-01T00:00:00.0000000Z",
    }
    answer.update(overrides)
    return answer


class Server:
    """Routes path -> handler and records the paths called."""

    def __init__(self, routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> None:
        self.routes = routes
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path)
        handler = self.routes.get(request.url.path)
        if handler is None:
            return httpx.Response(404, json={"success": False, "message": "NO_ROUTE"})
        return handler(request)


def client_for(server: Server, **kwargs: object) -> SmarterMailClient:
    return SmarterMailClient(
        "mail.example.com",
        username="admin",
        password=PASSWORD,
        transport=httpx.MockTransport(server),
        **kwargs,  # type: ignore[arg-type]
    )


def with_login(routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> Server:
    return Server({LOGIN_PATH: lambda r: httpx.Response(200, json=login_ok()), **routes})


def test_oversized_body_with_content_length_is_refused() -> None:
    big = b'{"data": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    server = with_login({"/api/v1/settings/sysadmin/domains": lambda r: httpx.Response(200, content=big)})
    with client_for(server) as client, pytest.raises(SmarterMailProtocolError, match="larger than"):
        client.list_domains()


def test_oversized_streamed_body_is_refused_while_reading() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        chunks = (b"[" + b"1," * 65536 for _ in range(100))  # ~13 MiB, no Content-Length
        return httpx.Response(200, content=chunks, headers={"content-type": "application/json"})

    server = with_login({"/api/v1/settings/sysadmin/domains": endless})
    with client_for(server) as client, pytest.raises(SmarterMailProtocolError, match="larger than"):
        client.list_domains()


def test_body_claiming_gzip_that_is_not_is_a_protocol_error() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip at all", headers={"content-encoding": "gzip"})

    server = Server({"/api/v1/auth/login-settings": broken})
    with client_for(server) as client, pytest.raises(SmarterMailProtocolError, match="unreadable"):
        client.login_settings()


@pytest.mark.parametrize(
    "answer",
    [
        {"success": True, "data": {"name": "a.test"}},
        {"success": True, "data": ["a.test"]},
        {"success": True},
    ],
)
def test_wrong_payload_types_are_protocol_errors(answer: dict[str, object]) -> None:
    server = with_login({"/api/v1/settings/sysadmin/domains": lambda r: httpx.Response(200, json=answer)})
    with client_for(server) as client, pytest.raises(SmarterMailProtocolError, match="data"):
        client.list_domains()


@pytest.mark.parametrize(
    "answer",
    [{"edition": 2}, {"version": 100, "edition": 2}, {"version": "100.0.1", "edition": "Free"}],
)
def test_about_with_wrong_types_is_a_protocol_error(answer: dict[str, object]) -> None:
    server = Server({"/api/v1/licensing/about": lambda r: httpx.Response(200, json=answer)})
    with client_for(server) as client, pytest.raises(SmarterMailProtocolError):
        client.about()


def test_successful_login_without_token_is_a_protocol_error() -> None:
    server = Server({LOGIN_PATH: lambda r: httpx.Response(200, json=login_ok(accessToken=""))})
    with client_for(server) as client, pytest.raises(SmarterMailProtocolError, match="accessToken"):
        client.login()


def test_domain_data_null_reads_as_missing() -> None:
    server = with_login(
        {"/api/v1/settings/sysadmin/domain/a.test": lambda r: httpx.Response(200, json={"success": True})}
    )
    with client_for(server) as client:
        assert client.get_domain("a.test") is None


def test_two_factor_login_is_reported_and_its_step_token_never_used() -> None:
    step = login_ok(message="TWO_FACTOR_REQUIRED|rfc6238|admin@example.com")
    server = Server({LOGIN_PATH: lambda r: httpx.Response(200, json=step)})
    with client_for(server) as client:
        result = client.login()
        assert result.two_factor_required is True
        with pytest.raises(SmarterMailTwoFactorRequiredError, match="two-factor"):
            client.list_domains()
    assert server.calls == [LOGIN_PATH]


def test_password_change_login_is_reported_distinctly() -> None:
    server = Server({LOGIN_PATH: lambda r: httpx.Response(200, json=login_ok(changePasswordNeeded=True))})
    with client_for(server) as client:
        with pytest.raises(SmarterMailPasswordChangeRequiredError, match="change the password"):
            client.list_domains()
        assert client.last_login is not None
        assert client.last_login.change_password_needed is True
    assert server.calls == [LOGIN_PATH]


def test_older_builds_two_factor_401_is_remembered_and_not_retried() -> None:
    refused = {"success": False, "message": "TWO_FACTOR_REQUIRED"}
    server = Server({LOGIN_PATH: lambda r: httpx.Response(401, json=refused)})
    with client_for(server) as client:
        for _ in range(3):
            with pytest.raises(SmarterMailTwoFactorRequiredError) as caught:
                client.list_domains()
        assert caught.value.status == 401
        assert caught.value.code == "TWO_FACTOR_REQUIRED"
    assert server.calls == [LOGIN_PATH]


def test_server_echoing_secrets_is_scrubbed() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        return httpx.Response(400, json={"success": False, "message": "BAD " + sent["password"]})

    server = Server({LOGIN_PATH: echo})
    with client_for(server) as client, pytest.raises(SmarterMailAuthError) as caught:
        client.login()
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(caught.value)
    assert caught.value.code == "BAD ********"


def test_token_echoed_in_an_error_is_scrubbed() -> None:
    def echo_token(request: httpx.Request) -> httpx.Response:
        token = request.headers["authorization"].split()[1]
        return httpx.Response(400, json={"success": False, "message": "TOKEN " + token})

    server = with_login({"/api/v1/settings/sysadmin/domains": echo_token})
    with client_for(server) as client, pytest.raises(SmarterMailError) as caught:
        client.list_domains()
    assert "access-token-1" not in str(caught.value)
    assert "access-token-1" not in repr(client)


@pytest.mark.parametrize("name", ["", "a b.test", "a/b.test", "..", "x" * 254, None])
def test_impossible_domain_names_are_refused_before_any_request(name: object) -> None:
    server = with_login({})
    with client_for(server) as client, pytest.raises(SmarterMailInvalidNameError):
        client.get_domain(name)  # type: ignore[arg-type]
    assert server.calls == []


def test_login_without_credentials_is_a_config_error() -> None:
    server = with_login({})
    client = SmarterMailClient("mail.example.com", transport=httpx.MockTransport(server))
    with client, pytest.raises(SmarterMailConfigError, match="username and password"):
        client.login()
    assert server.calls == []


@pytest.mark.parametrize("option", ["timeout", "connect_timeout"])
@pytest.mark.parametrize("value", [0, -1, "10", True])
def test_bad_timeouts_are_config_errors(option: str, value: object) -> None:
    with pytest.raises(SmarterMailConfigError, match=option):
        SmarterMailClient("mail.example.com", **{option: value})  # type: ignore[arg-type]


def test_missing_or_bad_ca_file_is_a_config_error(tmp_path) -> None:
    with pytest.raises(SmarterMailConfigError, match="does not exist"):
        SmarterMailClient("mail.example.com", ca_file=str(tmp_path / "absent.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_text("this is not a certificate\n")
    with pytest.raises(SmarterMailConfigError, match="PEM"):
        SmarterMailClient("mail.example.com", ca_file=str(junk))


def test_settings_must_be_a_mapping() -> None:
    with client_for(with_login({})) as client, pytest.raises(SmarterMailConfigError, match="mapping"):
        client.set_domain_settings("a.test", [("isEnabled", False)])  # type: ignore[arg-type]


def test_401_without_a_refresh_token_ends_the_session_without_a_second_login() -> None:
    answer = login_ok()
    del answer["refreshToken"]
    server = Server(
        {
            LOGIN_PATH: lambda r: httpx.Response(200, json=answer),
            "/api/v1/settings/sysadmin/domains": lambda r: httpx.Response(
                401, json={"message": "TOKEN_EXPIRED"}
            ),
        }
    )
    with client_for(server) as client:
        with pytest.raises(SmarterMailAuthError, match="access token") as caught:
            client.list_domains()
        with pytest.raises(SmarterMailAuthError) as again:
            client.list_domains()
    assert again.value is caught.value
    assert caught.value.status == 401
    assert server.calls == [LOGIN_PATH, "/api/v1/settings/sysadmin/domains"]
