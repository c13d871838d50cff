# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network probes below HTTP for the verify checks: DNS lookup, TCP connect, TLS handshake.

Standard library only (socket, ssl). Each probe raises ProbeError with a ``kind`` so the checks
can tell the user which link is broken: a refused connection, a dropped one (firewall), a
certificate nobody trusts, or https spoken to a plain-HTTP port.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import socket
import ssl
import threading
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import trust_context
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.transport_errors import (
    EXPIRED_CODES,
    HOSTNAME_CODES,
    PLAIN_HTTP_REASONS,
    UNREACHABLE_ERRNOS,
)

_RDN_SHORT = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU", "countryName": "C"}


class ProbeError(Exception):
    """A probe failed. ``kind`` says how; ``detail`` is the low-level socket / OpenSSL text."""

    def __init__(self, kind: str, detail: str, **info: Any) -> None:
        super(ProbeError, self).__init__(detail)
        self.kind = kind
        self.detail = detail
        self.info = info


def socket_host(hostname: str) -> str:
    """The host as sockets want it: IPv6 literals without brackets."""
    if hostname.startswith("[") and hostname.endswith("]"):
        return hostname[1:-1]
    return hostname


def is_ip_literal(hostname: str) -> bool:
    try:
        ipaddress.ip_address(socket_host(hostname))
    except ValueError:
        return False
    return True


def nameservers(path: str = "/etc/resolv.conf") -> List[str]:
    """The resolvers this host asks (for hints); empty when unknown."""
    found: List[str] = []
    try:
        with open(path) as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    found.append(parts[1])
    except (OSError, UnicodeDecodeError):
        return []
    return found


