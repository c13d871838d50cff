# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""All the module folders of one source: the server module and the addons it ships.

Each folder goes through the same apply.present / absent / restored as the server module alone
(staging, rename swap, backup, pruning, installed manifest). The server module comes first, so
its schema check refuses a release before any folder changes. When a later folder fails, the
folders this run already swapped are put back (from the backup just made, or removed when it
was their first install), so a release is installed whole or not at all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import (
    Layout,
    Result,
    absent,
    list_backups,
    present,
    restored,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    Manifest,
    ModuleTreeError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.record import (
    forget_installed_manifest,
    installed_manifest_path,
)

_PLAN_KEYS = ("changed", "added", "changed_files", "removed", "fixed_attributes", "backup_path")


def addon_layouts(whmcs_root: str, backup_dir: Optional[str], names: List[str]) -> List[Layout]:
    return [Layout(whmcs_root, backup_dir, "addons", name) for name in names]


def recorded_addons(whmcs_root: str, backup_dir: Optional[str]) -> List[str]:
    """Addons this step installed on the host (they have a folder in <backup dir>/addons)."""
    root = os.path.join(Layout(whmcs_root, backup_dir).root_backup_dir, "addons")
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    return [
        name
        for name in names
        if os.path.isdir(os.path.join(root, name)) and not os.path.islink(os.path.join(root, name))
    ]


def _combined(results: List[Tuple[Layout, Result]]) -> Result:
    """The server module's result keys as before, plus one entry per folder."""
    combined = dict(results[0][1])
    folders = []
    warnings: List[str] = []
    for layout, result in results:
        entry: Dict[str, Any] = dict((key, result.get(key)) for key in _PLAN_KEYS)
        entry.update(folder=layout.folder, name=layout.name, type="addon" if layout.is_addon else "server")
        folders.append(entry)
        warnings.extend(result.get("warnings") or [])
    combined.update(
        changed=any(result.get("changed") for _layout, result in results),
        needs_archive=any(result.get("needs_archive") for _layout, result in results),
        folders=folders,
        changed_folders=[entry["folder"] for entry in folders if entry["changed"]],
        addons=[layout.name for layout, _result in results if layout.is_addon],
        warnings=warnings,
    )
    diffs = [result["diff"] for _layout, result in results if result.get("diff") is not None]
    if len(results) > 1:
        combined["diff"] = diffs  # Ansible shows a list of diffs one after the other
    return combined


def _put_back(done: List[Tuple[Layout, Result]], uid: Optional[int], gid: Optional[int]) -> List[str]:
    """Undo this run's swaps, newest first; the sentences of what could not be undone."""
    problems = []
    for layout, result in reversed(done):
        try:
            if result.get("backup_path"):
                restored(layout, uid, gid)
            else:  # first install of this folder: there was nothing before
                shutil.rmtree(layout.target)
                forget_installed_manifest(layout.backup_dir)
        except (ModuleTreeError, OSError) as error:
            problems.append("%s could not be put back: %s" % (layout.folder, error))
    return problems


def present_all(
    whmcs_root: str,
    backup_dir: Optional[str],
    manifest: Manifest,
    uid: Optional[int],
    gid: Optional[int],
    keep: int,
    archive: Optional[str],
    check_mode: bool,
    staged_check: Optional[Callable[[str], None]] = None,
) -> Result:
    """present() for the server module, then for each addon of the manifest."""
    addons = manifest.get("addons") or {}
    server_manifest = {"files": manifest["files"], "dirs": manifest["dirs"]}
    folders: List[Tuple[Layout, Manifest, Optional[Callable[[str], None]]]] = [
        (Layout(whmcs_root, backup_dir), server_manifest, staged_check)
    ]
    for layout in addon_layouts(whmcs_root, backup_dir, sorted(addons)):
        folders.append((layout, addons[layout.name], None))
    for layout, _manifest, _check in folders:
        layout.check()  # every folder's target is sane before the first one changes
    results: List[Tuple[Layout, Result]] = []
    done: List[Tuple[Layout, Result]] = []
    for layout, folder_manifest, check in folders:
        try:
            result = present(layout, folder_manifest, uid, gid, keep, archive, check_mode, staged_check=check)
        except (ModuleTreeError, OSError) as error:
            if len(folders) == 1:
                raise  # a source without addons fails exactly as before addons existed
            problems = _put_back(done, uid, gid)
            undone = ", ".join(done_layout.folder for done_layout, _done in done)
            message = "%s: %s" % (layout.folder, error)
            if undone:
                message += "; the folders this run had already installed (%s) were put back" % undone
            if problems:
                message += "; " + "; ".join(problems)
            raise ModuleTreeError(message) from error
        results.append((layout, result))
        if (
            archive is not None
            and not check_mode
            and result.get("changed")
            and not result.get("needs_archive")
        ):
            done.append((layout, result))
    return _combined(results)


def absent_all(whmcs_root: str, backup_dir: Optional[str], keep: int, check_mode: bool) -> Result:
    """absent() for the server module and for each addon this step installed."""
    results = [(Layout(whmcs_root, backup_dir), absent(Layout(whmcs_root, backup_dir), keep, check_mode))]
    for layout in addon_layouts(whmcs_root, backup_dir, recorded_addons(whmcs_root, backup_dir)):
        if os.path.isdir(layout.target) or os.path.isfile(installed_manifest_path(layout.backup_dir)):
            results.append((layout, absent(layout, keep, check_mode)))
    return _combined(results)


def restored_all(
    whmcs_root: str, backup_dir: Optional[str], uid: Optional[int], gid: Optional[int], check_mode: bool
) -> Result:
    """restored() for the server module and each addon with a backup.

    An addon that has no backup (its first install) is left in place, with a warning: the addon
    may be active in WHMCS, and removing it is the uninstall's choice (state=absent).
    """
    server = Layout(whmcs_root, backup_dir)
    results = [(server, restored(server, uid, gid, check_mode))]
    for layout in addon_layouts(whmcs_root, backup_dir, recorded_addons(whmcs_root, backup_dir)):
        if list_backups(layout.backup_dir, layout.backup_prefix):
            results.append((layout, restored(layout, uid, gid, check_mode)))
        elif os.path.isdir(layout.target):
            results[0][1].setdefault("warnings", []).append(
                "%s has no backup (it was first installed by the last run) and was left in place; "
                "use state=absent to remove it" % layout.folder
            )
    return _combined(results)
