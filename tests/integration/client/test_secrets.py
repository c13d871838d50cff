"""Passwords and tokens never appear in any error text, repr, chained exception or traceback."""

from __future__ import annotations

import secrets
import socket
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError
from fixtures.simulator import simulator_fixtures

# Generated at run time so that no source line shown in a traceback can contain the value.
PASSWORD = "Pw-" + secrets.token_urlsafe(18)
WRONG_PASSWORD = "Wr-" + secrets.token_urlsafe(18)
ADMIN_PASSWORD = "Ad-" + secrets.token_urlsafe(18)

secret_sim, sim = simulator_fixtures("--sysadmin", "admin:" + PASSWORD, names=("secret_sim", "sim"))


def texts_of(err: BaseException) -> list[str]:
    """Everything a log, a CLI or Ansible could print about an error and its chain."""
    found = ["".join(traceback.format_exception(type(err), err, err.__traceback__))]
    seen: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and all(current is not other for other in seen):
        seen.append(current)
        found += [str(current), repr(current), *(repr(arg) for arg in current.args)]
        found += [repr(value) for value in vars(current).values()]
        current = current.__cause__ or current.__context__
    return found


def client_on(port: int, password: str, **kwargs: Any) -> SmarterMailClient:
    return SmarterMailClient("127.0.0.1", port, kwargs.pop("secure", False), "admin", password, **kwargs)


def fail(action: Callable[[], object]) -> SmarterMailError:
    with pytest.raises(SmarterMailError) as caught:
        action()
    return caught.value


def assert_clean(err: SmarterMailError, *secret_values: str) -> None:
    for text in texts_of(err):
        for value in secret_values:
            assert value not in text, f"secret leaked by {type(err).__name__}"


def test_wrong_password_in_both_failure_styles(sim: Any) -> None:
    port = sim.host_port[1]
    for style in ("401", "200"):
        sim.control("POST", "config", json={"login_failure_style": style})
        with client_on(port, WRONG_PASSWORD) as client:
            err = fail(client.list_domains)
            assert WRONG_PASSWORD not in repr(client)
        assert err.status == int(style)
        assert_clean(err, WRONG_PASSWORD)


@pytest.mark.parametrize(
    ("fault", "extra"),
    [
        ("api-disabled", {}),
        ("http-500", {"body": "json"}),
        ("http-500", {"body": "html"}),
        ("reset", {}),
        ("timeout", {}),
        ("malformed-json", {}),
    ],
)
def test_faults_during_login(sim: Any, fault: str, extra: dict[str, object]) -> None:
    sim.control("POST", "faults", json={"fault": fault, "path": "authenticate-user", **extra})
    with client_on(sim.host_port[1], PASSWORD, timeout=1.0) as client:
        assert_clean(fail(client.login), PASSWORD)


def test_token_and_admin_password_stay_out_of_later_errors(sim: Any) -> None:
    with client_on(sim.host_port[1], PASSWORD) as client:
        name = "secret-" + secrets.token_hex(3) + ".test"
        client.add_domain(name, path="C:\\d\\" + name, admin_username="adm", admin_password=ADMIN_PASSWORD)
        token = client._access_token  # read only to prove it is absent from the texts below
        impersonation = client.manage_domain(name)["impersonateAccessToken"]
        assert token and impersonation
        conflict = fail(
            lambda: client.add_domain(name, path="C:\\d", admin_username="a", admin_password=ADMIN_PASSWORD)
        )
        sim.control("POST", "faults", json={"fault": "reset", "count": 1})
        reset = fail(client.list_domains)
        sim.control("POST", "expire-tokens", json={"refresh": True})
        expired = fail(client.list_domains)
        for err in (conflict, reset, expired):
            assert_clean(err, PASSWORD, ADMIN_PASSWORD, token, impersonation)
        assert token not in repr(client)


def test_transport_failures_before_any_answer(tls_simulator: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with client_on(closed, PASSWORD) as client:
        refused = fail(client.login)
    with client_on(tls_simulator.host_port[1], PASSWORD, secure=True) as client:
        untrusted = fail(client.login)
    for err in (refused, untrusted):
        assert_clean(err, PASSWORD)


def test_the_leak_check_itself_catches_a_leak() -> None:
    leaky = SmarterMailError("login failed for admin/" + PASSWORD)
    with pytest.raises(AssertionError):
        assert_clean(leaky, PASSWORD)
    chained = SmarterMailError("clean sentence")
    chained.__cause__ = ValueError(PASSWORD)
    with pytest.raises(AssertionError):
        assert_clean(chained, PASSWORD)
