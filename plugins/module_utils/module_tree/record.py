# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The installed manifest: what the module_files step last put in modules/servers/smartermail.

The step writes ``<backup_dir>/installed-manifest.json`` (mode 0600, in the 0700 backup folder)
after each install or restore, and removes it when the tree is removed. ``verify``'s module-files
check compares the installed tree with it, so a file edited, deleted or added by hand since the
install is named. Recording is best effort: a failure is a warning, never a failed install.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import json
import os
import tempfile
from typing import Callable, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    Manifest,
    ModuleTreeError,
    validate_manifest,
)

INSTALLED_MANIFEST_NAME = "installed-manifest.json"
Validator = Callable[[Manifest], None]


def installed_manifest_path(backup_dir: str) -> str:
    return os.path.join(backup_dir, INSTALLED_MANIFEST_NAME)


def read_installed_manifest(backup_dir: str, validate: Optional[Validator] = None) -> Optional[Manifest]:
    """The manifest recorded by the last install, or None when there is none.

    Raises ModuleTreeError when the file is not a manifest, and OSError when it (or the backup
    folder) cannot be read by this user.
    """
    path = installed_manifest_path(backup_dir)
    if not os.path.isfile(path):
        if os.path.isdir(backup_dir) and not os.access(backup_dir, os.R_OK | os.X_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), backup_dir)
        return None
    with open(path) as handle:
        try:
            manifest = json.load(handle)
        except ValueError as error:
            raise ModuleTreeError("%s is not valid JSON (%s)" % (path, error)) from None
    try:
        (validate or validate_manifest)(manifest)
    except ModuleTreeError as error:
        raise ModuleTreeError("%s: %s" % (path, error)) from None
    return manifest


def _same(backup_dir: str, manifest: Manifest, validate: Optional[Validator]) -> bool:
    try:
        recorded = read_installed_manifest(backup_dir, validate)
    except (OSError, ModuleTreeError):
        return False
    return (
        recorded is not None
        and recorded["files"] == manifest["files"]
        and (sorted(recorded.get("dirs", [])) == sorted(manifest["dirs"]))
    )


def record_installed_manifest(
    backup_dir: str,
    manifest: Manifest,
    make_backup_dir: Callable[[], str],
    validate: Optional[Validator] = None,
) -> Optional[str]:
    """Write ``manifest`` atomically unless it is already recorded; a warning sentence or None.

    ``make_backup_dir()`` creates the backup folder the step's way (0700, .htaccess) and returns it;
    ``validate`` checks a recorded manifest (an addon's has no smartermail.php).
    """
    if _same(backup_dir, manifest, validate):
        return None
    try:
        directory = make_backup_dir()
        handle, temporary = tempfile.mkstemp(prefix=".installed-manifest.", dir=directory)
        try:
            with os.fdopen(handle, "w") as stream:
                json.dump(
                    {"files": manifest["files"], "dirs": sorted(manifest["dirs"])}, stream, sort_keys=True
                )
            os.chmod(temporary, 0o600)
            os.rename(temporary, installed_manifest_path(directory))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:
        return (
            "could not record the installed manifest in %s (%s); verify's module-files check will not "
            "be able to compare the files" % (backup_dir, error.strerror or error)
        )
    return None


def forget_installed_manifest(backup_dir: str) -> None:
    """The tree was removed: its manifest no longer describes anything."""
    with contextlib.suppress(OSError):
        os.unlink(installed_manifest_path(backup_dir))
