# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings the installed module offers on this host, for the product check's stored values.

Read inside the host's WHMCS as the web user (module_config_options.read_host_config_options), so a
dropdown whose choices the module reads from its own tables is judged against this host's choices.
Without a web user for a root process (verify never runs WHMCS's PHP as root in its place), the
module is read confined and without a database: its own dropdowns' choices are then not checked,
and the check says so. When the module cannot be read at all, stored values are checked against
the 23 named settings (the module-files check reports the module itself).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from typing import NamedTuple, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    setting,
    whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    SERVER_MODULE_FILE,
    ModuleSchemaError,
    read_host_config_options,
    read_module_config_options,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_schema import module_schema
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    OPTIONS,
    OptionSpec,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import (
    WebUserError,
    web_php_user,
)

__all__ = ["HostSchema", "host_schema"]

CACHE_KEY = "product-settings-schema"


class HostSchema(NamedTuple):
    """The settings to judge stored values by; a warning or failure sentence about the module itself."""

    specs: Tuple[OptionSpec, ...]
    warning: Optional[str] = None
    failure: Optional[str] = None


def _unchecked_choices(specs: Tuple[OptionSpec, ...], why: str) -> Optional[str]:
    unchecked = [spec.name for spec in specs if spec.from_module and spec.whmcs_type in ("dropdown", "radio")]
    if not unchecked:
        return None
    return (
        "the choices of module setting%s %s come from the module's database on this host and were not "
        "checked (%s)" % ("s" if len(unchecked) > 1 else "", ", ".join(unchecked), why)
    )


def _read(context: TargetContext) -> HostSchema:
    root = setting(context, "whmcs_root")
    php = setting(context, "php_binary", "php")
    module_file = os.path.join(root, SERVER_MODULE_FILE)
    try:
        try:
            user = web_php_user(setting(context, "whmcs_web_user"))
        except WebUserError as refusal:
            specs = module_schema(read_module_config_options(php, module_file), choices_known=False).specs
            return HostSchema(specs, _unchecked_choices(specs, refusal.summary + "; " + refusal.hint))
        config = whmcs_config(context)
        declared = read_host_config_options(
            php, root, module_file, user, [config.db_password, config.cc_encryption_hash]
        )
    except ModuleSchemaError as error:
        return HostSchema(
            OPTIONS, "stored settings were checked against the 23 named settings only: %s" % error
        )
    try:
        return HostSchema(module_schema(declared).specs)
    except ModuleSchemaError as error:
        return HostSchema(OPTIONS, failure="the installed module's settings: %s" % error)


def host_schema(context: TargetContext) -> HostSchema:
    """Read once per target."""
    return context.cached(CACHE_KEY, lambda: _read(context))
