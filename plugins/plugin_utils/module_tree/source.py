# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side: find the module folder in ``smartermail_module_src`` and pack it.

The source is a directory holding ``modules/servers/smartermail/`` or that folder itself, or a
.zip / .tar.gz / .tgz of either (possibly wrapped in one top folder). Whatever it is, it becomes
one normalised .tar.gz (regular files and directories only, paths relative to the module folder)
plus its checksum manifest. Archives with absolute paths, ``..``, links leaving the module folder,
device files or several candidate module folders are refused before anything is sent anywhere.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import hashlib
import io
import os
import posixpath
import stat
import tarfile
import zipfile
from typing import IO, Callable, Dict, List, Mapping, Optional, Set, Tuple, cast

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    DIR_MODE,
    FILE_MODE,
    MODULE_ENTRY_FILE,
    MODULE_NAME,
    Manifest,
    ModuleTreeError,
    check_relative_path,
    manifest_digest,
)

SRC_LABEL = "smartermail_module_src (src)"
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
_EXPECTED = (
    "point it at the modules/servers/%s folder, a directory holding modules/servers/%s/, "
    "or a .zip / .tar.gz of either" % (MODULE_NAME, MODULE_NAME)
)


class SourceError(ModuleTreeError):
    """The module source is missing, unreadable, unsafe or not a SmarterMail module."""


class _Member:
    """One archive or directory entry: kind is file, dir or link (link_target relative to the root)."""

    __slots__ = ("kind", "link_target", "mtime", "name", "reader")

    def __init__(
        self,
        name: str,
        kind: str,
        reader: Optional[Callable[[], bytes]] = None,
        link_target: Optional[str] = None,
        mtime: float = 0,
    ) -> None:
        self.name = name
        self.kind = kind
        self.reader = reader
        self.link_target = link_target
        self.mtime = mtime


def source_kind(src: str) -> str:
    """'dir', 'zip' or 'tar'; SourceError naming the variable when it is none of these."""
    if not os.path.exists(src):
        raise SourceError("%s %r does not exist on the controller: %s" % (SRC_LABEL, src, _EXPECTED))
    if os.path.isdir(src):
        return "dir"
    lowered = src.lower()
    if lowered.endswith(".zip"):
        return "zip"
    if lowered.endswith(".tar.gz") or lowered.endswith(".tgz"):
        return "tar"
    raise SourceError(
        "%s %r is neither a directory nor a .zip/.tar.gz archive: %s" % (SRC_LABEL, src, _EXPECTED)
    )


def find_module_dir(src: str) -> str:
    """The module folder inside a source directory (the directory itself or modules/servers/<name>)."""
    for candidate in (src, os.path.join(src, "modules", "servers", MODULE_NAME)):
        if os.path.isfile(os.path.join(candidate, MODULE_ENTRY_FILE)):
            return candidate
    raise SourceError("%s %r has no %s: %s" % (SRC_LABEL, src, MODULE_ENTRY_FILE, _EXPECTED))


def _dir_members(module_dir: str) -> List[_Member]:
    """Walk the module folder; links are kept as links so that they can be checked like archive ones."""
    members: List[_Member] = []
    for current, dirnames, filenames in os.walk(module_dir, followlinks=False):
        rel_dir = os.path.relpath(current, module_dir)
        for name in sorted(dirnames + filenames):
            path = os.path.join(current, name)
            rel = name if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/" + name
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                target = os.readlink(path)
                if os.path.isabs(target):
                    members.append(_Member(rel, "link", link_target=target))
                else:
                    members.append(
                        _Member(rel, "link", link_target=posixpath.join(posixpath.dirname(rel), target))
                    )
            elif stat.S_ISDIR(info.st_mode):
                members.append(_Member(rel, "dir", mtime=info.st_mtime))
            elif stat.S_ISREG(info.st_mode):
                members.append(_Member(rel, "file", reader=_file_reader(path), mtime=info.st_mtime))
            else:
                raise SourceError("%s: %s is not a regular file, directory or link" % (SRC_LABEL, path))
    return members


