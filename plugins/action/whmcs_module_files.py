# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for astral360.smartermail.whmcs_module_files.

Controller side of the module files install: pack ``src`` once (module_tree_cache shares the
packed archive across hosts and forks), send only the manifest, and transfer the archive only
when the host answers that something differs. A no-op run is one module call per host.
A source that is unsafe or over the limits (``max_*``) is refused here, before the host is called.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ModuleTreeError,
)
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.cache import packed_source
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source_rules import (
    DEFAULT_LIMITS,
    SourceLimits,
)

MODULE = "astral360.smartermail.whmcs_module_files"
REMOTE_ARCHIVE_NAME = "smartermail-module.tar.gz"
INTERNAL_ARGS = ("manifest", "manifest_digest", "archive")
# Read on the controller only: what the source is and how much it may unpack to.
CONTROLLER_ARGS = ("src", *SourceLimits._fields)
USER_ARGS = (
    *CONTROLLER_ARGS,
    "whmcs_root",
    "state",
    "owner",
    "group",
    "backups_keep",
    "backup_dir",
    "check_schema",
    "php_binary",
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(USER_ARGS)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # no effect since ansible-core 2.x; the shell's tmpdir is shared instead
        args = dict(self._task.args)
        module_args = dict((key, value) for key, value in args.items() if key not in CONTROLLER_ARGS)
        archive_path = None
        if args.get("state", "present") == "present":
            try:
                archive_path, manifest, digest, packed_now = packed_source(
                    self._source_path(args.get("src")), limits=self._limits(args)
                )
            except (ModuleTreeError, OSError) as error:
                result.update(failed=True, changed=False, msg=str(error))
                return result
            module_args.update(manifest=manifest, manifest_digest=digest)
            result["packed_on_controller"] = packed_now
        try:
            answer = self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars)
            calls, transferred = 1, False
            if answer.get("needs_archive") and not answer.get("failed"):
                remote_archive = self._send_archive(archive_path)
                module_args["archive"] = remote_archive
                answer = self._execute_module(
                    module_name=MODULE, module_args=module_args, task_vars=task_vars
                )
                calls, transferred = 2, True
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        answer.pop("needs_archive", None)
        answer["module_calls"] = calls
        if archive_path is not None:
            answer["transferred"] = transferred
        result.update(answer)
        return result

    def _source_path(self, src):
        if not src:
            raise ModuleTreeError("src (smartermail_module_src) is required when state=present")
        src = os.path.expanduser(str(src))
        try:
            return self._find_needle("files", src)
        except AnsibleError:
            # Not found anywhere on the search path: packed_source names the variable and the path.
            return src

    def _limits(self, args):
        values = {}
        for field in SourceLimits._fields:
            value = args.get(field)
            if value is None:
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if number < 1 or str(value).strip() != str(number):
                raise ModuleTreeError(
                    "%s (smartermail_module_%s) must be a whole number of 1 or more, got %r"
                    % (field, field, value)
                )
            values[field] = number
        return DEFAULT_LIMITS._replace(**values)

    def _send_archive(self, archive_path):
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
        remote = self._connection._shell.join_path(tmpdir, REMOTE_ARCHIVE_NAME)
        self._transfer_file(archive_path, remote)
        self._fixup_perms2((tmpdir, remote))
        return remote
