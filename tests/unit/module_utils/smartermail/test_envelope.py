"""Envelope parsing and the mapping of (status, body, message code) to typed errors."""

from __future__ import annotations

import json

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import (
    KIND_LOGIN,
    KIND_REFRESH,
    Call,
    body_kind,
    interpret,
    message_code,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailApiUnavailableError,
    SmarterMailAuthError,
    SmarterMailConflictError,
    SmarterMailError,
    SmarterMailInvalidNameError,
    SmarterMailNotFoundError,
    SmarterMailPermissionError,
    SmarterMailProtocolError,
    SmarterMailRequestError,
    SmarterMailServerError,
)

JSON = "application/json; charset=utf-8"
ENDPOINT = "mail.example.com:443"


def api_call(kind: str = "api") -> Call:
    return Call(ENDPOINT, "/api/v1/settings/sysadmin/domain-put", "create domain 'x.test'", kind, "admin")


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_payload_keys_sit_beside_success() -> None:
    answer = interpret(api_call(), 200, JSON, body(success=True, resultCode=200, data=[{"name": "a.test"}]))
    assert answer["data"] == [{"name": "a.test"}]


def test_a_body_without_success_key_is_a_success() -> None:
    about = body(version="100.0.9504", edition=2, enterpriseFunctionality=True)
    assert interpret(api_call(), 200, JSON, about)["version"] == "100.0.9504"


def test_empty_body_is_accepted_only_for_writes() -> None:
    assert interpret(api_call(), 200, "", b"", allow_empty=True) == {}
    with pytest.raises(SmarterMailProtocolError, match="empty body"):
        interpret(api_call(), 200, "", b"  \r\n")


def test_utf8_bom_is_tolerated() -> None:
    assert interpret(api_call(), 200, JSON, b"\xef\xbb\xbf" + body(success=True))["success"] is True


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"success": true', "not valid JSON"),
        (b"\xff\xfe garbage", "not valid JSON"),
        (b"[1, 2]", "not an object (list)"),
        (b'"ok"', "not an object (str)"),
        (b'{"success": "true"}', "'success' field"),
    ],
)
def test_malformed_json_is_a_protocol_error(raw: bytes, fragment: str) -> None:
    with pytest.raises(SmarterMailProtocolError) as caught:
        interpret(api_call(), 200, JSON, raw)
    assert fragment in str(caught.value)
    assert ENDPOINT in str(caught.value)
    assert caught.value.path == "/api/v1/settings/sysadmin/domain-put"


@pytest.mark.parametrize("status", [200, 403, 404])
def test_html_page_means_the_api_is_unavailable(status: int) -> None:
    page = b"<!DOCTYPE html><html><body>IIS Windows Server</body></html>"
    with pytest.raises(SmarterMailApiUnavailableError) as caught:
        interpret(api_call(), status, "text/html", page)
    assert "HTML page" in str(caught.value)
    assert caught.value.status == status


def test_html_without_content_type_is_recognised() -> None:
    with pytest.raises(SmarterMailApiUnavailableError):
        interpret(api_call(), 200, "", b"<html><head></head></html>")


def test_404_without_json_means_the_api_is_not_at_this_address() -> None:
    with pytest.raises(SmarterMailApiUnavailableError) as caught:
        interpret(api_call(), 404, "text/plain", b"Not Found")
    assert "404" in str(caught.value)


def test_redirect_is_named() -> None:
    with pytest.raises(SmarterMailApiUnavailableError, match="redirected"):
        interpret(api_call(), 301, "text/html", b"")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_a_server_error_whatever_the_body(status: int) -> None:
    with pytest.raises(SmarterMailServerError) as caught:
        interpret(api_call(), status, JSON, body(success=False, message="INTERNAL"))
    assert caught.value.status == status
    assert caught.value.code == "INTERNAL"
    with pytest.raises(SmarterMailServerError):
        interpret(api_call(), status, "text/html", b"<html>oops</html>")


@pytest.mark.parametrize("status", [200, 400])
def test_duplicate_domain_is_a_conflict_under_200_or_400(status: int) -> None:
    with pytest.raises(SmarterMailConflictError) as caught:
        interpret(api_call(), status, JSON, body(success=False, message="DOMAIN_ADD_ERROR_NAME_IN_USE"))
    assert caught.value.code == "DOMAIN_ADD_ERROR_NAME_IN_USE"
    assert "already in use" in str(caught.value)


