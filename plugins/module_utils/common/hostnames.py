# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one rule for a SmarterMail server's host name, shared by what stores it and what uses it.

The WHMCS server row (whmcs/servers.py) and the SmarterMail client (smartermail/url.py) both ask
``normalize_hostname``: a name WHMCS stores is a name the client can call, and the reverse. A
refusal is a HostnameError whose text finishes the sentence "hostname 'x' ..." with what is wrong
and which option to use instead; each caller puts its own subject in front.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
from typing import Any, Optional

# A DNS label as the client accepts it (underscores too: some internal names have them).
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
_ALLOWED_CHAR = re.compile(r"[A-Za-z0-9_.-]")
MAX_SHOWN = 80
MAX_HOSTNAME = 253


class HostnameError(ValueError):
    """A host name refused by the rule; ``reason`` finishes "hostname 'x' ..." (no final stop)."""

    def __init__(self, hostname: Any, reason: str) -> None:
        super(HostnameError, self).__init__(reason)
        self.hostname = hostname
        self.reason = reason

    @property
    def shown(self) -> str:
        """The host name as a quoted, escaped, shortened repr (control characters stay visible)."""
        return shown_hostname(self.hostname)


def shown_hostname(hostname: Any) -> str:
    """repr() of the host name, cut to MAX_SHOWN characters, for error sentences."""
    text = hostname if isinstance(hostname, str) else str(hostname)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 3] + "..."
    return repr(text)


def _check_characters(text: str, hostname: str) -> None:
    """Refuse the first ASCII character no host name has (non-ASCII letters are left to IDN)."""
    for char in text:
        if ord(char) < 128 and not _ALLOWED_CHAR.match(char):
            raise HostnameError(
                hostname, "holds %r, which no host name has: use letters, digits, hyphens and dots" % char
            )


def _as_ipv6(hostname: str) -> Optional[str]:
    """The compressed IPv6 address when hostname is an IPv6 literal (bare or bracketed), else None."""
    bracketed = hostname.startswith("[") or hostname.endswith("]")
    candidate = hostname[1:-1] if hostname.startswith("[") and hostname.endswith("]") else hostname
    if ":" not in candidate and not bracketed:
        return None
    try:
        return ipaddress.IPv6Address(candidate).compressed
    except ValueError:
        if bracketed:
            raise HostnameError(hostname, "is not a valid IPv6 address") from None
        return None


def _check_url_parts(hostname: str) -> None:
    """Refuse what belongs to other options: spaces, scheme, path, query, fragment, user part."""
    if hostname != hostname.strip() or any(char.isspace() for char in hostname):
        raise HostnameError(hostname, "contains spaces or line breaks: give the host name only")
    if "://" in hostname:
        raise HostnameError(
            hostname,
            "includes a scheme: give the host name only (e.g. mail.example.com) and choose https or "
            "http with the secure option",
        )
    if any(char in hostname for char in "/?#\\"):
        raise HostnameError(hostname, "includes a path: give the host name only; the client adds /api/v1/")
    if "@" in hostname:
        raise HostnameError(
            hostname,
            "includes a user part: give the host name only and the credentials in username and password",
        )


def normalize_hostname(hostname: Any) -> str:
    """The host as it goes in a URL: IPv6 bracketed, IDN as punycode, lowercase; HostnameError if refused."""
    if not isinstance(hostname, str) or hostname == "":
        raise HostnameError(hostname, "is empty: give the server's host name or IP address")
    _check_url_parts(hostname)
    ipv6 = _as_ipv6(hostname)
    if ipv6 is not None:
        return "[%s]" % ipv6
    if ":" in hostname:
        raise HostnameError(hostname, "includes a port: give the port in the port option")
    _check_characters(hostname, hostname)  # ASCII punctuation first: it names the character at fault
    try:
        ascii_host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_host = ""
    _check_characters(ascii_host, hostname)  # what IDN mapping made of the other characters
    labels = ascii_host[:-1].split(".") if ascii_host.endswith(".") else ascii_host.split(".")
    if not ascii_host or len(ascii_host) > MAX_HOSTNAME or not all(_LABEL.match(label) for label in labels):
        raise HostnameError(
            hostname, "is not a valid host name (letters, digits, hyphens and dots, 1-63 per label)"
        )
    return ascii_host
