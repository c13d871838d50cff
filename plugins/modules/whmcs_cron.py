#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_cron
short_description: Put the WHMCS cron line into a user's crontab
version_added: 0.1.0
description:
  - 'Sets the job line under the comment C(#Ansible: <name>) in the crontab of O(user) (the same
    marker C(ansible.builtin.cron) writes, so a line it wrote is updated in place), or adds both
    at the end. Every other line of the crontab is kept as it is.'
  - The command is given as words. Each is shell-quoted and each C(%) escaped as C(\%), because
    cron ends a command at an unescaped C(%) and feeds the rest to it as standard input. A name,
    schedule field or word holding a control character (a newline would start another job) is
    refused before the crontab is read.
  - Diffs and results show only this line and its name line, never the rest of the crontab,
    which may hold other people's commands and their secrets.
author:
  - Astral 360 (@AstralInternet)
options:
  name:
    description: "The line's name, written as C(#Ansible: <name>) above it."
    type: str
    required: true
  user:
    description:
      - Whose crontab. Default the user the module runs as; another user's needs root.
    type: str
  schedule:
    description: The five time fields (minute, hour, day of month, month, weekday), or one C(@) shorthand.
    type: list
    elements: str
    required: true
  command:
    description: The command's words (program first); each reaches the program exactly as given.
    type: list
    elements: str
    required: true
attributes:
  check_mode:
    support: full
    description: Reads the crontab and reports what would change.
  diff_mode:
    support: full
    description: The name line and the job line, before and after; nothing else of the crontab.
"""

EXAMPLES = r"""
- name: Run the WHMCS cron every 5 minutes as www-data
  astral360.smartermail.whmcs_cron:
    name: WHMCS cron for /var/www/whmcs (astral360.smartermail)
    user: www-data
    schedule: ["*/5", "*", "*", "*", "*"]
    command: [/usr/bin/php, -q, /var/www/whmcs/crons/cron.php]
"""

RETURN = r"""
line:
  description: The job line as written in the crontab.
  returned: success
  type: str
  sample: "*/5 * * * * /usr/bin/php -q /var/www/whmcs/crons/cron.php"
previous_line:
  description: The job line that was under the name before; null when there was none.
  returned: success
  type: str
user:
  description: Whose crontab was read (and written).
  returned: success
  type: str
"""

import os
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.crontab import (
    NAME_MARKER,
    CrontabLineError,
    cron_command,
    job_line,
    named_line,
    with_named_line,
)


def current_user():
    return pwd.getpwuid(os.geteuid()).pw_name


def user_option(user):
    """['-u', user] for another user's crontab; [] for our own."""
    return [] if user == current_user() else ["-u", user]


def read_crontab(module, user):
    crontab = module.get_bin_path("crontab", required=True)
    rc, out, err = module.run_command([crontab, "-l", *user_option(user)])
    if rc == 0:
        return out
    if "no crontab" in err.lower():
        return ""
    module.fail_json(msg="cannot read the crontab of %s: %s" % (user, err.strip() or "exit %d" % rc))


def write_crontab(module, user, text):
    # On stdin, not through a temporary file: no file the crontab command (setgid, and run for
    # another user) may be unable to open, and nothing left behind.
    crontab = module.get_bin_path("crontab", required=True)
    rc, _out, err = module.run_command([crontab, *user_option(user), "-"], data=text, binary_data=True)
    if rc != 0:
        module.fail_json(msg="cannot write the crontab of %s: %s" % (user, err.strip() or "exit %d" % rc))


def lines_of(name, job):
    return "" if job is None else "%s%s\n%s\n" % (NAME_MARKER, name, job)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            user=dict(type="str"),
            schedule=dict(type="list", elements="str", required=True),
            command=dict(type="list", elements="str", required=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    user = params["user"] or current_user()
    if len(params["schedule"]) not in (1, 5):
        module.fail_json(
            msg="schedule must be five time fields or one @ shorthand, not %r" % params["schedule"]
        )
    try:
        job = job_line(params["schedule"], cron_command(*params["command"]))
        before = read_crontab(module, user)
        after = with_named_line(before, name, job)
    except CrontabLineError as error:
        module.fail_json(msg=str(error))
    previous = named_line(before, name)
    changed = previous != job
    if changed and not module.check_mode:
        write_crontab(module, user, after)
    result = dict(changed=changed, line=job, previous_line=previous, user=user)
    if module._diff:
        label = "crontab of %s" % user
        result["diff"] = dict(
            before=lines_of(name, previous),
            after=lines_of(name, job),
            before_header=label,
            after_header=label,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
