# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: deploy_summary
type: aggregate
short_description: Write a machine-readable per-host summary of a playbook run
description:
  - Records, for every host, each task result (ok, changed, failed, skipped, unreachable) with its
    task name, role, module and loop label, plus the few result fields that say what a change is
    (module files added, changed or removed; the server or product action and changed fields; the
    diff of the C(astral360.smartermail.whmcs_cron) task, which holds only its own crontab lines).
  - Writes them as one JSON document when the playbook ends. C(smartermail-whmcs deploy) reads it to
    print the planned or applied changes per host.
  - Never records module parameters or whole results, so secrets given to modules stay out of the file.
requirements:
  - Enable it with C(ANSIBLE_CALLBACKS_ENABLED=astral360.smartermail.deploy_summary).
options:
  summary_file:
    description:
      - Where to write the JSON summary. Nothing is written when it is not set.
    type: path
    env:
      - name: SMARTERMAIL_DEPLOY_SUMMARY
    ini:
      - section: callback_deploy_summary
        key: summary_file
"""

import json  # noqa: E402 - ansible reads DOCUMENTATION first
import os  # noqa: E402

from ansible.plugins.callback import CallbackBase  # noqa: E402

# Result fields that describe a change without holding a secret (the modules mask passwords).
SAFE_FIELDS = (
    "added",
    "changed_files",
    "removed",
    "fixed_attributes",
    "action",
    "changed_fields",
    "password_changed",
    "server_id",
    "product_id",
    "group_id",
    "msg",
    "censored",
    "module_version",
    "reset",
    "how",
)
# Modules whose warnings belong in the summary (their own sentences, no secret).
WARNING_MODULES = ("astral360.smartermail.whmcs_opcache_reset",)
# Modules whose diff is useful in a summary and holds no secret.
DIFF_MODULES = (
    "astral360.smartermail.whmcs_cron",
    "astral360.smartermail.whmcs_product",
    "astral360.smartermail.whmcs_setting",
)


def _task_module(task):
    return getattr(task, "resolved_action", None) or task.action


def _role_name(task):
    role = getattr(task, "_role", None)
    return role.get_name() if role is not None else None


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "astral360.smartermail.deploy_summary"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._hosts = {}

    def _record(self, result, status, item=False):
        task = result._task
        payload = result._result if isinstance(result._result, dict) else {}
        if not item and "results" in payload:
            return  # a loop: each item was recorded on its own
        module = _task_module(task)
        event = {
            "task": task.get_name(),
            "role": _role_name(task),
            "module": module,
            "status": status,
            "check_mode": bool(payload.get("_ansible_check_mode", task.check_mode)),
        }
        if item:
            event["item"] = payload.get("_ansible_item_label", payload.get("item"))
        for field in SAFE_FIELDS:
            if field in payload:
                event[field] = payload[field]
        if module in DIFF_MODULES and "diff" in payload:
            event["diff"] = payload["diff"]
        if module in WARNING_MODULES and payload.get("warnings"):
            event["warnings"] = list(payload["warnings"])
        self._hosts.setdefault(result._host.get_name(), []).append(event)

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok", item=True)

    def v2_runner_item_on_failed(self, result):
        self._record(result, "failed", item=True)

    def v2_runner_item_on_skipped(self, result):
        self._record(result, "skipped", item=True)

    def v2_playbook_on_stats(self, stats):
        path = self.get_option("summary_file")
        if not path:
            return
        hosts = {}
        for host in sorted(stats.processed):
            hosts[host] = {"stats": stats.summarize(host), "events": self._hosts.get(host, [])}
        for host, events in self._hosts.items():
            hosts.setdefault(host, {"stats": {}, "events": events})
        document = {"format": 1, "hosts": hosts}
        temporary = path + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(document, handle, indent=1, sort_keys=True, default=str)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
