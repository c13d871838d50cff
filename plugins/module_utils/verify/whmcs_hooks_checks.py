# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's hooks check: WHMCS loads the module's hooks.php, where its invoice billing lives.

WHMCS includes ``modules/servers/<name>/hooks.php`` on every request (cron included) for each
name in ``tblconfiguration.ModuleHooks``, and records a module there only when it is activated or
a product's Module Settings are saved in the admin area (developers.whmcs.com/hooks/module-hooks;
docs/verify.md "hooks"). The SmarterMail module rewrites each invoice's storage line from its
``InvoiceCreation`` hook, so a module that is not listed bills the flat product price.

The check passes when the module folder has a hooks.php that the web server's PHP user can read
and ModuleHooks lists ``smartermail`` exactly as WHMCS splits it. The module ships a hooks.php,
so a missing file fails (it is not "not applicable").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import Layout
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    MODULE_NAME,
    Entry,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    setting,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_files_checks import (
    web_reader,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import get_setting
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_hooks import (
    HOOKS_FILE,
    SETTING,
    listed,
)

SAVE_MODULE_SETTINGS = (
    "run the install playbook's product role again (it records smartermail in ModuleHooks as saving the "
    "product does), or in the WHMCS admin area open a smartermail product's Module Settings tab "
    "(Configuration > System Settings > Products/Services > the product) and click Save Changes"
)


def _entry(path: str) -> Entry:
    info = os.stat(path)
    return Entry("dir" if os.path.isdir(path) else "file", info.st_mode, info.st_uid, info.st_gid)


def _check_file(context: TargetContext, folder: str, hooks_file: str) -> None:
    """CheckFailed unless hooks.php exists and the web server's PHP user can reach and read it."""
    if not os.path.isfile(hooks_file):
        raise CheckFailed(
            "%s is missing: WHMCS has no module hooks to load, so the module's invoice billing (its "
            "InvoiceCreation hook) never runs" % hooks_file,
            "re-run the install playbook's module_files step: the SmarterMail module ships a %s" % HOOKS_FILE,
            hooks_file=hooks_file,
        )
    reader, why = web_reader(context)
    blocked = [
        path
        for path, directory in ((folder, True), (hooks_file, False))
        if not reader.can_read(_entry(path), directory)
    ]
    if blocked:
        raise CheckFailed(
            "%s is not readable by %s (%s): WHMCS's PHP cannot load the module's hooks"
            % (hooks_file, reader.label, ", ".join(blocked)),
            "make the folder 0755 and the file 0644, owned by whmcs_web_user (the module_files step does); "
            "the reader was chosen as %s" % why,
            hooks_file=hooks_file,
            reader=reader.label,
        )


def check_hooks(context: TargetContext) -> Outcome:
    folder = Layout(setting(context, "whmcs_root")).target
    hooks_file = os.path.join(folder, HOOKS_FILE)
    _check_file(context, folder, hooks_file)
    with whmcs_db(context) as connection:
        value = get_setting(connection, SETTING)
    details = {"hooks_file": hooks_file, "module_hooks": value}
    if not listed(value, MODULE_NAME):
        found = "has no %s row" % SETTING if value is None else "%s is %r" % (SETTING, value)
        raise CheckFailed(
            "WHMCS does not load %s: tblconfiguration %s, without %s, so the module's hooks never run and "
            "its invoices bill the flat product price instead of the storage tranches"
            % (hooks_file, found, MODULE_NAME),
            SAVE_MODULE_SETTINGS,
            **details,
        )
    return Outcome.passed(
        "WHMCS loads %s: tblconfiguration %s lists %s (%r)" % (hooks_file, SETTING, MODULE_NAME, value),
        **details,
    )
