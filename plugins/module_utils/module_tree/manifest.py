# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail module tree: its checksum manifest, a scan of an installed tree, and the plan.

A manifest is a JSON-friendly dict ``{"files": {relpath: sha256hex}, "dirs": [relpath, ...]}``
with POSIX relative paths (the module folder itself is implicit). A source that ships addon
modules adds ``"addons": {name: {"files": ..., "dirs": ...}}``, one such manifest per
``modules/addons/<name>`` folder; in the packed archive their files sit under
``ADDON_ARCHIVE_PREFIX<name>/``. The controller builds it from
the source; the WHMCS host compares it with what is installed. Pure functions, stdlib only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import re
import stat
from typing import Any, Dict, List, Mapping, NoReturn, Optional, Tuple, cast

MODULE_NAME = "smartermail"
MODULE_ENTRY_FILE = "smartermail.php"
# WHMCS loads an addon from modules/addons/<name>/<name>.php and calls <name>_config() etc., so the
# name must be a PHP function-name prefix; WHMCS's module developer docs ask for lowercase letters,
# digits and underscores, starting with a letter.
ADDON_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ADDON_ARCHIVE_PREFIX = ".addons/"
FILE_MODE = 0o644
DIR_MODE = 0o755
_CHUNK = 1024 * 1024
# C0/C1 controls, bidi overrides and isolates, and undecodable bytes (surrogate escapes): such a
# name can print as something else, e.g. a fake line in --diff output.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# {"files": {relpath: sha256hex}, "dirs": [relpath, ...]}: plain JSON, as it travels between hosts.
Manifest = Dict[str, Any]


class ModuleTreeError(Exception):
    """A clear, one-sentence failure that names the path or option at fault."""


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def addon_name_problem(name: str) -> Optional[str]:
    """Why ``name`` cannot be a WHMCS addon folder, or None when it can."""
    if not ADDON_NAME_RE.match(name):
        return (
            "the name must be lowercase letters, digits and underscores, starting with a letter "
            "(got %r), and the folder must hold %s.php" % (name, name)
        )
    return None


def _canonical(manifest: Manifest) -> Dict[str, Any]:
    return {"files": dict(sorted(manifest["files"].items())), "dirs": sorted(manifest["dirs"])}


