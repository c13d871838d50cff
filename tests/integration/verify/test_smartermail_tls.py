"""The tls check against real TLS listeners on 127.0.0.1 with certificates made by trustme.

A small TLS-terminating relay in front of the plain-HTTP simulator lets the whole chain run with
a certificate of our choosing (about to expire, expired, issued for another name).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import socket
import ssl
import threading
from pathlib import Path

import pytest
import trustme
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import FAIL, PASS, SKIP, WARN
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckResult,
    TargetContext,
    run_checks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    SMARTERMAIL_CHECKS,
    close_target,
)
from fixtures.network import throwaway_ca, tls_listener
from fixtures.simulator import RunningSimulator


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while True:
            chunk = source.recv(65536)
            if not chunk:
                break
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def _relay(upstream: tuple[str, int], context: ssl.SSLContext, conn: socket.socket) -> None:
    try:
        conn.settimeout(10)
        tls = context.wrap_socket(conn, server_side=True)
    except OSError:  # the client refused our certificate: that is what some tests want
        conn.close()
        return
    with tls, socket.create_connection(upstream, timeout=10) as backend:
        back = threading.Thread(target=_pipe, args=(backend, tls), daemon=True)
        back.start()
        _pipe(tls, backend)
        back.join(timeout=10)


def tls_relay(cert: trustme.LeafCert, upstream: tuple[str, int]) -> contextlib.AbstractContextManager[int]:
    """Terminate TLS with ``cert`` and relay the clear bytes to ``upstream`` (the HTTP simulator)."""
    return tls_listener(cert, functools.partial(_relay, upstream))


@pytest.fixture
def ca(tmp_path: Path) -> tuple[trustme.CA, str]:
    return throwaway_ca(tmp_path)


def verify_through(port: int, ca_file: str, hostname: str = "127.0.0.1") -> dict[str, CheckResult]:
    settings = {
        "name": "mail1",
        "hostname": hostname,
        "port": port,
        "secure": True,
        "username": "admin",
        "password": "admin",
        "ca_file": ca_file,
        "connect_timeout": 3.0,
        "timeout": 5.0,
        "canary": False,
    }
    context = TargetContext("mail1", settings)
    try:
        return {result.id: result for result in run_checks([context], SMARTERMAIL_CHECKS)}
    finally:
        close_target(context)


def _leaf(authority: trustme.CA, *names: str, days_left: float, valid_days: float = 90) -> trustme.LeafCert:
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    not_after = now + datetime.timedelta(days=days_left)
    return authority.issue_cert(
        *names, not_before=not_after - datetime.timedelta(days=valid_days), not_after=not_after
    )


def checks_behind_relay(
    simulator: RunningSimulator,
    ca: tuple[trustme.CA, str],
    name: str,
    *,
    days_left: float,
    hostname: str = "127.0.0.1",
) -> dict[str, CheckResult]:
    """The checks' results through a TLS relay in front of the simulator, presenting a leaf for ``name``."""
    authority, ca_file = ca
    with tls_relay(_leaf(authority, name, days_left=days_left), simulator.host_port) as port:
        return verify_through(port, ca_file, hostname=hostname)


def test_a_certificate_expiring_within_14_days_warns_and_the_chain_still_runs(
    simulator: RunningSimulator, ca: tuple[trustme.CA, str]
) -> None:
    results = checks_behind_relay(simulator, ca, "127.0.0.1", days_left=5)
    tls = results["tls"]
    assert tls.status == WARN
    assert "expires in 4.9 days" in tls.summary or "expires in 5.0 days" in tls.summary
    assert "renew the certificate" in tls.hint
    assert 4.5 < tls.details["days_left"] <= 5.0
    assert tls.details["not_after"].endswith("Z")
    # A warning meets the requirement: the API behind the relay is reached and logged in to.
    assert [results[c].status for c in ("api", "credentials", "version")] == [PASS, PASS, PASS]


def test_a_certificate_valid_for_months_passes_with_its_details(
    simulator: RunningSimulator, ca: tuple[trustme.CA, str]
) -> None:
    results = checks_behind_relay(simulator, ca, "localhost", days_left=80, hostname="localhost")
    tls = results["tls"]
    assert tls.status == PASS
    assert 79 < tls.details["days_left"] <= 80
    assert tls.details["subject"] and "Testing CA" in tls.details["issuer"]
    assert results["credentials"].status == PASS


def test_an_expired_certificate_fails_tls(simulator: RunningSimulator, ca: tuple[trustme.CA, str]) -> None:
    results = checks_behind_relay(simulator, ca, "127.0.0.1", days_left=-3)
    assert results["tls"].status == FAIL
    assert "outside its validity dates" in results["tls"].summary
    assert "renew the certificate" in results["tls"].hint
    assert results["api"].status == SKIP


def test_a_certificate_for_another_name_fails_tls(
    simulator: RunningSimulator, ca: tuple[trustme.CA, str]
) -> None:
    results = checks_behind_relay(simulator, ca, "mail.other.test", days_left=60)
    assert results["tls"].status == FAIL
    assert "not valid for 127.0.0.1" in results["tls"].summary
    assert "reissue the certificate to include 127.0.0.1" in results["tls"].hint
    assert results["tls"].details["reason"] == "hostname"
    assert results["api"].status == SKIP


def test_a_port_that_never_answers_the_handshake(ca: tuple[trustme.CA, str]) -> None:
    """TCP accepted, then silence (a listener that never reads): named as no TLS answer."""
    _, ca_file = ca
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        settings = {
            "name": "mail1",
            "hostname": "127.0.0.1",
            "port": port,
            "secure": True,
            "connect_timeout": 0.5,
        }
        settings["ca_file"] = ca_file
        context = TargetContext("mail1", settings)
        results = {r.id: r for r in run_checks([context], SMARTERMAIL_CHECKS)}
        close_target(context)
    assert results["port"].status == PASS
    assert results["tls"].status == FAIL
    assert "gave no TLS answer" in results["tls"].summary
    assert results["tls"].details["reason"] == "handshake_timeout"
