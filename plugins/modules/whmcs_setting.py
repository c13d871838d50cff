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
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
attributes:
  check_mode:
    support: full
    description: Reads the current value and writes nothing.
  diff_mode:
    support: full
    description: Shows the old and the new value.
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
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.ansible_args import (
    open_whmcs,
    whmcs_argument_spec,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    HAS_PYMYSQL,
    PYMYSQL_IMPORT_ERROR,
    WhmcsDbError,
    get_setting,
    set_setting,
    transaction,
)

SETTING_NAME_MAX = 64  # tblconfiguration.setting is varchar(64)


def main():
    spec = whmcs_argument_spec()
    spec.update(name=dict(type="str", required=True), value=dict(type="str", required=True))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    name = module.params["name"].strip()
    value = module.params["value"]
    if not name or len(name) > SETTING_NAME_MAX:
        module.fail_json(
            msg="name %r must be a WHMCS setting name of 1 to 64 characters" % module.params["name"]
        )
    if not HAS_PYMYSQL:
        module.fail_json(msg=missing_required_lib("PyMySQL"), exception=PYMYSQL_IMPORT_ERROR)

    connection = None
    try:
        _config, connection = open_whmcs(module.params)
        with transaction(connection):
            previous = get_setting(connection, name)
            changed = previous != value
            if changed and not module.check_mode:
                set_setting(connection, name, value)
    except (WhmcsConfigError, WhmcsDbError) as error:
        module.fail_json(msg="setting %s: %s" % (name, error))
    finally:
        if connection is not None:
            connection.close()

    result = dict(changed=changed, previous_value=previous, value=value)
    if changed:
        result["diff"] = dict(
            before="%s = %s\n" % (name, "(no row)" if previous is None else repr(previous)),
            after="%s = %r\n" % (name, value),
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
