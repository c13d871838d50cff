#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rollout_summary
short_description: Say which hosts of a rolling install moved, rolled back or were not reached
version_added: 0.1.0
description:
  - Runs on the controller only (an action plugin); use it once per batch (C(run_once)) at the end
    of the install play.
  - Reads, for every host of the play, the module files result (C(module_files_result)), the
    verify report (C(smartermail_verify_report)) and the rollback's result (C(smartermail_rollback)),
    and says per host C(moved), C(unchanged), C(rolled_back), C(failed), C(pending) (waits for a
    later batch) or C(not_reached) (the rollout stops before its batch).
  - The module version before and after is shown when the module files step reports it
    (C(module_version)).
  - The summary is shown without C(-v), as lines in C(msg), and written as JSON to O(report) when
    given (format 1 - C(stopped), C(stopped_at), one list of host names per status, and per host
    C(status), C(files_changed), C(version) (before/after or null), C(reasons), C(restored_from)).
author:
  - Astral 360 (@AstralInternet)
options:
  report:
    description: File on the controller for the JSON summary (mode 0600, replaced atomically).
    type: path
  max_fail_percentage:
    description:
      - The play's C(max_fail_percentage), to tell whether the rollout stops after this batch.
        Omit when the play has none (failed hosts then stop only themselves).
    type: float
attributes:
  check_mode:
    support: full
    description: Reads variables only; the report is written in check mode too.
  diff_mode:
    support: none
    description: Changes nothing on a host, so there is no diff.
  action:
    support: full
    description: Runs on the controller, never on the host.
"""

EXAMPLES = r"""
- name: Rollout summary
  astral360.smartermail.rollout_summary:
    report: /var/log/smartermail/rollout.json
    max_fail_percentage: 0
  run_once: true
"""

RETURN = r"""
msg:
  description: The summary as lines (a count line, then one line per host).
  returned: always
  type: list
  elements: str
  sample: ["Rollout: 1 moved, 1 rolled back, 1 not reached; stopped at whmcs2"]
report:
  description: The absolute path of the JSON report written.
  returned: when O(report) is given
  type: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    # Only reached when the action plugin is bypassed: the summary needs the controller's variables.
    module = AnsibleModule(
        argument_spec=dict(report=dict(type="path"), max_fail_percentage=dict(type="float")),
        supports_check_mode=True,
    )
    module.fail_json(msg="rollout_summary runs on the controller through its action plugin")


if __name__ == "__main__":
    main()
