# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's module-version check: the installed module's version, for the report.

MetaData's MODVersion (the module's code run confined, as the install's schema check runs it) and
the first release heading of the module's CHANGELOG.md. Both are information (PASS); when they
disagree the release was packed from mixed files (WARN); MetaData that cannot be run is a WARN.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from typing import Any, Dict

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import setting
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_introspection import (
    read_module_version,
)


def _said(value: Any) -> str:
    return str(value) if value else "none"


def check_module_version(context: TargetContext) -> Outcome:
    root = str(setting(context, "whmcs_root"))
    folder = os.path.join(root, "modules", "servers", "smartermail")
    if not os.path.isfile(os.path.join(folder, "smartermail.php")):
        raise CheckFailed(
            "the SmarterMail module is not installed (%s/smartermail.php is missing)" % folder,
            "run the install playbook (module_files role) or copy the module to modules/servers/smartermail",
        )
    found = read_module_version(
        setting(context, "php_binary", "php"), folder, setting(context, "whmcs_web_user")
    )
    details: Dict[str, Any] = {
        "module_version": found["version"],
        "meta_version": found["meta_version"],
        "changelog_version": found["changelog_version"],
    }
    summary = "module %s (MetaData MODVersion %s, CHANGELOG.md release %s)" % (
        _said(found["version"]),
        _said(found["meta_version"]),
        _said(found["changelog_version"]),
    )
    if found["mismatch"]:
        return Outcome.warning(
            summary + ": " + found["mismatch"],
            "install the module from one release archive, unchanged",
            **details,
        )
    if found["error"]:
        return Outcome.warning(
            summary + "; MetaData could not be read: " + found["error"],
            "run the module's PHP as the web user to see why (see the module-files check)",
            **details,
        )
    if not found["version"]:
        return Outcome.passed(
            summary + ": the installed module says no version (no MODVersion in MetaData, no CHANGELOG.md)",
            **details,
        )
    return Outcome.passed(summary, **details)
