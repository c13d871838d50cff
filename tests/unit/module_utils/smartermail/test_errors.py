"""Typed errors: attributes, str() is the sentence, repr() holds no secrets; transport classification."""

from __future__ import annotations

import errno
import socket

import httpx
import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail import errors as errors
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import Call
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.transport_errors import (
    cause_chain,
    explain_transport_error,
)

REQUIRED = [
    "SmarterMailConfigError",
    "SmarterMailConnectError",
    "SmarterMailTLSError",
    "SmarterMailTimeoutError",
    "SmarterMailApiUnavailableError",
    "SmarterMailAuthError",
    "SmarterMailPermissionError",
    "SmarterMailNotFoundError",
    "SmarterMailConflictError",
    "SmarterMailInvalidNameError",
    "SmarterMailServerError",
    "SmarterMailProtocolError",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_every_required_class_is_a_smartermail_error(name: str) -> None:
    assert issubclass(getattr(errors, name), errors.SmarterMailError)


def test_auth_subclasses() -> None:
    assert issubclass(errors.SmarterMailTwoFactorRequiredError, errors.SmarterMailAuthError)
    assert issubclass(errors.SmarterMailPasswordChangeRequiredError, errors.SmarterMailAuthError)


def test_attributes_str_and_repr() -> None:
    err = errors.SmarterMailConflictError(
        "SmarterMail at h:443 refused to create domain 'a.test': the name is already in use.",
        status=400,
        code="DOMAIN_ADD_ERROR_NAME_IN_USE",
        path="/api/v1/settings/sysadmin/domain-put",
        endpoint="h:443",
    )
    assert str(err) == err.sentence
    assert err.status == 400
    assert err.code == "DOMAIN_ADD_ERROR_NAME_IN_USE"
    assert err.url_path == err.path == "/api/v1/settings/sysadmin/domain-put"
    assert repr(err).startswith("SmarterMailConflictError(")
    assert "DOMAIN_ADD_ERROR_NAME_IN_USE" in repr(err)


def test_connect_and_tls_errors_carry_a_kind() -> None:
    assert errors.SmarterMailConnectError("x", kind="refused").kind in errors.CONNECT_KINDS
    assert errors.SmarterMailTLSError("x", kind="plain_http").kind in errors.TLS_KINDS


def chained(outer: Exception, inner: BaseException) -> Exception:
    """An httpx exception raised from a lower-level one, as httpx/httpcore chain them."""
    try:
        try:
            raise inner
        except BaseException as low:
            raise outer from low
    except Exception as high:
        return high


CALL = Call("mail.example.com:443", "/api/v1/auth/login-settings", "read the login settings")


def test_dns_failure_is_kind_dns() -> None:
    exc = chained(httpx.ConnectError("[Errno -2] Name or service not known"), socket.gaierror(-2, "unknown"))
    err = explain_transport_error(exc, CALL, True, 10.0, 30.0)
    assert isinstance(err, errors.SmarterMailConnectError)
    assert err.kind == "dns"
    assert "mail.example.com:443" in str(err)


@pytest.mark.parametrize("code", [errno.ENETUNREACH, errno.EHOSTUNREACH])
def test_no_route_is_kind_unreachable(code: int) -> None:
    exc = chained(httpx.ConnectError("unreachable"), OSError(code, "No route to host"))
    err = explain_transport_error(exc, CALL, True, 10.0, 30.0)
    assert isinstance(err, errors.SmarterMailConnectError)
    assert err.kind == "unreachable"


def test_cause_chain_stops_on_cycles() -> None:
    first = ValueError("a")
    second = KeyError("b")
    first.__cause__ = second
    second.__cause__ = first
    assert cause_chain(first) == [first, second]