def resolve(hostname: str, port: int, timeout: float) -> List[str]:
    """The distinct addresses ``hostname`` resolves to (TCP), within ``timeout`` seconds.

    Raises ProbeError kind ``nxdomain`` (no such name), ``no_address`` (name without an address),
    ``temporary`` (the resolver failed or did not answer), ``timeout`` or ``error``.
    getaddrinfo has no timeout of its own, so it runs in a daemon thread that is abandoned if slow.
    """
    answer: Dict[str, Any] = {}

    def lookup() -> None:
        try:
            answer["infos"] = socket.getaddrinfo(socket_host(hostname), port, 0, socket.SOCK_STREAM)
        except (socket.gaierror, OSError, UnicodeError) as exc:
            answer["error"] = exc

    worker = threading.Thread(target=lookup, name="verify-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise ProbeError("timeout", "no answer from the resolver within %g s" % timeout)
    error = answer.get("error")
    if error is not None:
        code = getattr(error, "errno", None)
        if code in (getattr(socket, "EAI_NONAME", None),):
            raise ProbeError("nxdomain", str(error))
        if code in (getattr(socket, "EAI_NODATA", None), getattr(socket, "EAI_ADDRFAMILY", None)):
            raise ProbeError("no_address", str(error))
        if code in (getattr(socket, "EAI_AGAIN", None), getattr(socket, "EAI_FAIL", None)):
            raise ProbeError("temporary", str(error))
        raise ProbeError("error", str(error) or type(error).__name__)
    addresses: List[str] = []
    for _family, _type, _proto, _canon, sockaddr in answer["infos"]:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def tcp_connect(hostname: str, port: int, timeout: float) -> socket.socket:
    """Open a TCP connection (caller closes it). Raises ProbeError refused / timeout / unreachable / error."""
    try:
        return socket.create_connection((socket_host(hostname), port), timeout=timeout)
    except ConnectionRefusedError as exc:
        raise ProbeError("refused", str(exc)) from None
    except socket.timeout as exc:
        raise ProbeError("timeout", str(exc) or "timed out") from None
    except socket.gaierror as exc:
        raise ProbeError("dns", str(exc)) from None
    except OSError as exc:
        kind = "unreachable" if exc.errno in UNREACHABLE_ERRNOS else "error"
        raise ProbeError(kind, str(exc) or type(exc).__name__) from None


def tcp_probe(hostname: str, port: int, timeout: float) -> Tuple[str, float]:
    """Connect and close; returns (peer address, seconds the connect took)."""
    started = time.monotonic()
    conn = tcp_connect(hostname, port, timeout)
    try:
        peer = conn.getpeername()[0]
    finally:
        conn.close()
    return peer, time.monotonic() - started


def client_tls_context(verify: bool, ca_file: Optional[str]) -> ssl.SSLContext:
    """The trust the SmarterMail client uses: ca_file only, else the system store plus certifi."""
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return trust_context(ca_file)


def _cert_name(name_field: Any) -> str:
    """'CN=mail.example.com, O=Example' from getpeercert()'s nested tuples."""
    parts = []
    for rdn in name_field or ():
        for key, value in rdn:
            short = _RDN_SHORT.get(key, key)
            parts.append("%s=%s" % (short, value))
    return ", ".join(parts)


def certificate_facts(peer_cert: Mapping[str, Any], now: Optional[float] = None) -> Dict[str, Any]:
    """subject, issuer, not_after (ISO UTC), days_left (float) from a verified getpeercert() dict."""
    facts: Dict[str, Any] = {
        "subject": _cert_name(peer_cert.get("subject")),
        "issuer": _cert_name(peer_cert.get("issuer")),
    }
    not_after = peer_cert.get("notAfter")
    if not_after:
        expires = ssl.cert_time_to_seconds(not_after)
        moment = datetime.datetime.fromtimestamp(expires, tz=datetime.timezone.utc)
        facts["not_after"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        current = time.time() if now is None else now
        facts["days_left"] = round((expires - current) / 86400.0, 1)
    return facts


def _speaks_plain_http(hostname: str, port: int, timeout: float) -> bool:
    """True when the port answers an HTTP request in clear text (the reason a handshake failed)."""
    try:
        conn = tcp_connect(hostname, port, timeout)
    except ProbeError:
        return False
    try:
        conn.settimeout(timeout)
        conn.sendall(b"HEAD / HTTP/1.0\r\nHost: " + socket_host(hostname).encode("idna") + b"\r\n\r\n")
        return conn.recv(5) == b"HTTP/"
    except (OSError, UnicodeError):
        return False
    finally:
        conn.close()


def tls_handshake(
    hostname: str, port: int, timeout: float, verify: bool = True, ca_file: Optional[str] = None
) -> Dict[str, Any]:
    """TLS handshake as the client does it. Returns certificate facts (verified when ``verify``).

    Raises ProbeError kind ``untrusted``, ``hostname``, ``expired``, ``plain_http``, ``handshake``
    (any other TLS failure) or a TCP kind (refused, timeout, ...).
    """
    context = client_tls_context(verify, ca_file)
    conn = tcp_connect(hostname, port, timeout)
    try:
        conn.settimeout(timeout)
        server_name = socket_host(hostname)
        with context.wrap_socket(conn, server_hostname=server_name) as tls:
            facts: Dict[str, Any] = {"protocol": tls.version()}
            if verify:
                facts.update(certificate_facts(tls.getpeercert() or {}))
            return facts
    except ssl.SSLCertVerificationError as exc:
        code = getattr(exc, "verify_code", None)
        message = getattr(exc, "verify_message", None) or str(exc)
        if code in HOSTNAME_CODES:
            raise ProbeError("hostname", message) from None
        if code in EXPIRED_CODES:
            raise ProbeError("expired", message) from None
        raise ProbeError("untrusted", message, verify_code=code) from None
    except ssl.SSLError as exc:
        reason = getattr(exc, "reason", None) or ""
        if reason in PLAIN_HTTP_REASONS or _speaks_plain_http(hostname, port, timeout):
            raise ProbeError("plain_http", str(exc)) from None
        raise ProbeError("handshake", str(exc)) from None
    except socket.timeout:
        raise ProbeError("handshake_timeout", "no TLS answer within %g s" % timeout) from None
    except ConnectionResetError as exc:
        if _speaks_plain_http(hostname, port, timeout):
            raise ProbeError("plain_http", str(exc)) from None
        raise ProbeError("handshake", str(exc) or "connection reset during the handshake") from None
    except OSError as exc:
        raise ProbeError("handshake", str(exc) or type(exc).__name__) from None
    finally:
        conn.close()
