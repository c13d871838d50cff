#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_setting
short_description: Set one WHMCS general setting (tblconfiguration)
version_added: 0.1.0
description:
  - Sets the C(tblconfiguration) row O(name) to O(value), creating the row when WHMCS has none.
  - Used by the C(cron) role to switch C(UpdateStatsAuto) on, which the daily
    UpdateServerUsage task (the module's usage import) needs.
  - Diffs show the old and the new value.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
  - astral360.smartermail.whmcs_write
options:
  name:
    description: The setting name (C(tblconfiguration.setting)), e.g. C(UpdateStatsAuto).
    type: str
    required: true
  value:
    description: The value to store, as text (WHMCS stores switches as C(on) or an empty string).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Let the WHMCS cron import SmarterMail disk usage
  astral360.smartermail.whmcs_setting:
    whmcs_root: /var/www/whmcs
    name: UpdateStatsAuto
    value: "on"
"""

RETURN = r"""
previous_value:
  description: The value before the change; null when the row did not exist.
  returned: success
  type: str
  sample: ""
value:
  description: The value now stored (or that would be, in check mode).
  returned: success
  type: str
  sample: "on"
diff:
  description: C(name = value) before and after; equal when nothing changes.
  returned: success
  type: dict
"""

from collections import namedtuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    get_setting,
    set_setting,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.write_module import WhmcsWriteModule

SETTING_NAME_MAX = 64  # tblconfiguration.setting is varchar(64)


class SettingPlan(namedtuple("SettingPlan", "name previous value")):
    @property
    def changed(self):
        return self.previous != self.value


class WhmcsSettingModule(WhmcsWriteModule):
    name = "whmcs_setting"

    def argument_spec(self):
        return dict(name=dict(type="str", required=True), value=dict(type="str", required=True))

    def subject(self):
        return "setting %s" % self.setting_name

    def validate(self):
        self.setting_name = self.params["name"].strip()
        if not self.setting_name or len(self.setting_name) > SETTING_NAME_MAX:
            raise WhmcsChangeError(
                "name %r must be a WHMCS setting name of 1 to 64 characters" % self.params["name"],
                option="name",
            )

    def plan(self, cursor):
        return SettingPlan(
            self.setting_name, get_setting(self.connection, self.setting_name), self.params["value"]
        )

    def report(self, plan):
        before = "(no row)" if plan.previous is None else repr(plan.previous)
        return dict(
            previous_value=plan.previous,
            value=plan.value,
            diff=dict(before="%s = %s\n" % (plan.name, before), after="%s = %r\n" % (plan.name, plan.value)),
        )

    def apply(self, cursor, plan):
        set_setting(self.connection, plan.name, plan.value)
        return {}


def main():
    WhmcsSettingModule().run()


if __name__ == "__main__":
    main()