def _file_reader(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    return read


def _clean_name(raw: str, archive: str) -> str:
    name = raw.replace("\\", "/") if archive.lower().endswith(".zip") else raw
    while name.startswith("./"):
        name = name[2:]
    name = name.rstrip("/")
    if not name or name == ".":
        return ""
    try:
        check_relative_path(name, "%s archive %s" % (SRC_LABEL, archive))
    except ModuleTreeError as error:
        raise SourceError("%s; refusing the archive" % error) from None
    return name


def _link_target(name: str, target: str, archive: str) -> str:
    if target.startswith("/"):
        raise SourceError(
            "%s archive %s: link %s points outside (absolute target %r); refusing it"
            % (SRC_LABEL, archive, name, target)
        )
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if resolved == ".." or resolved.startswith("../"):
        raise SourceError(
            "%s archive %s: link %s points outside the archive (%r); refusing it"
            % (SRC_LABEL, archive, name, target)
        )
    return resolved


def _tar_members(path: str) -> List[_Member]:
    try:
        with tarfile.open(path, "r:*") as archive:
            return [
                _tar_member(archive, info, path)
                for info in archive.getmembers()
                if _clean_name(info.name, path)
            ]
    except (tarfile.TarError, OSError) as error:
        raise SourceError("%s %r is not a readable .tar.gz: %s" % (SRC_LABEL, path, error)) from error


def _tar_member(archive: tarfile.TarFile, info: tarfile.TarInfo, path: str) -> _Member:
    name = _clean_name(info.name, path)
    if info.isdir():
        return _Member(name, "dir", mtime=info.mtime)
    if info.isfile():
        # extractfile gives None only for members that are not regular files.
        data = cast(IO[bytes], archive.extractfile(info)).read()
        return _Member(name, "file", reader=lambda: data, mtime=info.mtime)
    if info.issym():
        return _Member(name, "link", link_target=_link_target(name, info.linkname, path))
    if info.islnk():
        return _Member(name, "link", link_target=_clean_name(info.linkname, path))
    raise SourceError(
        "%s archive %s: %s is a device, fifo or other special file; refusing it" % (SRC_LABEL, path, name)
    )


def _zip_members(path: str) -> List[_Member]:
    members: List[_Member] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError("%s %r is not a readable .zip: %s" % (SRC_LABEL, path, error)) from error
    with archive:
        for info in archive.infolist():
            name = _clean_name(info.filename, path)
            if not name:
                continue
            unix_mode = info.external_attr >> 16
            if stat.S_ISLNK(unix_mode):
                target = archive.read(info).decode("utf-8", "surrogateescape")
                members.append(_Member(name, "link", link_target=_link_target(name, target, path)))
            elif info.is_dir():
                members.append(_Member(name, "dir"))
            else:
                members.append(_Member(name, "file", reader=functools.partial(archive.read, info)))
        # Read every file now: the zip handle closes when this block ends.
        for member in members:
            if member.kind == "file":
                data = _read(member)
                member.reader = lambda data=data: data
    return members


def _read(member: _Member) -> bytes:
    """A file member's content (every file member has a reader)."""
    return cast(Callable[[], bytes], member.reader)()


def _module_prefix(members: List[_Member], archive: str) -> str:
    """The one folder holding smartermail.php: the archive root or a folder named like the module."""
    candidates: List[str] = []
    for member in members:
        if member.kind != "file" or posixpath.basename(member.name) != MODULE_ENTRY_FILE:
            continue
        parent = posixpath.dirname(member.name)
        if parent == "" or posixpath.basename(parent) == MODULE_NAME:
            candidates.append(parent)
    if not candidates:
        raise SourceError("%s archive %s has no %s: %s" % (SRC_LABEL, archive, MODULE_ENTRY_FILE, _EXPECTED))
    if len(candidates) > 1:
        listed = ", ".join(sorted((c or ".") + "/" for c in candidates))
        raise SourceError(
            "%s archive %s holds more than one module folder (%s); keep exactly one"
            % (SRC_LABEL, archive, listed)
        )
    return candidates[0]


def _strip_prefix(members: List[_Member], prefix: str, label: str) -> List[Tuple[str, _Member]]:
    """Members inside the module folder, renamed relative to it; links resolved to their file."""
    inside: Dict[str, _Member] = {}
    for member in members:
        if prefix and not member.name.startswith(prefix + "/"):
            continue
        rel = member.name[len(prefix) + 1 :] if prefix else member.name
        inside[rel] = member
    resolved = []
    for rel, member in sorted(inside.items()):
        if member.kind == "link":
            member = _follow(rel, member, inside, prefix, label)
        resolved.append((rel, member))
    return resolved


def _follow(rel: str, member: _Member, inside: Mapping[str, _Member], prefix: str, label: str) -> _Member:
    seen: Set[str] = set()
    while member.kind == "link":
        target = cast(str, member.link_target)  # a link member always has its target
        if target.startswith("/"):
            raise SourceError(
                "%s: link %s points outside the module folder (%r); refusing it" % (label, rel, target)
            )
        target = posixpath.normpath(target)
        if prefix:
            if not target.startswith(prefix + "/"):
                raise SourceError(
                    "%s: link %s points outside the module folder (%r); refusing it" % (label, rel, target)
                )
            target = target[len(prefix) + 1 :]
        if target.startswith("../") or target == ".." or target in seen or target not in inside:
            raise SourceError(
                "%s: link %s points outside the module folder or nowhere (%r); refusing it"
                % (label, rel, member.link_target)
            )
        seen.add(target)
        member = inside[target]
    if member.kind != "file":
        raise SourceError(
            "%s: link %s points to a directory; links to directories are not supported" % (label, rel)
        )
    return member


def collect_source(src: str) -> Tuple[str, List[Tuple[str, _Member]]]:
    """(kind, [(relpath, member)]) for the module folder in ``src``; SourceError on anything unsafe."""
    kind = source_kind(src)
    if kind == "dir":
        module_dir = find_module_dir(src)
        try:
            members = _dir_members(module_dir)
        except OSError as error:
            raise SourceError("%s %r cannot be read: %s" % (SRC_LABEL, src, error)) from error
        return kind, _strip_prefix(members, "", "%s %s" % (SRC_LABEL, module_dir))
    members = _zip_members(src) if kind == "zip" else _tar_members(src)
    prefix = _module_prefix(members, src)
    return kind, _strip_prefix(members, prefix, "%s archive %s" % (SRC_LABEL, src))


def pack_source(src: str, out_path: str) -> Tuple[Manifest, str]:
    """Write the normalised .tar.gz of the module folder to ``out_path``; return its manifest."""
    _root, entries = collect_source(src)
    files: Dict[str, str] = {}
    dirs: Set[str] = set()
    with tarfile.open(out_path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for rel, member in entries:
            parent = posixpath.dirname(rel)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = posixpath.dirname(parent)
            if member.kind == "dir":
                dirs.add(rel)
                continue
            data = _read(member)
            files[rel] = hashlib.sha256(data).hexdigest()
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = FILE_MODE
            info.mtime = int(member.mtime or 0)
            archive.addfile(info, io.BytesIO(data))
        for rel in sorted(dirs):
            info = tarfile.TarInfo(rel)
            info.type = tarfile.DIRTYPE
            info.mode = DIR_MODE
            archive.addfile(info)
    manifest = {"files": files, "dirs": sorted(dirs)}
    return manifest, manifest_digest(manifest)
