# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of the module installed in a WHMCS root, as it offers them on that host.

Shared by whmcs_product and verify's product check. The module is first read confined and without
a database (module_config_options.read_module_config_options), so settings that moved slots are
refused before its code runs unconfined. Only when it adds dropdowns beyond the 23 named settings
(choices it may read from its own tables) is it read again inside the host's WHMCS, and only the
module WHMCS itself loads: another file keeps its added choices unchecked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from typing import Callable, Iterable, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    SERVER_MODULE_FILE,
    read_host_config_options,
    read_module_config_options,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_schema import (
    ModuleSchema,
    module_schema,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import WebPhpUser

__all__ = ["installed_settings", "unchecked_dropdowns"]

CHOICE_TYPES = ("dropdown", "radio")


def unchecked_dropdowns(schema: ModuleSchema) -> list:
    """Names of the added dropdowns whose choices were not read from the host."""
    return [spec.name for spec in schema.added if spec.whmcs_type in CHOICE_TYPES and spec.kind != "choice"]


def installed_settings(
    php_binary: str,
    whmcs_root: str,
    module_file: str,
    web_user: Optional[str],
    host_user: Callable[[], Optional[WebPhpUser]],
    secrets: Iterable[Optional[str]] = (),
) -> ModuleSchema:
    """ModuleSchemaError when unreadable or moved; ``host_user()`` None leaves added choices unchecked."""
    confined = read_module_config_options(php_binary, module_file, web_user)
    draft = module_schema(confined, choices_known=False)
    if not any(spec.whmcs_type in CHOICE_TYPES for spec in draft.added):
        return module_schema(confined)
    if os.path.realpath(module_file) != os.path.realpath(os.path.join(whmcs_root, SERVER_MODULE_FILE)):
        return draft
    user = host_user()
    if user is None:
        return draft
    return module_schema(read_host_config_options(php_binary, whmcs_root, module_file, user, secrets))
