"""Connection and TLS failures over real sockets on 127.0.0.1: refused, dropped, untrusted, mismatched."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import threading
import time
from collections.abc import Iterator
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
from fixtures.network import closed_port, full_backlog_port

SIM_ADMIN_PASSWORD = "admin"


@contextlib.contextmanager
def tls_server(cert: trustme.LeafCert) -> Iterator[int]:
    """A bare TLS listener presenting ``cert``; the client fails the handshake before any HTTP."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


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
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with (
        tls_server(ca.issue_cert("mail.other.test")) as port,
        SmarterMailClient("127.0.0.1", port, True, ca_file=str(ca_file)) as client,
        pytest.raises(SmarterMailTLSError) as caught,
    ):
        client.about()
    assert caught.value.kind == "hostname"
    assert "not valid for that host name" in str(caught.value)


def test_expired_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    past = datetime.datetime(2020, 1, 1)
    leaf = ca.issue_cert("127.0.0.1", not_before=past, not_after=past + datetime.timedelta(days=30))
    with (
        tls_server(leaf) as port,
        SmarterMailClient("127.0.0.1", port, True, ca_file=str(ca_file)) as client,
        pytest.raises(SmarterMailTLSError) as caught,
    ):
        client.about()
    assert caught.value.kind == "expired"
