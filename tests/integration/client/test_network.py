"""Connection and TLS failures over real sockets on 127.0.0.1: refused, dropped, untrusted, mismatched."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import time
from pathlib import Path
from typing import Any

import pytest
import trustme
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConnectError,
    SmarterMailTLSError,
)
from fixtures.network import closed_port, full_backlog_port, throwaway_ca, tls_listener

SIM_ADMIN_PASSWORD = "admin"


def _handshake_only(context: ssl.SSLContext, conn: socket.socket) -> None:
    with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
        tls.recv(1)


def handshake_error(cert: trustme.LeafCert, ca_file: str) -> SmarterMailTLSError:
    """What the client raises against a bare TLS listener presenting ``cert`` (it fails before any HTTP)."""
    with (
        tls_listener(cert, _handshake_only) as port,
        SmarterMailClient("127.0.0.1", port, True, ca_file=ca_file) as client,
        pytest.raises(SmarterMailTLSError) as caught,
    ):
        client.about()
    return caught.value


def test_closed_port_is_refused() -> None:
    port = closed_port()
    client = SmarterMailClient("127.0.0.1", port, False, "admin", SIM_ADMIN_PASSWORD)
    with client, pytest.raises(SmarterMailConnectError) as caught:
        client.login()
    assert caught.value.kind == "refused"
    assert f"127.0.0.1:{port}" in str(caught.value)


def test_dropped_syn_is_a_connect_timeout_blaming_a_firewall() -> None:
    with full_backlog_port() as port:
        client = SmarterMailClient("127.0.0.1", port, False, connect_timeout=0.5, timeout=5.0)
        started = time.monotonic()
        with client, pytest.raises(SmarterMailConnectError) as caught:
            client.about()
        elapsed = time.monotonic() - started
    assert caught.value.kind == "timeout"
    assert "firewall" in str(caught.value)
    assert elapsed < 4.0


def test_untrusted_certificate_without_ca_file(tls_simulator: Any) -> None:
    host, port = tls_simulator.host_port
    client = SmarterMailClient(host, port, True, "admin", SIM_ADMIN_PASSWORD)
    with client, pytest.raises(SmarterMailTLSError) as caught:
        client.about()
    assert caught.value.kind == "untrusted"
    assert "ca_file" in str(caught.value)
    assert tls_simulator.state()["requestCount"] == 0


def test_ca_file_makes_the_certificate_trusted(tls_simulator: Any) -> None:
    host, port = tls_simulator.host_port
    ca_file = str(tls_simulator.ca_file)
    with SmarterMailClient(host, port, True, "admin", SIM_ADMIN_PASSWORD, ca_file=ca_file) as client:
        assert client.list_domains() == []
    with SmarterMailClient("localhost", port, True, ca_file=ca_file) as by_name:
        assert by_name.about()["version"]


def test_verification_can_be_turned_off_explicitly(tls_simulator: Any) -> None:
    host, port = tls_simulator.host_port
    with SmarterMailClient(host, port, True, verify_tls=False) as client:
        assert client.about()["version"]


def test_https_to_the_plain_http_port_names_the_mismatch(simulator: Any) -> None:
    host, port = simulator.host_port
    client = SmarterMailClient(host, port, True, "admin", SIM_ADMIN_PASSWORD)
    with client, pytest.raises(SmarterMailTLSError) as caught:
        client.login()
    assert caught.value.kind == "plain_http"
    assert "plain HTTP" in str(caught.value)
    assert "secure off" in str(caught.value)


def test_plain_http_to_the_https_port_suggests_secure(tls_simulator: Any) -> None:
    host, port = tls_simulator.host_port
    with SmarterMailClient(host, port, False) as client, pytest.raises(SmarterMailConnectError) as caught:
        client.about()
    assert caught.value.kind == "reset"
    assert "turn secure on" in str(caught.value)


def test_certificate_for_another_name(tmp_path: Path) -> None:
    ca, ca_file = throwaway_ca(tmp_path)
    error = handshake_error(ca.issue_cert("mail.other.test"), ca_file)
    assert error.kind == "hostname"
    assert "not valid for that host name" in str(error)


def test_expired_certificate(tmp_path: Path) -> None:
    ca, ca_file = throwaway_ca(tmp_path)
    past = datetime.datetime(2020, 1, 1)
    leaf = ca.issue_cert("127.0.0.1", not_before=past, not_after=past + datetime.timedelta(days=30))
    error = handshake_error(leaf, ca_file)
    assert error.kind == "expired"
