#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_module_files
short_description: Install, remove or restore the SmarterMail server module files of a WHMCS host
version_added: 0.1.0
description:
  - Makes C(<whmcs_root>/modules/servers/smartermail) match O(src) byte for byte, with files 0644
    and folders 0755 owned by O(owner)/O(group).
  - When O(src) also holds addon modules (C(modules/addons/<name>/) beside C(modules/servers/smartermail/)),
    each is installed to C(<whmcs_root>/modules/addons/<name>) by the same rules (manifest, staging,
    rename swap, backup in C(<backup_dir>/addons/<name>), pruning). The server module goes first; when a
    later folder fails, the folders already swapped in by the run are put back. Activating an addon
    in WHMCS is M(astral360.smartermail.whmcs_addon)'s job.
  - The action plugin packs O(src) once on the controller (cached for every host and fork), sends
    the per-file sha256 manifest first, and transfers the single archive only when something
    differs. A no-op run is one module call per host.
  - Changes are staged beside the target, then swapped in with rename(2). The replaced tree is kept
    as C(smartermail-<UTC timestamp>) in O(backup_dir), and backups beyond O(backups_keep) are
    pruned. On any failure the previous tree stays in place and the staging folder is removed.
  - O(manifest), O(manifest_digest) and O(archive) are set by the action plugin; do not set them.
author:
  - Astral 360 (@AstralInternet)