def test_invalid_name_code() -> None:
    with pytest.raises(SmarterMailInvalidNameError) as caught:
        interpret(api_call(), 400, JSON, body(success=False, message="DOMAIN_ADD_ERROR_INVALID_NAME"))
    assert caught.value.status == 400


def test_403_is_a_permission_error_naming_the_account() -> None:
    with pytest.raises(SmarterMailPermissionError) as caught:
        interpret(api_call(), 403, JSON, body(success=False, message="INVALID_PERMISSIONS"))
    assert "'admin'" in str(caught.value)
    assert "system administrator" in str(caught.value)


def test_404_json_is_not_found() -> None:
    with pytest.raises(SmarterMailNotFoundError):
        interpret(api_call(), 404, JSON, body(success=False, message="DOMAIN_NOT_FOUND"))
    with pytest.raises(SmarterMailNotFoundError):
        interpret(api_call(), 400, JSON, body(success=False, message="DOMAIN_NOT_FOUND"))


def test_401_on_an_api_call_is_an_auth_error() -> None:
    with pytest.raises(SmarterMailAuthError, match="access token"):
        interpret(api_call(), 401, "", b"")


def test_unmapped_refusal_keeps_the_code() -> None:
    with pytest.raises(SmarterMailRequestError) as caught:
        interpret(api_call(), 200, JSON, body(success=False, message="LICENSE_DOMAIN_LIMIT_REACHED"))
    assert caught.value.code == "LICENSE_DOMAIN_LIMIT_REACHED"
    assert type(caught.value) is SmarterMailRequestError


def test_http_200_with_success_false_says_the_status_was_ok_but_the_call_failed() -> None:
    with pytest.raises(SmarterMailRequestError) as caught:
        interpret(api_call(), 200, JSON, body(success=False, resultCode=200, message="SOMETHING_WENT_WRONG"))
    text = str(caught.value)
    assert "refused to create domain 'x.test'" in text
    assert "answered HTTP 200 but with success: false (SOMETHING_WENT_WRONG)" in text
    assert "the call failed although the status says OK" in text
    assert caught.value.status == 200


def test_a_refusal_without_a_code_does_not_send_the_user_to_a_code() -> None:
    with pytest.raises(SmarterMailRequestError) as under_200:
        interpret(api_call(), 200, JSON, body(success=False))
    with pytest.raises(SmarterMailRequestError) as under_400:
        interpret(api_call(), 400, JSON, body(success=False))
    for caught in (under_200, under_400):
        assert caught.value.code is None
        assert "SmarterMail gave no reason code" in str(caught.value)
        assert "see the SmarterMail code" not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "USERNAME_OR_PASSWORD_INCORRECT"),
        (200, "USERNAME_OR_PASSWORD_INCORRECT"),
        (400, "USER_NOT_FOUND"),
        (403, "ACCOUNT_DISABLED"),
        (200, None),
    ],
)
def test_every_login_refusal_is_an_auth_error(status: int, message: str | None) -> None:
    with pytest.raises(SmarterMailAuthError) as caught:
        interpret(api_call(KIND_LOGIN), status, JSON, body(success=False, message=message))
    assert caught.value.code == message
    assert "intrusion detection" in str(caught.value)


def test_refresh_refusal_is_an_auth_error() -> None:
    with pytest.raises(SmarterMailAuthError, match="refresh token"):
        interpret(api_call(KIND_REFRESH), 400, JSON, body(success=False, message="INVALID_TOKEN"))


def test_errors_are_built_through_the_scrubber() -> None:
    call = Call(ENDPOINT, "/api/v1/x", "do x", username="admin", scrub=lambda t: t.replace("hunter22", "***"))
    with pytest.raises(SmarterMailError) as caught:
        interpret(call, 400, JSON, body(success=False, message="BAD_PASSWORD hunter22"))
    assert "hunter22" not in str(caught.value)
    assert "hunter22" not in repr(caught.value)
    assert caught.value.code == "BAD_PASSWORD ***"


def test_body_kind_and_message_code() -> None:
    assert body_kind("", b"") == ("empty", None)
    assert body_kind(JSON, b'{"a":1}') == ("json", {"a": 1})
    assert body_kind("text/plain", b"<p>hi") == ("html", None)
    assert body_kind("text/plain", b"oops") == ("malformed", None)
    assert message_code({"message": "  X  "}) == "X"
    assert message_code({"message": ""}) is None
    assert message_code({"message": 7}) is None
    assert message_code([]) is None
