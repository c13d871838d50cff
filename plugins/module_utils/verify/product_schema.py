# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings the installed module offers on this host, for the product check's stored values.

Read as whmcs_product reads it (installed_module_settings): confined first, then, when the module
adds dropdowns, inside the host's WHMCS as the web user, so choices the module reads from its own
tables are this host's. Without a web user for a root process (verify never runs WHMCS's PHP as
root in its place) those choices are not checked, and the check says so. When the module cannot be read at all, stored values are checked against
the 23 named settings (the module-files check reports the module itself).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from typing import List, NamedTuple, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    setting,
    whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.installed_module_settings import (
    installed_settings,
    unchecked_dropdowns,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    SERVER_MODULE_FILE,
    ModuleSchemaError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    OPTIONS,
    OptionSpec,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import (
    WebPhpUser,
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


def _read(context: TargetContext) -> HostSchema:
    root = setting(context, "whmcs_root")
    php = setting(context, "php_binary", "php")
    web_user = setting(context, "whmcs_web_user")
    refusals: List[str] = []

    def host_user() -> Optional[WebPhpUser]:
        try:
            return web_php_user(web_user)
        except WebUserError as refusal:
            refusals.append("%s; %s" % (refusal.summary, refusal.hint))
            return None

    try:
        config = whmcs_config(context)
        secrets = [config.db_password, config.cc_encryption_hash]
        schema = installed_settings(
            php, root, os.path.join(root, SERVER_MODULE_FILE), web_user, host_user, secrets
        )
    except ModuleSchemaError as error:
        if "do not match the named options" in str(error):
            return HostSchema(OPTIONS, failure="the installed module's settings: %s" % error)
        return HostSchema(
            OPTIONS, "stored settings were checked against the 23 named settings only: %s" % error
        )
    unchecked = unchecked_dropdowns(schema)
    if unchecked:
        return HostSchema(
            schema.specs,
            "the choices of module setting%s %s come from the module's database on this host and were not "
            "checked (%s)" % ("s" if len(unchecked) > 1 else "", ", ".join(unchecked), "; ".join(refusals)),
        )
    return HostSchema(schema.specs)


def host_schema(context: TargetContext) -> HostSchema:
    """Read once per target."""
    return context.cached(CACHE_KEY, lambda: _read(context))
