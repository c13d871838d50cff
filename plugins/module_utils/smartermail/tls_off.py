# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate checks turned off on purpose: when that is so, and the warning every entry point shows.

The client honours ``verify_tls=False`` silently; the modules (``module.warn``, shown by Ansible
as [WARNING]) and the verify command (a line on stderr) say it with this one sentence, and a
strict run (``verify --strict``, ``smartermail_fail_on_warnings``) fails on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import endpoint_label


def tls_checks_off(secure: Any, verify_tls: Any) -> bool:
    """True when the connection uses HTTPS without checking the server's certificate."""
    return bool(secure) and verify_tls is False


def server_label(hostname: Any, port: Any, secure: Any) -> str:
    """``host:port`` when the address is usable, else the host name as given."""
    try:
        return endpoint_label(hostname, port, bool(secure))
    except SmarterMailConfigError:
        return repr(hostname)


def tls_off_warning(server: str, setting: str) -> str:
    """The sentence for a server whose certificate is not checked; ``setting`` names the switch used."""
    return (
        "TLS certificate checks are off for %s (%s): the SmarterMail password goes to whoever answers at "
        "that address, and the WHMCS module, which checks certificates, may still fail. Trust the server's "
        "CA with ca_path (verify: --ca-file) instead." % (server, setting)
    )
