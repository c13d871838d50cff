# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between Ansible module parameters and the WHMCS library (no business logic)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfig,
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import connect


def whmcs_argument_spec() -> Dict[str, Any]:
    """The options documented in the astral360.smartermail.whmcs doc fragment."""
    return dict(
        whmcs_root=dict(type="path", required=True),
        php_binary=dict(type="str", default="php"),
        db_socket=dict(type="path"),
        db_connect_timeout=dict(type="float", default=10.0),
    )


def open_whmcs(params: Dict[str, Any]) -> Tuple[WhmcsConfig, Any]:
    """Read configuration.php under whmcs_root and connect to its database.

    Returns (config, connection). Raises WhmcsConfigError or WhmcsDbError with a sentence that
    names the file or the database address, never a secret.
    """
    config = read_whmcs_config(params["whmcs_root"], php_binary=params["php_binary"])
    connection = connect(config, socket=params.get("db_socket"), connect_timeout=params["db_connect_timeout"])
    return config, connection
