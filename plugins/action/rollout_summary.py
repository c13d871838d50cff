# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for astral360.smartermail.rollout_summary: runs on the controller only.

Reads every play host's variables (plugin_utils/rollout/summary.py), shows the summary as debug
does, and writes it as JSON to ``report`` when given. Nothing runs on a managed host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase
from ansible_collections.astral360.smartermail.plugins.plugin_utils.rollout.summary import (
    build_summary,
    render_lines,
)


def _write_report(path, summary):
    """Atomically, mode 0600: the report names hosts and backup paths."""
    path = os.path.abspath(os.path.expanduser(path))
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    handle, temporary = tempfile.mkstemp(prefix=".rollout-", dir=folder)
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(summary, stream, indent=2, sort_keys=True, default=str)
            stream.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def _host_variables(hostvars, names):
    """Only the three variables the summary reads, per host (hostvars templates lazily)."""
    wanted = ("module_files_result", "smartermail_verify_report", "smartermail_rollback")
    picked = {}
    for name in names:
        variables = hostvars.get(name, {})
        picked[name] = dict((key, variables[key]) for key in wanted if key in variables)
    return picked


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("report", "max_fail_percentage"))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        threshold = args.get("max_fail_percentage")
        try:
            threshold = None if threshold in (None, "", "None") else float(threshold)
        except (TypeError, ValueError):
            result.update(failed=True, msg="max_fail_percentage must be a number, got %r" % (threshold,))
            return result
        hosts_all = list(task_vars.get("ansible_play_hosts_all") or [])
        summary = build_summary(
            hosts_all,
            list(task_vars.get("ansible_play_hosts") or []),
            list(task_vars.get("ansible_play_batch") or []),
            _host_variables(task_vars.get("hostvars") or {}, hosts_all),
            threshold,
        )
        report = args.get("report")
        if report:
            try:
                result["report"] = _write_report(str(report), summary)
            except OSError as error:
                result.update(
                    failed=True, msg="cannot write the rollout report %s: %s" % (report, to_native(error))
                )
                return result
        result.update(changed=False, msg=render_lines(summary))
        # Shown without -v, as debug is: this is the account the operator reads.
        result["_ansible_verbose_always"] = True
        return result