def manifest_digest(manifest: Manifest) -> str:
    """A stable sha256 of the whole manifest (what RV(manifest_digest) returns)."""
    canonical_form = _canonical(manifest)
    if manifest.get("addons"):  # a source without addons keeps the digest it always had
        canonical_form["addons"] = dict(
            (name, _canonical(sub)) for name, sub in sorted(manifest["addons"].items())
        )
    canonical = json.dumps(canonical_form, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def validate_manifest(manifest: Any) -> None:
    """Refuse a manifest that is not the expected shape or names a path outside the tree."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModuleTreeError("manifest must be a dict with 'files' (path -> sha256) and 'dirs' (list)")
    dirs = manifest.get("dirs", [])
    if not isinstance(dirs, list):
        raise ModuleTreeError("manifest 'dirs' must be a list of relative paths")
    for path in list(manifest["files"]) + list(dirs):
        check_relative_path(path, "manifest")
    if MODULE_ENTRY_FILE not in manifest["files"]:
        raise ModuleTreeError("manifest has no %s at the top of the module folder" % MODULE_ENTRY_FILE)
    addons = manifest.get("addons") or {}
    if not isinstance(addons, dict):
        raise ModuleTreeError("manifest 'addons' must be a dict of addon name -> manifest")
    for name, sub in addons.items():
        validate_addon_manifest(name, sub)


def validate_addon_manifest(name: Any, manifest: Any) -> None:
    """An addon folder's manifest: a WHMCS addon name, plain relative paths, <name>.php at the top."""
    if not isinstance(name, str) or addon_name_problem(name):
        raise ModuleTreeError("manifest: addon %r refused: %s" % (name, addon_name_problem(str(name))))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModuleTreeError("manifest of addon %s must be a dict with 'files' and 'dirs'" % name)
    if not isinstance(manifest.get("dirs", []), list):
        raise ModuleTreeError("manifest of addon %s: 'dirs' must be a list of relative paths" % name)
    for path in list(manifest["files"]) + list(manifest.get("dirs", [])):
        check_relative_path(path, "manifest of addon %s" % name)
    if name + ".php" not in manifest["files"]:
        raise ModuleTreeError("manifest of addon %s has no %s.php at the top of its folder" % (name, name))


def check_relative_path(path: str, where: str) -> str:
    """A member path must be relative, normalised and stay inside the tree."""
    if not isinstance(path, str) or not path:
        raise ModuleTreeError("%s: empty or non-text path" % where)
    if path.startswith("/") or path.startswith("\\") or (len(path) > 1 and path[1] == ":"):
        raise ModuleTreeError("%s: absolute path %r refused" % (where, path))
    if _CONTROL_CHARACTERS.search(path):
        raise ModuleTreeError("%s: path %r holds a control character or an undecodable byte" % (where, path))
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\\" in path:
        raise ModuleTreeError(
            "%s: path %r is not a plain relative path (no '..', '.', '\\' or '//')" % (where, path)
        )
    return path


class Entry:
    """One entry of an installed tree, as lstat sees it."""

    __slots__ = ("gid", "kind", "mode", "sha256", "uid")

    def __init__(self, kind: str, mode: int, uid: int, gid: int, sha256: Optional[str] = None) -> None:
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.sha256 = sha256


def _kind(st_mode: int) -> str:
    if stat.S_ISREG(st_mode):
        return "file"
    if stat.S_ISDIR(st_mode):
        return "dir"
    if stat.S_ISLNK(st_mode):
        return "link"
    return "other"


def _entry(path: str) -> Entry:
    info = os.lstat(path)
    kind = _kind(info.st_mode)
    digest = sha256_file(path) if kind == "file" else None
    return Entry(kind, stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, digest)


def scan_tree(root: str) -> Dict[str, Entry]:
    """Map relpath -> Entry for everything under ``root`` ("." is the root), never following links.

    Returns {} when ``root`` does not exist. Raises OSError when it cannot be read.
    """
    if not os.path.lexists(root):
        return {}
    entries = {".": _entry(root)}
    if entries["."].kind != "dir":
        return entries
    for current, dirnames, filenames in os.walk(root, followlinks=False, onerror=_raise):
        rel_dir = os.path.relpath(current, root)
        for name in sorted(dirnames + filenames):
            rel = name if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/" + name
            entries[rel] = _entry(os.path.join(current, name))
    return entries


def _raise(error: OSError) -> NoReturn:
    raise error


class TreePlan:
    """What present would change: files/dirs to add, change (content or type), remove, re-own/re-mode."""

    def __init__(
        self, added: List[str], changed: List[str], removed: List[str], attributes: List[str]
    ) -> None:
        self.added = added
        self.changed = changed
        self.removed = removed
        self.attributes = attributes

    @property
    def in_sync(self) -> bool:
        return not (self.added or self.changed or self.removed or self.attributes)

    def as_result(self) -> Dict[str, Any]:
        return dict(
            added=self.added,
            changed_files=self.changed,
            removed=self.removed,
            fixed_attributes=self.attributes,
        )


def _label(path: str, kind: str) -> str:
    return path + "/" if kind == "dir" else path


def plan_tree(
    manifest: Manifest, current: Mapping[str, Entry], uid: Optional[int] = None, gid: Optional[int] = None
) -> TreePlan:
    """Compare a manifest with ``scan_tree`` output; uid/gid None means "do not check owner"."""
    wanted: Dict[str, Tuple[str, Optional[str]]] = {".": ("dir", None)}
    wanted.update((path, ("dir", None)) for path in manifest["dirs"])
    wanted.update((path, ("file", digest)) for path, digest in manifest["files"].items())
    if not current:
        added = [_label(path, kind) for path, (kind, _digest) in sorted(wanted.items()) if path != "."]
        return TreePlan(added, [], [], [])
    removed: List[str] = []
    added, changed, attributes = [], [], []
    for path, (kind, digest) in sorted(wanted.items()):
        have = current.get(path)
        if have is None:
            added.append(_label(path, kind))
        elif have.kind != kind or (kind == "file" and have.sha256 != digest):
            changed.append(_label(path, kind))
        elif _wrong_attributes(have, uid, gid):
            attributes.append(_label(path, kind))
    for path, have in sorted(current.items()):
        if path not in wanted and not _under_removed(path, removed):
            removed.append(_label(path, have.kind))
    return TreePlan(added, changed, removed, attributes)


def _under_removed(path: str, removed: List[str]) -> bool:
    return any(entry.endswith("/") and path.startswith(entry) for entry in removed)


def _wrong_attributes(entry: Entry, uid: Optional[int], gid: Optional[int]) -> bool:
    expected_mode = DIR_MODE if entry.kind == "dir" else FILE_MODE
    if entry.mode != expected_mode:
        return True
    if uid is not None and entry.uid != uid:
        return True
    return gid is not None and entry.gid != gid


def tree_manifest(current: Mapping[str, Entry]) -> Manifest:
    """The manifest of a scanned tree (regular files and dirs only), e.g. of a backup."""
    files = dict((path, entry.sha256) for path, entry in current.items() if entry.kind == "file")
    dirs = sorted(path for path, entry in current.items() if entry.kind == "dir" and path != ".")
    return {"files": files, "dirs": dirs}


def listing_from_manifest(manifest: Manifest) -> str:
    """Lines for the diff's "after" side: one per path, with a short checksum, no file contents."""
    lines = [path + "/" for path in manifest["dirs"]]
    lines += ["%s  sha256:%s" % (path, digest[:12]) for path, digest in manifest["files"].items()]
    return "".join(line + "\n" for line in sorted(lines))


def listing_from_scan(current: Mapping[str, Entry]) -> str:
    """Lines for the diff's "before" side, in the same format, marking odd modes and entry kinds."""
    lines = []
    for path, entry in current.items():
        if path == ".":
            continue
        if entry.kind == "file":
            # A file entry always carries its digest (scan_tree computes it).
            line = "%s  sha256:%s" % (path, cast(str, entry.sha256)[:12])
        elif entry.kind == "dir":
            line = path + "/"
        else:
            line = "%s  (%s)" % (path, entry.kind)
        expected = DIR_MODE if entry.kind == "dir" else FILE_MODE
        if entry.kind in ("file", "dir") and entry.mode != expected:
            line += "  mode %04o" % entry.mode
        lines.append(line)
    return "".join(line + "\n" for line in sorted(lines))
