# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors raised by the SmarterMail REST API client.

Every error carries a human sentence (``str(err)``) that names the server (host:port) and says
what to check, plus machine-readable attributes for callers that branch on the failure:

- ``status``: the HTTP status, or None when no response arrived;
- ``code``: the ``message`` code from the SmarterMail body (e.g. DOMAIN_ADD_ERROR_NAME_IN_USE);
- ``path``: the URL path that was called (never a query string, never a secret);
- ``endpoint``: "host:port" of the server;
- ``detail``: the low-level reason (OpenSSL / socket text), already part of the sentence.

The client scrubs passwords and tokens out of every text before it builds an error, and no error
keeps a reference to a request (whose body may hold a password).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Optional


class SmarterMailError(Exception):
    """Base class of every error the SmarterMail client raises."""

    def __init__(
        self,
        sentence: str,
        status: Optional[int] = None,
        code: Optional[str] = None,
        path: Optional[str] = None,
        endpoint: Optional[str] = None,
        detail: Optional[str] = None,
    ) -> None:
        super(SmarterMailError, self).__init__(sentence)
        self.sentence = sentence
        self.status = status
        self.code = code
        self.path = path
        self.endpoint = endpoint
        self.detail = detail

    @property
    def url_path(self) -> Optional[str]:
        """Alias of ``path``."""
        return self.path

    def __str__(self) -> str:
        return self.sentence

    def __repr__(self) -> str:
        return "%s(%r, status=%r, code=%r, path=%r)" % (
            type(self).__name__,
            self.sentence,
            self.status,
            self.code,
            self.path,
        )


class SmarterMailConfigError(SmarterMailError):
    """Bad input before any network call: hostname, port, CA file, domain name, missing httpx."""


class SmarterMailConnectError(SmarterMailError):
    """No usable TCP connection. ``kind`` is one of CONNECT_KINDS."""

    def __init__(self, sentence: str, kind: str, **kwargs: Any) -> None:
        super(SmarterMailConnectError, self).__init__(sentence, **kwargs)
        self.kind = kind


CONNECT_KINDS = ("dns", "refused", "timeout", "unreachable", "reset")


class SmarterMailTLSError(SmarterMailError):
    """The TLS handshake failed. ``kind`` is one of TLS_KINDS."""

    def __init__(self, sentence: str, kind: str, **kwargs: Any) -> None:
        super(SmarterMailTLSError, self).__init__(sentence, **kwargs)
        self.kind = kind


# untrusted: no chain to a trusted CA; hostname: certificate issued for another name;
# expired: outside its validity dates; plain_http: https spoken to a plain-HTTP port;
# handshake: any other handshake failure.
TLS_KINDS = ("untrusted", "hostname", "expired", "plain_http", "handshake")


class SmarterMailTimeoutError(SmarterMailError):
    """The server accepted the connection but did not answer in time."""


class SmarterMailApiUnavailableError(SmarterMailError):
    """Something answered, but not the SmarterMail REST API (HTML page, 404 route, redirect)."""


class SmarterMailAuthError(SmarterMailError):
    """Login refused, token rejected, or the refresh token was rejected."""


class SmarterMailTwoFactorRequiredError(SmarterMailAuthError):
    """The account requires two-factor authentication; the API token it got is a step token only."""


class SmarterMailPasswordChangeRequiredError(SmarterMailAuthError):
    """The account must change its password before the token can be used."""


class SmarterMailPermissionError(SmarterMailError):
    """Authenticated, but the account may not do this (not a system administrator, HTTP 403)."""


class SmarterMailNotFoundError(SmarterMailError):
    """The named object (usually a domain) does not exist on the server."""


class SmarterMailConflictError(SmarterMailError):
    """The object already exists (DOMAIN_ADD_ERROR_NAME_IN_USE)."""


class SmarterMailInvalidNameError(SmarterMailError):
    """The server (or the client, before sending) refused the name (DOMAIN_ADD_ERROR_INVALID_NAME)."""


class SmarterMailRequestError(SmarterMailError):
    """The server refused the request for another reason (success:false with an unmapped code)."""


class SmarterMailServerError(SmarterMailError):
    """HTTP 5xx: the server failed while handling the request."""


class SmarterMailProtocolError(SmarterMailError):
    """The answer is not what the API returns: malformed JSON, wrong types, oversized body."""
