#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_addon
short_description: Activate or deactivate a WHMCS addon module the way WHMCS's admin area does
version_added: 0.2.0
description:
  - Activates the addon in C(<whmcs_root>/modules/addons/<name>) as Setup > Addon Modules does -
    runs C(<name>_activate()) inside WHMCS (the host's C(init.php) booted, as O(web_user)), so the
    tables the addon creates exist, then records what WHMCS records - the name in
    C(tblconfiguration.ActiveAddonModules) (sorted), the C(tbladdonmodules) rows C(version),
    C(access) (the admin role ids of O(access)) and one row per config field holding its default,
    the addon in C(AddonModulesHooks) when it ships a C(hooks.php), and C(AddonModulesPerms).
  - Idempotent - an active addon with the same version and access changes nothing and its
    C(_activate()) is not run again. When C(<name>_config()) gives a newer version than the stored
    one, C(<name>_upgrade($vars)) runs (C($vars) are the addon's stored settings, C(version) the old
    one) and the new version is recorded, as WHMCS does on the next admin page display.
  - When C(_activate()), C(_upgrade()) or C(_deactivate()) returns an error (a C(status) other
    than C(success) or C(info)) or throws, the task fails with its C(description) and nothing is
    recorded.
  - O(state=inactive) runs C(<name>_deactivate()) and removes the addon's C(tbladdonmodules) rows
    and list entries. The tables the addon created are kept (WHMCS drops nothing itself).
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
options:
  name:
    description:
      - The addon's folder name under C(modules/addons) (lowercase letters, digits, underscores,
        starting with a letter), e.g. C(smartermail_billing).
    type: str
    required: true
  state:
    description: V(active) activates (or upgrades, or fixes access); V(inactive) deactivates.
    type: str
    choices: [active, inactive]
    default: active
  access:
    description:
      - The admin roles allowed to use the addon - C(tbladminroles) ids or names (case-insensitive).
      - Replaces the recorded access when it differs.
    type: list
    elements: str
    default: [Full Administrator]
  web_user:
    description:
      - The user the web server runs PHP as; the addon's functions run as this user (required
        when the task runs as root, never run as root in its place).
    type: str
attributes:
  check_mode:
    support: full
    description:
      - Reads C(<name>_config()) (as every Addon Modules page display does) and the records, and
        predicts; runs no C(_activate), C(_upgrade) or C(_deactivate) and writes nothing.
  diff_mode:
    support: full
    description: The addon's C(tbladdonmodules) rows and the three C(tblconfiguration) lists, before and after.
notes:
  - Facts from WHMCS 8's C(admin/configaddonmods.php) and the developer docs
    (developers.whmcs.com/addon-modules/installation-uninstallation, .../upgrades); see docs/module_files.md.
"""

EXAMPLES = r"""
- name: Activate the SmarterMail billing addon for full administrators
  astral360.smartermail.whmcs_addon:
    whmcs_root: /var/www/whmcs
    name: smartermail_billing
    web_user: www-data
  become: true

- name: Deactivate it (its tables stay)
  astral360.smartermail.whmcs_addon:
    whmcs_root: /var/www/whmcs
    name: smartermail_billing
    state: inactive
    web_user: www-data
  become: true
"""

RETURN = r"""
step:
  description: The addon function run (or, in check mode, that would run) - activate, upgrade, deactivate or null.
  returned: success
  type: str
  sample: activate
version:
  description: The addon's config version (state=active).
  returned: success
  type: str
  sample: 1.2.0
upgraded_from:
  description: The stored version before an upgrade, else null.
  returned: success
  type: str
access:
  description: The admin role ids recorded in the C(access) row (state=active).
  returned: success
  type: list
  elements: int
  sample: [1]
diff:
  description: The records before and after, one line each.
  returned: success
  type: dict
