# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's module-files check: modules/servers/smartermail is there, readable by the web server's
PHP user, not world-writable, and unchanged since the module_files step installed it.

Who must read the files: ``whmcs_web_user`` when given; otherwise the owner and group of
configuration.php, because WHMCS's PHP reads that file on every request, so whoever owns it (or
its group) is the best evidence of the user PHP runs as.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import stat
from typing import Any, Dict, Iterable, List, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import Layout
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    MODULE_ENTRY_FILE,
    MODULE_NAME,
    Entry,
    ModuleTreeError,
    plan_tree,
    scan_tree,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.record import (
    installed_manifest_path,
    read_installed_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import setting

SHOWN_NAMES = 3


def listed(paths: Iterable[str], shown: int = SHOWN_NAMES) -> str:
    """'a, b, c and 4 more' (a few names and the count, never a wall of paths)."""
    paths = list(paths)
    text = ", ".join(paths[:shown])
    if len(paths) > shown:
        text += " and %d more" % (len(paths) - shown)
    return text


class Reader:
    """A user (uid + groups) for whom read access is judged from the permission bits."""

    def __init__(self, label: str, uid: int, gids: Iterable[int]) -> None:
        self.label = label
        self.uid = uid
        self.gids = set(gids)

    def can_read(self, entry: Entry, directory: bool) -> bool:
        needed = 0o5 if directory else 0o4  # a folder must be listable and enterable
        if entry.uid == self.uid:
            bits = (entry.mode >> 6) & 0o7
        elif entry.gid in self.gids:
            bits = (entry.mode >> 3) & 0o7
        else:
            bits = entry.mode & 0o7
        return bits & needed == needed


def _name_of_uid(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return "uid %d" % uid


def _name_of_gid(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return "gid %d" % gid


def web_reader(context: TargetContext) -> Tuple[Reader, str]:
    """(Reader, why this user) for whmcs_web_user, else configuration.php's owner and group."""
    user = setting(context, "whmcs_web_user")
    if user:
        try:
            account = pwd.getpwnam(user) if not str(user).isdigit() else pwd.getpwuid(int(user))
        except KeyError:
            raise CheckFailed(
                "whmcs_web_user %r is not a user on this host" % user,
                "set whmcs_web_user to the user the web server runs WHMCS's PHP as (e.g. www-data)",
            ) from None
        gids = {account.pw_gid} | {g.gr_gid for g in grp.getgrall() if account.pw_name in g.gr_mem}
        return Reader(account.pw_name, account.pw_uid, gids), "whmcs_web_user"
    config_file = os.path.join(setting(context, "whmcs_root"), "configuration.php")
    info = os.stat(config_file)
    label = "%s/%s" % (_name_of_uid(info.st_uid), _name_of_gid(info.st_gid))
    return (
        Reader(label, info.st_uid, {info.st_gid}),
        "the owner/group of configuration.php (WHMCS's PHP reads it on every request; set whmcs_web_user "
        "to name the web user instead)",
    )


def _scan(target: str) -> Dict[str, Entry]:
    try:
        return scan_tree(target)
    except OSError as error:
        raise CheckFailed(
            "cannot read the module folder %s: %s" % (target, error.strerror or error),
            "run verify as root or as the web user, or fix the folder's permissions",
        ) from None


def _compare(layout: Layout, current: Dict[str, Entry]) -> Tuple[List[str], str]:
    """(problems, note) comparing the tree with the installed manifest."""
    try:
        manifest = read_installed_manifest(layout.backup_dir)
    except OSError as error:
        return [], "not compared with the installed manifest: %s is not readable by this user (%s)" % (
            layout.backup_dir,
            error.strerror or error,
        )
    except ModuleTreeError as error:
        return ["the installed manifest is damaged: %s" % error], ""
    if manifest is None:
        return (
            [],
            "not compared: no installed manifest at %s (the module was not installed by the module_files "
            "step, or by an older version)" % installed_manifest_path(layout.backup_dir),
        )
    plan = plan_tree(manifest, current)
    problems = []
    for paths, what in (
        (plan.added, "missing"),
        (plan.changed, "changed"),
        (plan.removed, "not from the install (extra)"),
    ):
        if paths:
            problems.append("%d path(s) %s: %s" % (len(paths), what, listed(paths)))
    return problems, "matches the installed manifest (%d files)" % len(manifest["files"])


def check_module_files(context: TargetContext) -> Outcome:
    root = setting(context, "whmcs_root")
    layout = Layout(root)
    target = layout.target
    if not os.path.isdir(target) or os.path.islink(target):
        raise CheckFailed(
            "the module folder %s is missing" % target,
            "install the module with the install playbook's module_files step (smartermail_module_src)",
        )
    current = _scan(target)
    if MODULE_ENTRY_FILE not in current:
        raise CheckFailed(
            "%s/%s is missing: WHMCS cannot load the %s module" % (target, MODULE_ENTRY_FILE, MODULE_NAME),
            "re-run the install playbook's module_files step to put the module back",
        )
    reader, why = web_reader(context)
    unreadable, world_writable, odd = [], [], []
    for path, entry in sorted(current.items()):
        shown = "%s/" % path if entry.kind == "dir" else path
        if entry.kind not in ("file", "dir"):
            odd.append("%s (%s)" % (path, entry.kind))
            continue
        if not reader.can_read(entry, entry.kind == "dir"):
            unreadable.append(shown)
        if entry.mode & stat.S_IWOTH:
            world_writable.append(shown)
    differences, note = _compare(layout, current)
    problems, hints = [], []
    if differences:
        problems.append("%s differs from the installed manifest: %s" % (target, "; ".join(differences)))
        hints.append("re-run the install playbook's module_files step to restore the installed files")
    if unreadable:
        problems.append(
            "%d path(s) not readable by %s: %s" % (len(unreadable), reader.label, listed(unreadable))
        )
        hints.append(
            "make the files readable by the web user (the module_files step sets 0644/0755 and the owner "
            "whmcs_web_user); the reader was chosen as %s" % why
        )
    if world_writable:
        problems.append("%d path(s) are world-writable: %s" % (len(world_writable), listed(world_writable)))
        hints.append(
            "anyone on the host could change the module's code: chmod o-w (files 0644, folders 0755)"
        )
    if odd:
        problems.append("not regular files or folders: %s" % listed(odd))
        hints.append("replace links and special files with regular files (re-run the module_files step)")
    details: Dict[str, Any] = {
        "files": sum(1 for e in current.values() if e.kind == "file"),
        "reader": reader.label,
    }
    if problems:
        raise CheckFailed("; ".join(problems), "; ".join(hints), **details)
    summary = "%s: %d files, readable by %s, none world-writable, %s" % (
        target,
        details["files"],
        reader.label,
        note,
    )
    if note.startswith("not compared"):
        return Outcome.warning(
            summary,
            "re-run the install playbook's module_files step once: it records the installed manifest that "
            "this check compares with",
            **details,
        )
    return Outcome.passed(summary, **details)
