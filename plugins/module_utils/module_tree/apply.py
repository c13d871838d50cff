# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""WHMCS host side: install, remove or restore one module folder of a WHMCS host.

A folder is <whmcs_root>/modules/servers/smartermail or an addon's modules/addons/<name>
(``Layout(kind="addons", name=...)``); both follow the same rules, described here for the
server module. An addon's backups and installed manifest live in ``<backup dir>/addons/<name>``.

Every change is staged in ``modules/servers/.smartermail.staging-<random>`` (same filesystem as
the target, so rename(2) is atomic), owned and moded there, then swapped in (module_tree_swap).
The replaced tree becomes a backup ``smartermail-<UTC timestamp>`` in the backup directory,
``<whmcs_root>/.smartermail-backups`` by default: outside ``modules/`` so that WHMCS never lists or
loads a backup as a module (it scans the folders of modules/servers and loads their hooks.php),
and mode 0700 so that a web server running as the web user cannot read it. On any failure the
previous tree stays in place and the staging folder is removed. Check mode computes the same plan
and writes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import errno
import grp
import hashlib
import os
import pwd
import re
import shutil
import tarfile
import tempfile
import time
from typing import IO, Any, Callable, Dict, List, Mapping, Optional, Set, Tuple, cast

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ADDON_ARCHIVE_PREFIX,
    DIR_MODE,
    FILE_MODE,
    MODULE_NAME,
    Entry,
    Manifest,
    ModuleTreeError,
    check_relative_path,
    listing_from_manifest,
    listing_from_scan,
    plan_tree,
    scan_tree,
    tree_manifest,
    validate_addon_manifest,
    validate_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.record import (
    forget_installed_manifest,
    record_installed_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.swap import swap_in

BACKUP_DIR_NAME = ".smartermail-backups"
STAGING_PREFIX = ".%s.staging-" % MODULE_NAME  # the server module's (Layout.staging_prefix)
BACKUP_PREFIX = MODULE_NAME + "-"
_BACKUP_STAMP = r"\d{8}T\d{6}\.\d{6}Z$"
# Staging folders carry the pid of the run that made them, so a later run can tell a folder left by
# a killed run (dead pid) from one a concurrent run is filling; a folder without a pid (older
# releases) counts as left behind once it is an hour old.
_STAGING_PID = r"(?:(\d+)-)?"
STALE_STAGING_SECONDS = 3600
# What present / absent / restored return: the module's result keys.
Result = Dict[str, Any]
_HTACCESS = "# Module backups made by astral360.smartermail: never served.\nRequire all denied\n"


class Layout:
    """The paths one host's operation on one module folder works on (server module or an addon)."""

    def __init__(
        self,
        whmcs_root: str,
        backup_dir: Optional[str] = None,
        kind: str = "servers",
        name: str = MODULE_NAME,
    ) -> None:
        self.whmcs_root = whmcs_root
        self.kind = kind
        self.name = name
        # servers_dir keeps its name for the server module; for an addon it is modules/addons.
        self.servers_dir = os.path.join(whmcs_root, "modules", kind)
        self.target = os.path.join(self.servers_dir, name)
        self.root_backup_dir = backup_dir or os.path.join(whmcs_root, BACKUP_DIR_NAME)
        self.is_addon = kind == "addons"
        # An addon may share the module's name: its backups get their own folder.
        self.backup_dir = (
            os.path.join(self.root_backup_dir, "addons", name) if self.is_addon else self.root_backup_dir
        )
        self.backup_prefix = name + "-"
        self.staging_prefix = ".%s.staging-" % name
        self.folder = "modules/%s/%s" % (kind, name)

    def validate(self, manifest: Manifest) -> None:
        if self.is_addon:
            validate_addon_manifest(self.name, manifest)
        else:
            validate_manifest(manifest)

    def check(self) -> None:
        if not os.path.isdir(self.whmcs_root):
            raise ModuleTreeError("whmcs_root %s does not exist or is not a directory" % self.whmcs_root)
        if self.is_addon and not os.path.lexists(self.servers_dir):
            return  # modules/addons is made by the first addon install (WHMCS ships it)
        if not os.path.isdir(self.servers_dir):
            raise ModuleTreeError(
                "%s does not exist: whmcs_root %s does not look like a WHMCS installation"
                % (self.servers_dir, self.whmcs_root)
            )
        if os.path.islink(self.target) or (os.path.lexists(self.target) and not os.path.isdir(self.target)):
            raise ModuleTreeError(
                "%s exists but is not a directory (a file or a link); move it away first" % self.target
            )


def resolve_owner(owner: Optional[str], group: Optional[str]) -> Tuple[Optional[int], Optional[int]]:
    """(uid, gid) for whmcs_web_user / whmcs_web_group; None for an option not given."""
    uid: Optional[int] = None
    gid: Optional[int] = None
    if owner:
        try:
            uid = int(owner) if owner.isdigit() else pwd.getpwnam(owner).pw_uid
        except KeyError:
            raise ModuleTreeError("owner (whmcs_web_user) %r is not a user on this host" % owner) from None
    if group:
        try:
            gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
        except KeyError:
            raise ModuleTreeError("group (whmcs_web_group) %r is not a group on this host" % group) from None
    return uid, gid


def check_can_own(uid: Optional[int], gid: Optional[int]) -> None:
    """Without root, files can only be ours and in one of our groups: say so before any change."""
    if os.geteuid() == 0:
        return
    if uid is not None and uid != os.geteuid():
        raise ModuleTreeError(
            "not enough permissions: the module files must belong to uid %d (whmcs_web_user) but this runs "
            "as uid %d without root; run the task with become" % (uid, os.geteuid())
        )
    if gid is not None and gid != os.getegid() and gid not in os.getgroups():
        raise ModuleTreeError(
            "not enough permissions: cannot give the module files group %d (whmcs_web_group) as uid %d; "
            "run the task with become" % (gid, os.geteuid())
        )


def check_writable(path: str, what: str) -> None:
    if not os.access(path, os.W_OK | os.X_OK):
        raise ModuleTreeError(
            "%s %s is not writable (read-only filesystem, immutable flag, or not enough permissions); "
            "nothing was changed" % (what, path)
        )


def _nearest_existing(path: str) -> str:
    while not os.path.exists(path):
        path = os.path.dirname(path)
    return path


def check_backup_dir(layout: Layout) -> None:
    """The backup dir must be creatable/writable and on the target's filesystem (rename(2) needs it)."""
    existing = _nearest_existing(layout.backup_dir)
    if existing == layout.backup_dir and not os.path.isdir(existing):
        raise ModuleTreeError("backup_dir %s exists but is not a directory" % layout.backup_dir)
    check_writable(existing, "backup_dir" if existing == layout.backup_dir else "the parent of backup_dir")
    if os.stat(existing).st_dev != os.stat(layout.servers_dir).st_dev:
        raise ModuleTreeError(
            "backup_dir %s is on another filesystem than %s; choose a backup_dir on the same filesystem"
            % (layout.backup_dir, layout.servers_dir)
        )


def ensure_backup_dir(layout: Layout) -> str:
    if not os.path.isdir(layout.backup_dir):
        os.makedirs(layout.backup_dir, 0o700)
        os.chmod(layout.backup_dir, 0o700)
        with open(os.path.join(layout.backup_dir, ".htaccess"), "w") as handle:
            handle.write(_HTACCESS)
    return layout.backup_dir


def list_backups(backup_dir: str, prefix: str = BACKUP_PREFIX) -> List[str]:
    """Backup folders, oldest first (their names sort by time)."""
    if not os.path.isdir(backup_dir):
        return []
    pattern = re.compile("^" + re.escape(prefix) + _BACKUP_STAMP)
    names = [n for n in os.listdir(backup_dir) if pattern.match(n)]
    return [
        os.path.join(backup_dir, n) for n in sorted(names) if not os.path.islink(os.path.join(backup_dir, n))
    ]


def new_backup_path(
    backup_dir: str, now: Optional[datetime.datetime] = None, prefix: str = BACKUP_PREFIX
) -> str:
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    while True:
        path = os.path.join(backup_dir, prefix + moment.strftime("%Y%m%dT%H%M%S.%fZ"))
        if not os.path.lexists(path):
            return path
        moment += datetime.timedelta(microseconds=1)


def prune_backups(backup_dir: str, keep: int, prefix: str = BACKUP_PREFIX) -> Tuple[List[str], List[str]]:
    """Delete backups beyond the newest ``keep``; returns (removed paths, warnings)."""
    removed: List[str] = []
    warnings: List[str] = []
    backups = list_backups(backup_dir, prefix)
    for path in backups[: max(len(backups) - keep, 0)]:
        try:
            shutil.rmtree(path)
            removed.append(path)
        except OSError as error:
            warnings.append("could not prune old backup %s: %s" % (path, error))
    return removed, warnings


def _recorded(result: Result, layout: Layout, manifest: Manifest) -> Result:
    """Keep the manifest of what is installed now beside the backups (verify compares with it)."""
    warning = record_installed_manifest(
        layout.backup_dir, manifest, lambda: ensure_backup_dir(layout), validate=layout.validate
    )
    if warning:
        result["warnings"] = [*(result.get("warnings") or []), warning]
    return result


def make_staging(layout: Layout) -> str:
    try:
        if layout.is_addon and not os.path.isdir(layout.servers_dir):
            os.mkdir(layout.servers_dir, DIR_MODE)
        return tempfile.mkdtemp(prefix="%s%d-" % (layout.staging_prefix, os.getpid()), dir=layout.servers_dir)
    except OSError as error:
        raise ModuleTreeError(
            "cannot create a staging folder in %s: %s; nothing was changed"
            % (layout.servers_dir, error.strerror)
        ) from error


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True


def _left_behind(path: str, pid: Optional[int]) -> bool:
    if pid is not None:
        return not _pid_alive(pid)
    try:
        return time.time() - os.lstat(path).st_mtime > STALE_STAGING_SECONDS
    except OSError:
        return False


def remove_stale_staging(layout: Layout) -> List[str]:
    """Remove the staging folders a killed run (SIGKILL, crash, lost host) left in modules/servers.

    Returns the names removed. A folder whose run is still alive is left alone.
    """
    try:
        names = sorted(os.listdir(layout.servers_dir))
    except OSError:
        return []
    removed: List[str] = []
    staging_re = re.compile("^" + re.escape(layout.staging_prefix) + _STAGING_PID)
    for name in names:
        match = staging_re.match(name)
        path = os.path.join(layout.servers_dir, name)
        if not match or os.path.islink(path) or not os.path.isdir(path):
            continue
        if _left_behind(path, int(match.group(1)) if match.group(1) else None):
            shutil.rmtree(path, ignore_errors=True)
            if not os.path.lexists(path):
                removed.append(name)
    return removed


def _clean_left_staging(result: Result, layout: Layout) -> Result:
    removed = remove_stale_staging(layout)
    if removed:
        result["changed"] = True
        result["removed_staging"] = removed
        warning = "removed %d staging folder(s) an interrupted run left in %s: %s" % (
            len(removed),
            layout.servers_dir,
            ", ".join(removed),
        )
        result["warnings"] = [*(result.get("warnings") or []), warning]
    return result


def remove_staging(path: Optional[str]) -> None:
    if path and os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def extract_archive(archive_path: str, staging: str, manifest: Manifest, prefix: str = "") -> None:
    """Unpack one folder of the controller's archive into ``staging``, checking every path and checksum.

    ``prefix`` is where the folder's members sit in the archive: "" for the server module (whose
    members are everything outside ADDON_ARCHIVE_PREFIX), ``ADDON_ARCHIVE_PREFIX<name>/`` for an addon.
    """
    expected = manifest["files"]
    written: Set[str] = set()
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            full = check_relative_path(member.name.rstrip("/"), "archive %s" % archive_path)
            if (full + "/").startswith(ADDON_ARCHIVE_PREFIX) and not prefix:
                continue  # an addon's member: installed by its own folder's pass
            if prefix and not full.startswith(prefix):
                continue
            name = full[len(prefix) :]
            path = os.path.join(staging, name)
            if member.isdir():
                _makedirs(path)
            elif member.isfile():
                if name not in expected:
                    raise ModuleTreeError(
                        "archive %s holds %s, which the manifest does not list" % (archive_path, name)
                    )
                _makedirs(os.path.dirname(path))
                # extractfile gives None only for members that are not regular files.
                digest = _write_member(cast(IO[bytes], archive.extractfile(member)), path)
                if digest != expected[name]:
                    raise ModuleTreeError(
                        "archive %s: %s does not match its manifest checksum" % (archive_path, name)
                    )
                os.utime(path, (member.mtime, member.mtime))
                written.add(name)
            else:
                raise ModuleTreeError(
                    "archive %s: %s is not a regular file or directory" % (archive_path, name)
                )
    missing = sorted(set(expected) - written)
    if missing:
        raise ModuleTreeError(
            "archive %s lacks %s listed in the manifest" % (archive_path, ", ".join(missing))
        )
    for rel in manifest["dirs"]:
        _makedirs(os.path.join(staging, rel))


def _makedirs(path: str) -> None:
    if not os.path.isdir(path):
        os.makedirs(path, 0o700)


def _write_member(source: IO[bytes], path: str) -> str:
    digest = hashlib.sha256()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def copy_tree_into(source: str, staging: str) -> None:
    """Copy a backup's regular files and folders into ``staging`` (links and specials are skipped)."""
    for rel, entry in sorted(scan_tree(source).items()):
        if rel == ".":
            continue
        if entry.kind == "dir":
            _makedirs(os.path.join(staging, rel))
        elif entry.kind == "file":
            _makedirs(os.path.dirname(os.path.join(staging, rel)))
            with open(os.path.join(source, rel), "rb") as handle:
                _write_member(handle, os.path.join(staging, rel))
            shutil.copystat(os.path.join(source, rel), os.path.join(staging, rel))


def apply_attributes(root: str, uid: Optional[int], gid: Optional[int]) -> None:
    """Files 0644, folders 0755, owner/group when asked (chown skipped when it would be a no-op)."""
    for current, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            _own_and_mode(os.path.join(current, name), uid, gid, FILE_MODE)
        for name in dirnames:
            _own_and_mode(os.path.join(current, name), uid, gid, DIR_MODE)
    _own_and_mode(root, uid, gid, DIR_MODE)


def _own_and_mode(path: str, uid: Optional[int], gid: Optional[int], mode: int) -> None:
    info = os.lstat(path)
    want_uid = -1 if uid is None or info.st_uid == uid else uid
    want_gid = -1 if gid is None or info.st_gid == gid else gid
    if want_uid != -1 or want_gid != -1:
        os.lchown(path, want_uid, want_gid)
    os.chmod(path, mode)


def _diff(
    layout: Layout, current: Mapping[str, Entry], after_listing: str, after_label: str
) -> Dict[str, str]:
    return dict(
        before_header="%s (installed)" % layout.target,
        after_header="%s (%s)" % (layout.target, after_label),
        before=listing_from_scan(current),
        after=after_listing,
    )


def _writable_parent(layout: Layout) -> None:
    if layout.is_addon and not os.path.isdir(layout.servers_dir):
        check_writable(os.path.join(layout.whmcs_root, "modules"), "modules folder")
    else:
        check_writable(
            layout.servers_dir, "%s folder" % os.path.relpath(layout.servers_dir, layout.whmcs_root)
        )


def _os_failure(action: str, layout: Layout, error: OSError) -> ModuleTreeError:
    detail = error.strerror or str(error)
    where = getattr(error, "filename", None) or layout.target
    hint = ""
    if error.errno in (errno.EROFS, errno.EPERM, errno.EACCES):
        hint = " (read-only filesystem, immutable flag, or not enough permissions)"
    elif error.errno == errno.EXDEV:
        hint = " (the backup dir is on another mount; choose a backup_dir on the same filesystem)"
    return ModuleTreeError(
        "could not %s %s: %s at %s%s; the previous module tree was left in place"
        % (action, layout.target, detail, where, hint)
    )


def present(
    layout: Layout,
    manifest: Manifest,
    uid: Optional[int] = None,
    gid: Optional[int] = None,
    keep: int = 3,
    archive: Optional[str] = None,
    check_mode: bool = False,
    staged_check: Optional[Callable[[str], None]] = None,
) -> Result:
    """Make the target match ``manifest``. Without ``archive`` and with work to do: needs_archive.

    ``staged_check(staging_dir)``, when given, inspects the unpacked new tree before it is swapped
    in and raises ModuleTreeError to refuse it; the installed tree is then left as it was. The
    tree is 0644/0755 but still owned by this process while it runs.
    """
    layout.check()
    current = scan_tree(layout.target)
    plan = plan_tree(manifest, current, uid, gid)
    result = plan.as_result()
    result.update(changed=not plan.in_sync, backup_path=None, needs_archive=False, pruned_backups=[])
    result["diff"] = _diff(layout, current, listing_from_manifest(manifest), "from source")
    if check_mode:
        return result
    _clean_left_staging(result, layout)
    if plan.in_sync:  # bookkeeping only (a tree installed before manifests were kept): not a change
        return _recorded(result, layout, manifest)
    _writable_parent(layout)
    if current:
        check_backup_dir(layout)
    check_can_own(uid, gid)
    if archive is None:
        result["needs_archive"] = True
        return result
    staging = make_staging(layout)
    backup = None
    try:
        extract_archive(
            archive, staging, manifest, ADDON_ARCHIVE_PREFIX + layout.name + "/" if layout.is_addon else ""
        )
        if staged_check is not None:
            # Modes first, owner after the check: the check may run the tree's own code as the
            # web user, which can then read the tree but not change it.
            apply_attributes(staging, None, None)
            staged_check(staging)
        apply_attributes(staging, uid, gid)
        backup = new_backup_path(ensure_backup_dir(layout), prefix=layout.backup_prefix) if current else None
        swap_in(staging, layout.target, backup)
    except OSError as error:
        raise _os_failure("install", layout, error) from error
    finally:
        remove_staging(staging)
    result["backup_path"] = backup
    result["pruned_backups"], prune_warnings = prune_backups(layout.backup_dir, keep, layout.backup_prefix)
    result["warnings"] = [*(result.get("warnings") or []), *(prune_warnings or [])]
    return _recorded(result, layout, manifest)


def absent(layout: Layout, keep: int = 3, check_mode: bool = False) -> Result:
    """Move the installed tree to a new backup (nothing to do when it is not installed)."""
    layout.check()
    current = scan_tree(layout.target)
    removed = sorted(rel + "/" if e.kind == "dir" else rel for rel, e in current.items() if rel != ".")
    result: Result = dict(
        changed=bool(current), added=[], changed_files=[], removed=removed, fixed_attributes=[]
    )
    result.update(backup_path=None, pruned_backups=[], diff=_diff(layout, current, "", "absent"))
    if not current or check_mode:
        return result
    _writable_parent(layout)
    check_backup_dir(layout)
    try:
        backup = new_backup_path(ensure_backup_dir(layout), prefix=layout.backup_prefix)
        os.rename(layout.target, backup)
    except OSError as error:
        raise _os_failure("remove", layout, error) from error
    forget_installed_manifest(layout.backup_dir)
    result["backup_path"] = backup
    result["pruned_backups"], result["warnings"] = prune_backups(
        layout.backup_dir, max(keep, 1), layout.backup_prefix
    )
    return result


def restored(
    layout: Layout, uid: Optional[int] = None, gid: Optional[int] = None, check_mode: bool = False
) -> Result:
    """Replace the installed tree with a copy of the newest backup (the backup itself stays)."""
    layout.check()
    backups = list_backups(layout.backup_dir, layout.backup_prefix)
    if not backups:
        # A first install replaces nothing, so it leaves no backup: say how to remove instead.
        raise ModuleTreeError(
            "no backup to restore: %s holds no %s<timestamp> folder, so there is no earlier version to go "
            "back to (a first install keeps none). Nothing was changed. To remove the module files instead, "
            "use state=absent (uninstall playbook: smartermail_module_uninstall: absent); they are then "
            "moved to a backup" % (layout.backup_dir, layout.backup_prefix)
        )
    newest = backups[-1]
    wanted = tree_manifest(scan_tree(newest))
    current = scan_tree(layout.target)
    plan = plan_tree(wanted, current, uid, gid)
    result = plan.as_result()
    result.update(changed=not plan.in_sync, backup_path=newest, pruned_backups=[])
    result["diff"] = _diff(layout, current, listing_from_manifest(wanted), "restored from %s" % newest)
    if check_mode:
        return result
    _clean_left_staging(result, layout)
    if plan.in_sync:
        return _recorded(result, layout, wanted)
    _writable_parent(layout)
    check_can_own(uid, gid)
    staging = make_staging(layout)
    try:
        copy_tree_into(newest, staging)
        apply_attributes(staging, uid, gid)
        swap_in(staging, layout.target, None)
    except OSError as error:
        raise _os_failure("restore", layout, error) from error
    finally:
        remove_staging(staging)
    return _recorded(result, layout, wanted)