"""

import re

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.addons import (
    ACTIVE,
    DEFAULT_ACCESS,
    HOOKS,
    PERMS,
    AddonState,
    addon_config,
    plan_active,
    plan_inactive,
    split_list,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.addons_php import (
    AddonPhpError,
    run_addon_function,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    get_setting,
    set_setting,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import (
    WebUserError,
    web_php_user,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.write_module import WhmcsWriteModule

ADDON_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class WhmcsAddonModule(WhmcsWriteModule):
    name = "whmcs_addon"
    input_errors = (AddonPhpError,)
    lock_purpose = "addon modules"

    def argument_spec(self):
        return dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["active", "inactive"], default="active"),
            access=dict(type="list", elements="str", default=list(DEFAULT_ACCESS)),
            web_user=dict(type="str"),
        )

    def subject(self):
        return "addon %s" % self.params["name"]

    def validate(self):
        if not ADDON_NAME.match(self.params["name"]):
            raise WhmcsChangeError(
                "name %r is not a WHMCS addon name (lowercase letters, digits and underscores, starting "
                "with a letter)" % self.params["name"],
                option="name",
            )
        if self.params["state"] == "active" and not [a for a in self.params["access"] if str(a).strip()]:
            raise WhmcsChangeError("access must name at least one admin role", option="access")
        try:
            self.user = web_php_user(self.params["web_user"])
        except WebUserError as error:
            raise WhmcsChangeError("%s; %s" % (error.summary, error.hint), option="web_user") from None

    # ---- reading

    def _php(self, step, **extra):
        return run_addon_function(
            self.params["php_binary"],
            self.params["whmcs_root"],
            self.user,
            self.params["name"],
            step,
            secrets=(self.config.db_password, getattr(self.config, "cc_encryption_hash", None)),
            **extra,
        )

    def _rows(self, cursor, sql, args=()):
        cursor.execute(sql, args)
        return list(cursor.fetchall())

    def _state(self, cursor, name):
        rows = self._rows(cursor, "SELECT setting, value FROM tbladdonmodules WHERE module = %s", (name,))
        return AddonState(
            [(str(r["setting"]), str(r["value"])) for r in rows],
            get_setting(self.connection, ACTIVE) or "",
            get_setting(self.connection, HOOKS) or "",
            get_setting(self.connection, PERMS) or "",
        )

    def _role_ids(self, roles):
        by_name = dict((str(r["name"]).strip().lower(), int(r["id"])) for r in roles)
        known = set(int(r["id"]) for r in roles)
        ids = []
        for wanted in self.params["access"]:
            wanted = str(wanted).strip()
            if wanted.isdigit() and int(wanted) in known:
                ids.append(int(wanted))
            elif wanted.lower() in by_name:
                ids.append(by_name[wanted.lower()])
            elif wanted:
                raise WhmcsChangeError(
                    "access: no admin role %r in tbladminroles (roles: %s)"
                    % (wanted, ", ".join("%s (%s)" % (r["id"], r["name"]) for r in roles)),
                    option="access",
                )
        return ids

    def plan(self, cursor):
        name = self.params["name"]
        before = self._state(cursor, name)
        roles = self._rows(cursor, "SELECT id, name FROM tbladminroles ORDER BY name")
        role_order = [int(r["id"]) for r in roles]
        active = split_list(before.active)
        other_access = dict(
            (str(r["module"]), str(r["value"]))
            for r in self._rows(cursor, "SELECT module, value FROM tbladdonmodules WHERE setting = 'access'")
            if str(r["module"]) != name and str(r["module"]) in active
        )
        answer = self._php("config", others=sorted(set(active) | {name}))
        names = answer.get("names") or {}
        if self.params["state"] == "inactive":
            return plan_inactive(name, before, role_order, other_access, names)
        if not answer.get("installed") and self.check_mode:
            # --check of a first install: the module files step has not copied the addon yet.
            self.module.warn(
                "addon %s is not installed yet (check mode): its activation is predicted; its version, "
                "fields and hooks are known only once its files are there" % name
            )
        elif not answer.get("installed"):
            raise WhmcsChangeError(
                "addon %s is not installed: %s/modules/addons/%s/%s.php does not exist (install the module "
                "files first)" % (name, self.params["whmcs_root"], name, name)
            )
        self.addon = addon_config(answer.get("config"), name, bool(answer.get("hooks")))
        self.access_ids = sorted(set(self._role_ids(roles)))
        return plan_active(name, before, self.addon, self.access_ids, role_order, other_access, names)

    def report(self, plan):
        result = dict(
            step=plan.step,
            upgraded_from=plan.upgrade_from,
            diff=dict(before=plan.before.describe(plan.name), after=plan.after.describe(plan.name)),
        )
        if self.params["state"] == "active":
            result.update(version=self.addon.version, access=self.access_ids)
        return result

    # ---- writing

    def apply(self, cursor, plan):
        if plan.step is not None:
            extra = {"vars_": plan.before.settings()} if plan.step == "upgrade" else {}
            answer = self._php(plan.step, **extra)
            gone = not answer.get("installed")
            if gone and plan.step != "deactivate":
                raise WhmcsChangeError("addon %s: its files are gone; nothing was recorded" % plan.name)
            # Deactivating an addon whose files are gone: no function to run, its records still go.
            if not gone and not answer.get("ok"):
                raise WhmcsChangeError(
                    "%s_%s() failed: %s; nothing was recorded"
                    % (
                        plan.name,
                        plan.step,
                        answer.get("description") or "it returned status %r" % answer.get("status"),
                    )
                )
        if plan.before.rows != plan.after.rows:
            cursor.execute("DELETE FROM tbladdonmodules WHERE module = %s", (plan.name,))
            for setting, value in plan.after.rows:
                cursor.execute(
                    "INSERT INTO tbladdonmodules (module, setting, value) VALUES (%s, %s, %s)",
                    (plan.name, setting, value),
                )
        for setting, old, new in (
            (ACTIVE, plan.before.active, plan.after.active),
            (HOOKS, plan.before.hooks, plan.after.hooks),
            (PERMS, plan.before.perms, plan.after.perms),
        ):
            if old != new:
                set_setting(self.connection, setting, new)
        return {}


def main():
    WhmcsAddonModule().run()


if __name__ == "__main__":
    main()
