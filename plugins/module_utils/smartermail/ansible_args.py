# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between Ansible module parameters and the SmarterMail client (no business logic)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, Mapping

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailConfigError,
    SmarterMailConnectError,
    SmarterMailPermissionError,
    SmarterMailTLSError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.tls_off import (
    server_label,
    tls_checks_off,
    tls_off_warning,
)


def smartermail_argument_spec() -> Dict[str, Dict[str, Any]]:
    """The connection options documented in the astral360.smartermail.smartermail doc fragment."""
    return dict(
        hostname=dict(type="str", required=True),
        port=dict(type="int"),
        secure=dict(type="bool", default=True),
        username=dict(type="str", required=True),
        password=dict(type="str", required=True, no_log=True),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        connect_timeout=dict(type="float", default=10.0),
        timeout=dict(type="float", default=30.0),
    )


def client_from_params(params: Mapping[str, Any]) -> SmarterMailClient:
    """Build a SmarterMailClient from validated module parameters."""
    return SmarterMailClient(
        params["hostname"],
        port=params.get("port"),
        secure=params["secure"],
        username=params["username"],
        password=params["password"],
        verify_tls=params["validate_certs"],
        ca_file=params.get("ca_path"),
        connect_timeout=params["connect_timeout"],
        timeout=params["timeout"],
    )


def warn_if_tls_off(module: Any) -> None:
    """module.warn (Ansible's [WARNING] line) when validate_certs=false turns certificate checks off."""
    params = module.params
    if tls_checks_off(params["secure"], params["validate_certs"]):
        server = server_label(params["hostname"], params.get("port"), params["secure"])
        module.warn(tls_off_warning(server, "validate_certs: false"))


def failed_stage(error: BaseException) -> str:
    """Which link of the chain an error points at: config, port, tls, api or credentials."""
    if isinstance(error, SmarterMailConfigError):
        return "config"
    if isinstance(error, SmarterMailConnectError):
        return "port"
    if isinstance(error, SmarterMailTLSError):
        return "tls"
    if isinstance(error, (SmarterMailAuthError, SmarterMailPermissionError)):
        return "credentials"
    # API off, wrong path, 5xx, malformed answers and read timeouts all mean "the API".
    return "api"
