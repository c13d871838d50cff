"""Transport failures classified into typed errors (DNS, no route) and the cause chain behind them."""

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
