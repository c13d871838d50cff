# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base-URL rules for the SmarterMail REST API (pure functions, no third-party imports).

The WHMCS module builds ``scheme://host[:port]/api/v1/...``; its MetaData default ports are 443
(secure) and 9998 (plain, SmarterMail's built-in web server), and it leaves the port out of the
URL when it is the scheme's own (443 with https, 80 with http). These rules mirror that.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Optional, Union

from ansible_collections.astral360.smartermail.plugins.module_utils.common import hostnames
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
)

API_PREFIX = "/api/v1/"
DEFAULT_SECURE_PORT = 443
DEFAULT_PLAIN_PORT = 9998
_SCHEME_PORTS = {"https": 443, "http": 80}
# A port as the caller gives it: None (the default), a number, or digits in a string.
PortOption = Optional[Union[int, str]]


def default_port(secure: bool) -> int:
    """The module's default port for the scheme: 443 with TLS, 9998 without."""
    return DEFAULT_SECURE_PORT if secure else DEFAULT_PLAIN_PORT


def validate_port(port: PortOption, secure: bool) -> int:
    """Return the effective port (None means the default); reject anything not in 1..65535."""
    if port is None:
        return default_port(secure)
    if isinstance(port, bool) or not isinstance(port, int):
        try:
            port = int(str(port).strip(), 10)
        except ValueError:
            raise SmarterMailConfigError(
                "SmarterMail port %r is not a number: give the API port, e.g. 443 or 9998." % (port,)
            ) from None
    if not 1 <= port <= 65535:
        raise SmarterMailConfigError(
            "SmarterMail port %d is out of range: a TCP port is between 1 and 65535." % port
        )
    return port


def normalize_hostname(hostname: str) -> str:
    """Return the host as it goes in a URL: IPv6 bracketed, IDN as punycode, lowercase.

    The rule is common/hostnames.py's, the one the WHMCS server row is checked with; a refusal is a
    SmarterMailConfigError sentence saying what is wrong and which option to use instead.
    """
    try:
        return hostnames.normalize_hostname(hostname)
    except hostnames.HostnameError as error:
        raise SmarterMailConfigError("SmarterMail hostname %s %s." % (error.shown, error.reason)) from None


def build_base_url(hostname: str, port: PortOption, secure: bool) -> str:
    """``scheme://host[:port]`` (no trailing slash); the port is omitted when it is the scheme's own."""
    scheme = "https" if secure else "http"
    host = normalize_hostname(hostname)
    effective = validate_port(port, secure)
    if effective == _SCHEME_PORTS[scheme]:
        return "%s://%s" % (scheme, host)
    return "%s://%s:%d" % (scheme, host, effective)


def endpoint_label(hostname: str, port: PortOption, secure: bool) -> str:
    """``host:port`` with the port always shown, for error sentences."""
    return "%s:%d" % (normalize_hostname(hostname), validate_port(port, secure))
