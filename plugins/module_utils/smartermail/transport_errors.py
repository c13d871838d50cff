# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explain an httpx transport failure as a typed SmarterMail error naming host:port and the fix.

httpx wraps the socket / OpenSSL exception that really happened; the cause chain is walked to find
it, because the distinction matters to the user: DNS vs refused vs firewall drop vs TLS trust vs
https spoken to a plain-HTTP port.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import socket
import ssl
from typing import TYPE_CHECKING, List, Optional, Sequence, Type, TypeVar

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConnectError,
    SmarterMailError,
    SmarterMailTimeoutError,
    SmarterMailTLSError,
)

if TYPE_CHECKING:  # annotations only: envelope.py does not need this module at runtime
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import Call

try:
    import httpx

    HAS_HTTPX = True
    HTTPX_IMPORT_ERROR: Optional[ImportError] = None
except ImportError as _import_error:  # pragma: no cover - exercised only without httpx
    # Callers check HAS_HTTPX before they touch the module, so None never reaches an attribute access.
    httpx = None  # type: ignore[assignment]
    HAS_HTTPX = False
    HTTPX_IMPORT_ERROR = _import_error

UNTRUSTED_CODES = (2, 18, 19, 20, 21, 27, 28)  # no issuer / self-signed / untrusted / rejected
EXPIRED_CODES = (9, 10)  # not yet valid / expired
HOSTNAME_CODES = (62, 64)  # hostname / IP address mismatch
# Shared with verify's TLS probe (verify/network.py).
# OpenSSL reasons seen when the peer answers a ClientHello with plain HTTP bytes.
PLAIN_HTTP_REASONS = (
    "WRONG_VERSION_NUMBER",
    "RECORD_LAYER_FAILURE",
    "PACKET_LENGTH_TOO_LONG",
    "HTTP_REQUEST",
)
UNREACHABLE_ERRNOS = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETDOWN)
ExcT = TypeVar("ExcT", bound=BaseException)


def cause_chain(exc: Optional[BaseException]) -> List[BaseException]:
    """The exception and everything it was raised from, outermost first (cycle-safe)."""
    seen: List[BaseException] = []
    while exc is not None and all(exc is not other for other in seen):
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _first(chain: Sequence[BaseException], cls: Type[ExcT]) -> Optional[ExcT]:
    for exc in chain:
        if isinstance(exc, cls):
            return exc
    return None


def _text(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def explain_transport_error(
    exc: BaseException, call: "Call", secure: bool, connect_timeout: float, timeout: float
) -> SmarterMailError:
    """Map an httpx.TransportError (and its cause chain) to a SmarterMail error for ``call``."""
    chain = cause_chain(exc)
    where = call.endpoint
    detail = _text(chain[-1])

    if isinstance(exc, httpx.ConnectTimeout):
        return call.error(
            SmarterMailConnectError,
            "TCP connect to %s timed out after %g s: a firewall is probably dropping the API port, or the "
            "host is down. Check that the port is open from this host." % (where, connect_timeout),
            kind="timeout",
            detail=detail,
        )
    if isinstance(exc, httpx.TimeoutException):
        return call.error(
            SmarterMailTimeoutError,
            "SmarterMail at %s accepted the connection but did not answer %s within %g s: the server is "
            "overloaded or hung. Check the SmarterMail service and raise the timeout if the server is slow."
            % (where, call.path, timeout),
            detail=detail,
        )

    tls = _tls_error(chain, call, secure, detail)
    if tls is not None:
        return tls

    if _first(chain, socket.gaierror) is not None:
        return call.error(
            SmarterMailConnectError,
            "The host name of %s does not resolve (DNS): check the spelling and this host's DNS." % where,
            kind="dns",
            detail=detail,
        )
    if _first(chain, ConnectionRefusedError) is not None:
        return call.error(
            SmarterMailConnectError,
            "TCP connect to %s was refused: nothing listens on that port. Check the port (443 for IIS/https, "
            "9998 for SmarterMail's built-in web server) and that SmarterMail runs." % where,
            kind="refused",
            detail=detail,
        )
    os_error = _first(chain, OSError)
    if os_error is not None and os_error.errno in UNREACHABLE_ERRNOS:
        return call.error(
            SmarterMailConnectError,
            "%s is unreachable from this host (no route): check routing, VPN and the address." % where,
            kind="unreachable",
            detail=detail,
        )
    hint = ""
    if not secure:
        hint = " If that port speaks HTTPS, turn secure on."
    return call.error(
        SmarterMailConnectError,
        "The connection to %s was closed or reset before SmarterMail answered %s: a firewall, proxy or "
        "IDS block may be cutting it.%s" % (where, call.path, hint),
        kind="reset",
        detail=detail,
    )


def _tls_error(
    chain: Sequence[BaseException], call: "Call", secure: bool, detail: str
) -> Optional[SmarterMailTLSError]:
    """A SmarterMailTLSError when the chain holds an OpenSSL failure, else None."""
    where = call.endpoint
    verify = _first(chain, ssl.SSLCertVerificationError)
    if verify is not None:
        code = getattr(verify, "verify_code", None)
        reason = getattr(verify, "verify_message", None) or detail
        if code in HOSTNAME_CODES:
            return call.error(
                SmarterMailTLSError,
                "The TLS certificate of %s is not valid for that host name (%s): connect with the name "
                "the certificate was issued for." % (where, reason),
                kind="hostname",
                detail=detail,
            )
        if code in EXPIRED_CODES:
            return call.error(
                SmarterMailTLSError,
                "The TLS certificate of %s is outside its validity dates (%s): renew it, or check this "
                "host's clock." % (where, reason),
                kind="expired",
                detail=detail,
            )
        return call.error(
            SmarterMailTLSError,
            "The TLS certificate of %s is not trusted (%s): install a certificate from a public CA, or give "
            "the CA file that signed it (ca_file / ca_path)." % (where, reason),
            kind="untrusted",
            detail=detail,
        )
    ssl_error = _first(chain, ssl.SSLError)
    if ssl_error is None:
        return None
    reason = getattr(ssl_error, "reason", None) or ""
    if reason in PLAIN_HTTP_REASONS:
        return call.error(
            SmarterMailTLSError,
            "%s answered the TLS handshake with plain HTTP: https was used on a plain-HTTP port. Turn "
            "secure off for this port (SmarterMail's built-in 9998 is plain HTTP) or use the HTTPS port "
            "(usually 443)." % where,
            kind="plain_http",
            detail=detail,
        )
    return call.error(
        SmarterMailTLSError,
        "The TLS handshake with %s failed (%s): check that the port speaks HTTPS and that its TLS "
        "settings (protocol versions, ciphers) are compatible." % (where, reason or detail),
        kind="handshake",
        detail=detail,
    )