options:
  src:
    description:
      - On the controller, the module source. It can be the C(modules/servers/smartermail) folder, a
        directory holding C(modules/servers/smartermail/), or a C(.zip), C(.tar.gz) or C(.tgz) of either.
        An archive may wrap them in one top folder.
      - Must contain C(smartermail.php). Refused on the controller, before anything is sent to the
        host, each time naming the source and the member - absolute paths, C(..), control characters
        in names, links leading out of the module folder, devices, fifos and sockets, a name given
        twice, a name that is both a file and a folder, more than one module folder, a damaged or
        truncated archive, and a source over O(max_unpacked_mb), O(max_file_mb), O(max_members) or
        O(max_ratio).
      - An addon folder must be named as WHMCS requires (lowercase letters, digits and underscores,
        starting with a letter) and hold C(<name>/<name>.php); anything else in C(modules/addons)
        (but WHMCS's C(index.php)) is refused before any change.
      - Required when O(state=present).
    type: path
  max_unpacked_mb:
    description:
      - On the controller, the most the module folder in O(src) may unpack to, in MiB (links
        count as the copies they become).
    type: int
    default: 64
  max_file_mb:
    description: On the controller, the largest one file in O(src) may be, in MiB.
    type: int
    default: 16
  max_members:
    description: On the controller, the most entries (files, folders, links) O(src) may hold.
    type: int
    default: 10000
  max_ratio:
    description:
      - On the controller, the highest compression ratio (unpacked size / packed size) of one zip
        member or of the whole archive, checked once more than 1 MiB is unpacked. Archives that
        unpack far beyond their size are zip bombs.
    type: int
    default: 100
  whmcs_root:
    description: The WHMCS installation folder on the host (it holds C(modules/servers)).
    type: path
    required: true
  state:
    description:
      - V(present) installs or updates the tree from O(src).
      - V(absent) moves the installed tree to a new backup, and so the addon folders this module installed.
      - V(restored) replaces the installed tree with a copy of the newest backup (fails, naming
        O(backup_dir), when there is none). The replaced tree is discarded. Each addon folder with a
        backup is restored the same way; an addon without one (first installed by the last run) is
        left in place with a warning.
    type: str
    choices: [present, absent, restored]
    default: present
  owner:
    description:
      - User that owns the files (the web user). Without root it must be the connecting user.
      - Not checked or changed when omitted.
      - When the module runs as root, O(check_schema) runs the new module's PHP as this user
        (as root only when O(owner) is omitted or is root).
    type: str
  group:
    description: Group of the files (the web group). Not checked or changed when omitted.
    type: str
  backups_keep:
    description: How many backups to keep in O(backup_dir) after a change (oldest pruned first).
    type: int
    default: 3
  backup_dir:
    description:
      - Where backups go. Default C(<whmcs_root>/.smartermail-backups), mode 0700, outside
        C(modules/) so that WHMCS never sees a backup as a module.
      - Must be on the same filesystem as C(modules/servers).
    type: path
  manifest:
    description: Internal, set by the action plugin. The sha256 manifest of the packed source.
    type: dict
  manifest_digest:
    description: Internal, set by the action plugin. The sha256 of O(manifest).
    type: str
  archive:
    description: Internal, set by the action plugin. Where the packed source was put on the host.
    type: path
  check_schema:
    description:
      - Before the new tree replaces the installed one, read its C(smartermail_ConfigOptions())
        through O(php_binary) and refuse it when its first 23 settings would not line up with the
        23 named options (fewer settings, types, dropdown choices, moved defaults) or it declares
        more than the 24 WHMCS can store. Settings 24.. that a newer release adds are accepted
        (see docs/options.md, "Settings read from the module"). The installed tree is left as it
        was. Turn off only for a module this collection does not know.
      - There is no database here - C(WHMCS\Database\Capsule) is a stand-in whose every call
        throws a C(RuntimeException) - so a release that reads a dropdown's choices from its own
        tables answers its fallback; those choices are checked by M(astral360.smartermail.whmcs_product)
        on the host.
      - This runs the new module's own PHP, confined - as O(owner) (the web user) when the task
        runs as root, with C(php -n) (no php.ini, no extensions beyond the built-in ones),
        C(open_basedir) limited to the unpacked folder, which it can read but not change, no URL
        wrappers, the functions that run commands, open connections or write files disabled, an
        empty environment and a 30 s timeout.
      - Check mode does not unpack the source, so it cannot run this check.
    type: bool
    default: true
  php_binary:
    description: PHP CLI on the host, for O(check_schema).
    type: str
    default: php
attributes:
  check_mode:
    support: full
    description: Computes the same plan and writes nothing, not even the staging folder.
  diff_mode:
    support: full
    description:
      - Lists the paths before and after, with short checksums, never file contents.
      - One diff per folder (a list) when the source ships addons.
  action:
    support: full
    description: The action plugin packs and transfers the source.
"""

EXAMPLES = r"""
- name: Install the SmarterMail module files for the web user
  astral360.smartermail.whmcs_module_files:
    src: files/smartermail-module-1.4.0.zip
    whmcs_root: /var/www/whmcs
    owner: www-data
    group: www-data
    backups_keep: 3
  become: true

- name: Put back the previous version
  astral360.smartermail.whmcs_module_files:
    whmcs_root: /var/www/whmcs
    state: restored
  become: true
"""

RETURN = r"""
added:
  description:
    - Paths (relative to the module folder, folders with a trailing /) that are (or would be) added.
    - This and the other path lists describe the server module; RV(folders) has them for each addon.
  returned: always
  type: list
  elements: str
  sample: [hooks.php, lang/, lang/english.php]
changed_files:
  description: Paths whose content or kind differs from the source.
  returned: always
  type: list
  elements: str
  sample: [smartermail.php]
removed:
  description: Paths present on the host and not in the source (for V(absent), the whole tree).
  returned: always
  type: list
  elements: str
  sample: [old.php]
fixed_attributes:
  description: Paths with the right content but the wrong mode, owner or group.
  returned: always
  type: list
  elements: str
  sample: [lib/]
backup_path:
  description: The backup made by this run, or for V(restored) the backup restored from.
  returned: always
  type: str
  sample: /var/www/whmcs/.smartermail-backups/smartermail-20250101T120000.000000Z
pruned_backups:
  description: Old backups deleted because of O(backups_keep).
  returned: always
  type: list
  elements: str
manifest_digest:
  description: sha256 of the source's manifest (same on every host for the same source).
  returned: when O(state=present)
  type: str
transferred:
  description: Whether the packed source was sent to the host (false in a no-op run).
  returned: when O(state=present)
  type: bool
module_calls:
  description: How many times the module ran on the host for this task (1 when nothing differs).
  returned: always
  type: int
module_version:
  description:
    - The server module's version before and after this run (C(before), C(after)), each as
      RV(astral360.smartermail.whmcs_facts#module:smartermail_module_version) (C(version),
      C(meta_version), C(changelog_version), C(mismatch), C(error)), or null where there is no tree.
    - C(after) is read from the unpacked new tree before the swap; with nothing to change it is
      C(before); in check mode, where nothing is unpacked, it is null for a change.
  returned: always
  type: dict
  sample: {"before": {"version": "1.1.0"}, "after": {"version": "1.2.0"}}
folders:
  description:
    - One entry per module folder handled, the server module first, then each addon (name order),
      with its O(state) plan keys.
  returned: always
  type: list
  elements: dict
  sample:
    - {folder: modules/servers/smartermail, name: smartermail, type: server, changed: false, added: [],
       changed_files: [], removed: [], fixed_attributes: [], backup_path: null}
    - {folder: modules/addons/smartermail_billing, name: smartermail_billing, type: addon, changed: true,
       added: [smartermail_billing.php], changed_files: [], removed: [], fixed_attributes: [], backup_path: null}
changed_folders:
  description: The folders (relative to O(whmcs_root)) that changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [modules/addons/smartermail_billing]
addons:
  description:
    - The addon names handled - for V(present) those O(src) ships, for V(absent) and V(restored)
      those this module installed before. The role activates these.
  returned: always
  type: list
  elements: str
  sample: [smartermail_billing]
target:
  description: The module folder on the host.
  returned: always
  type: str
  sample: /var/www/whmcs/modules/servers/smartermail
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import (
    Layout,
    resolve_owner,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.folders import (
    absent_all,
    present_all,
    restored_all,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ModuleTreeError,
    manifest_digest,
    validate_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    ModuleSchemaError,
    read_module_config_options,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_introspection import (
    read_module_version,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_schema import (
    check_schema_matches,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    ModuleOptionError,
)


def argument_spec():
    return dict(
        src=dict(type="path"),
        whmcs_root=dict(type="path", required=True),
        state=dict(type="str", choices=["present", "absent", "restored"], default="present"),
        owner=dict(type="str"),
        group=dict(type="str"),
        backups_keep=dict(type="int", default=3),
        backup_dir=dict(type="path"),
        manifest=dict(type="dict"),
        manifest_digest=dict(type="str"),
        archive=dict(type="path"),
        check_schema=dict(type="bool", default=True),
        php_binary=dict(type="str", default="php"),
        # Read by the action plugin on the controller; documented here, never used on the host.
        max_unpacked_mb=dict(type="int", default=64),
        max_file_mb=dict(type="int", default=16),
        max_members=dict(type="int", default=10000),
        max_ratio=dict(type="int", default=100),
    )


def schema_check(php_binary, web_user):
    """Refuse a new module tree whose ConfigOptions would shift the named option slots."""

    def check(staging_dir):
        module_file = os.path.join(staging_dir, "smartermail.php")
        try:
            return check_schema_matches(read_module_config_options(php_binary, module_file, web_user))
        except (ModuleSchemaError, ModuleOptionError) as error:
            raise ModuleTreeError(
                "smartermail_module_src: %s. The installed module files were left as they were." % error
            ) from None

    return check


def _version(params, module_dir):
    """The module version in module_dir (see whmcs_facts), or None when there is no module there."""
    if not os.path.isfile(os.path.join(module_dir, "smartermail.php")):
        return None
    return read_module_version(params["php_binary"], module_dir, params["owner"])


def run(module):
    params = module.params
    if params["backups_keep"] < 1:
        raise ModuleTreeError(
            "backups_keep (smartermail_module_backups_keep) must be 1 or more, got %d"
            % params["backups_keep"]
        )
    root, backup_dir = params["whmcs_root"], params["backup_dir"]
    uid, gid = resolve_owner(params["owner"], params["group"])
    state = params["state"]
    if state == "absent":
        return absent_all(root, backup_dir, params["backups_keep"], module.check_mode)
    if state == "restored":
        return restored_all(root, backup_dir, uid, gid, module.check_mode)
    manifest = params["manifest"]
    if manifest is None:
        raise ModuleTreeError("state=present needs the manifest that the action plugin builds from src")
    validate_manifest(manifest)
    digest = manifest_digest(manifest)
    if params["manifest_digest"] and params["manifest_digest"] != digest:
        raise ModuleTreeError("manifest_digest does not match the manifest; the transfer was damaged")
    warnings = []
    check = schema_check(params["php_binary"], params["owner"]) if params["check_schema"] else None
    before = _version(params, Layout(root, backup_dir).target)
    versions = {"before": before, "after": None}

    def staged_check(staging_dir):
        if check is not None:
            warnings.extend(check(staging_dir))
        versions["after"] = _version(params, staging_dir)

    result = present_all(
        root,
        backup_dir,
        manifest,
        uid,
        gid,
        params["backups_keep"],
        params["archive"],
        module.check_mode,
        staged_check=staged_check,
    )
    if not result.get("changed"):
        versions["after"] = before
    result["module_version"] = versions
    result["warnings"] = list(result.get("warnings") or []) + warnings
    result["manifest_digest"] = digest
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        result = run(module)
    except ModuleTreeError as error:
        module.fail_json(msg=str(error), changed=False)
    except OSError as error:
        module.fail_json(
            msg="unexpected filesystem error at %s: %s" % (error.filename, error.strerror), changed=False
        )
    diff = result.pop("diff", None)
    if module._diff and diff is not None:
        result["diff"] = diff
    for warning in result.pop("warnings", []) or []:
        module.warn(warning)
    result["target"] = Layout(module.params["whmcs_root"]).target
    module.exit_json(**result)


if __name__ == "__main__":
    main()
