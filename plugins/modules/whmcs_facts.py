#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_facts
short_description: Read what the install and verify steps need to know about a WHMCS host
version_added: 0.1.0
description:
  - Reads, and never changes, one WHMCS installation (the tree's landmarks, the PHP CLI version,
    C(configuration.php), the database (reachable or why not), the WHMCS version, the cron
    directory and the last cron runs, C(UpdateStatsAuto), and how many SmarterMail servers and
    products WHMCS has).
  - A broken host does not make the module fail; each problem is returned next to its fact
    (RV(php_error), RV(config_error), RV(db_error)) so the caller can explain it.
  - No secret (database password, C(cc_encryption_hash), licence) is ever returned.
  - The facts are returned at the top level (for C(register)) and as the C(whmcs_facts) fact.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed.
  facts:
    support: full
    description: Sets the C(whmcs_facts) fact.
options:
  cron_schedule:
    description:
      - A cron schedule (five fields, or C(@hourly)/C(@daily)) to check against what WHMCS needs;
        it must run every day, and in the hour WHMCS runs its daily tasks
        (C(DailyCronExecutionHour)). The verdict is in RV(cron_schedule_problem).
    type: str
  web_user:
    description:
      - The user the web server runs PHP as. When this module runs as root, the installed
        module's C(smartermail_MetaData()) is run confined as this user to read its version
        (RV(smartermail_module_version)); never as root in its place.
    type: str
"""

EXAMPLES = r"""
- name: Read the WHMCS host
  astral360.smartermail.whmcs_facts:
    whmcs_root: /var/www/whmcs
  register: whmcs_host

- name: Require WHMCS 8
  ansible.builtin.assert:
    that: whmcs_host.whmcs_version_info.major >= 8
"""

RETURN = r"""
whmcs_root:
  description: The absolute WHMCS root that was read.
  returned: always
  type: str
looks_like_whmcs:
  description: Whether C(configuration.php), C(init.php) and C(modules/servers) all exist (details in C(root_checks)).
  returned: always
  type: bool
root_checks:
  description: Each landmark and whether it exists.
  returned: always
  type: dict
  sample: {"configuration_php": true, "init_php": true, "modules_servers": true}
smartermail_module_installed:
  description: Whether C(modules/servers/smartermail/smartermail.php) exists.
  returned: always
  type: bool
run_as_user:
  description: The account this module ran as on the host.
  returned: always
  type: str
php_version:
  description: C(PHP_VERSION) of the PHP CLI, or null (see RV(php_error)).
  returned: always
  type: str
  sample: 8.2.7
php_version_info:
  description: The PHP version as [major, minor, patch].
  returned: when php ran
  type: list
  elements: int
php_error:
  description: Why the PHP version could not be read, or null.
  returned: always
  type: str
config_error:
  description: Why C(configuration.php) could not be read, or null.
  returned: always
  type: str
crons_dir:
  description: The WHMCS crons directory (C($crons_dir) from C(configuration.php), else C(<root>/crons)).
  returned: always
  type: str
cron_php:
  description: Path of C(cron.php) in RV(crons_dir).
  returned: always
  type: str
cron_php_exists:
  description: Whether RV(cron_php) exists.
  returned: always
  type: bool
db_reachable:
  description: Whether the database answered with the credentials in C(configuration.php).
  returned: always
  type: bool
db_error:
  description: Why the database could not be read (address, database, user and likely cause), or null.
  returned: always
  type: str
db_error_kind:
  description: The kind of database failure (e.g. C(access_denied), C(unreachable), C(timeout)), or null.
  returned: always
  type: str
whmcs_version:
  description: C(tblconfiguration.Version), or null.
  returned: always
  type: str
  sample: 8.13.0-release.1
whmcs_version_info:
  description: The parsed version (major, minor, patch, stage, build, text).
  returned: when the version was read
  type: dict
  sample: {"major": 8, "minor": 13, "patch": 0, "stage": "release", "build": 1, "text": "8.13.0"}
update_stats_auto:
  description: C(tblconfiguration.UpdateStatsAuto) (C(on) lets the daily usage import run).
  returned: when the database was read
  type: str
cron:
  description:
    - Last cron runs as WHMCS recorded them (C(last_invocation) from C(tblconfiguration), or from
      C(tbltransientdata) on 7.x, see C(last_invocation_source)), C(last_daily_invocation),
      C(last_daily_end), C(time_zone), C(daily_hour), and the ages in seconds by this host's clock.
  returned: when the database was read
  type: dict
smartermail:
  description: Counts of C(servers), C(servers_active), C(servers_enabled) and C(products) of type smartermail.
  returned: when the database was read
  type: dict
smartermail_module_version:
  description:
    - The installed server module's version, or null when the module is not installed.
    - C(version) (MetaData C(MODVersion), else the changelog's release, else null),
      C(meta_version), C(changelog_version) (the first release heading of the module's
      C(CHANGELOG.md)), C(mismatch) (a sentence when the two disagree, else null) and C(error)
      (why MetaData could not be read, else null).
    - MetaData is run as C(check_schema) of M(astral360.smartermail.whmcs_module_files) runs
      ConfigOptions - confined to the module folder, as O(web_user) when root.
  returned: always
  type: dict
  sample: {"version": "1.2.0", "meta_version": "1.2.0", "changelog_version": "1.2.0", "mismatch": null, "error": null}
cron_schedule:
  description: The checked O(cron_schedule) (fields, C(hours), C(runs_per_day), C(warnings)), or null when refused.
  returned: when O(cron_schedule) is given
  type: dict
cron_schedule_problem:
  description: Why O(cron_schedule) is unfit for WHMCS, or null.
  returned: when O(cron_schedule) is given
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.ansible_args import (
    whmcs_argument_spec,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.facts import gather_whmcs_facts
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_introspection import (
    read_module_version,
)


def main():
    spec = whmcs_argument_spec()
    spec.update(cron_schedule=dict(type="str"), web_user=dict(type="str"))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    params = module.params
    facts = gather_whmcs_facts(
        params["whmcs_root"],
        php_binary=params["php_binary"],
        db_socket=params["db_socket"],
        connect_timeout=params["db_connect_timeout"],
        cron_schedule=params["cron_schedule"],
    )
    facts["smartermail_module_version"] = (
        read_module_version(
            params["php_binary"],
            os.path.join(facts["whmcs_root"], "modules", "servers", "smartermail"),
            params["web_user"],
        )
        if facts["smartermail_module_installed"]
        else None
    )
    module.exit_json(changed=False, ansible_facts=dict(whmcs_facts=facts), **facts)


if __name__ == "__main__":
    main()
