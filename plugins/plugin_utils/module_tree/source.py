# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side: find the module folder in ``smartermail_module_src`` and pack it.

The source is a directory holding ``modules/servers/smartermail/`` or that folder itself, or a
.zip / .tar.gz / .tgz of either (possibly wrapped in one top folder). Whatever it is, it becomes
one normalised .tar.gz (regular files and directories only, paths relative to the module folder)
plus its checksum manifest. Members are streamed in chunks, never read whole.

Everything that is refused (source_rules: names, kinds, duplicates, limits, damage) is refused
here, before anything is sent anywhere: absolute paths, ``..``, control characters in names,
links leaving the module folder, devices, fifos and sockets, duplicate members, a name that is
both a file and a folder, several candidate module folders, damaged archives, and sources over
the limits.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import os
import posixpath
import stat
import tarfile
import zipfile
from typing import IO, Callable, Dict, Iterator, List, Mapping, Optional, Set, Tuple, cast

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ADDON_ARCHIVE_PREFIX,
    DIR_MODE,
    FILE_MODE,
    MODULE_ENTRY_FILE,
    MODULE_NAME,
    Manifest,
    addon_name_problem,
    manifest_digest,
)
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source_rules import (
    ARCHIVE_READ_ERRORS,
    DEFAULT_LIMITS,
    MAX_LINK_TARGET,
    MIB,
    Budget,
    Member,
    SourceError,
    SourceLimits,
    check_names,
    clean_name,
    damaged,
    link_target_of,
    refuse,
    refuse_special,
    special_kind,
    src_label,
)

__all__ = ["SourceError", "SourceLimits", "collect_source", "open_source", "pack_source", "source_kind"]

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
CHUNK_SIZE = MIB
_EXPECTED = (
    "point it at the modules/servers/%s folder, a directory holding modules/servers/%s/, "
    "or a .zip / .tar.gz of either" % (MODULE_NAME, MODULE_NAME)
)


def source_kind(src: str) -> str:
    """'dir', 'zip' or 'tar'; SourceError naming the variable when it is none of these."""
    if not os.path.exists(src):
        raise SourceError("%s does not exist on the controller: %s" % (src_label(src), _EXPECTED))
    if os.path.isdir(src):
        return "dir"
    lowered = src.lower()
    if lowered.endswith(".zip"):
        return "zip"
    if lowered.endswith(".tar.gz") or lowered.endswith(".tgz"):
        return "tar"
    raise SourceError(
        "%s is neither a directory nor a .zip/.tar.gz archive: %s" % (src_label(src), _EXPECTED)
    )


def find_module_dir(src: str) -> str:
    """The module folder inside a source directory (the directory itself or modules/servers/<name>)."""
    for candidate in (src, os.path.join(src, "modules", "servers", MODULE_NAME)):
        if os.path.isfile(os.path.join(candidate, MODULE_ENTRY_FILE)):
            return candidate
    raise SourceError("%s has no %s: %s" % (src_label(src), MODULE_ENTRY_FILE, _EXPECTED))


# ---------------------------------------------------------------- listing each kind of source


def _dir_members(
    module_dir: str, src: str, limits: SourceLimits, budget: Optional[Budget] = None
) -> List[Member]:
    """Walk the module folder; links are kept as links so that they can be checked like archive ones."""
    budget = budget or Budget(src, limits, 0)
    members: List[Member] = []
    for current, dirnames, filenames in os.walk(module_dir, followlinks=False):
        dirnames.sort()
        rel_dir = os.path.relpath(current, module_dir)
        for name in sorted(dirnames + filenames):
            budget.count()
            path = os.path.join(current, name)
            raw = name if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/" + name
            rel = clean_name(raw, src)
            info = os.lstat(path)
            position = len(members)
            if stat.S_ISLNK(info.st_mode):
                target = os.readlink(path)
                if not os.path.isabs(target):
                    target = posixpath.join(posixpath.dirname(rel), target)
                members.append(Member(rel, "link", raw, position, link_target=target))
            elif stat.S_ISDIR(info.st_mode):
                members.append(Member(rel, "dir", raw, position, mtime=info.st_mtime))
            elif stat.S_ISREG(info.st_mode):
                budget.add_file(raw, info.st_size)
                # Opened, and closed, by _add_file while packing.
                opener = cast(Callable[[], IO[bytes]], lambda path=path: open(path, "rb"))  # noqa: SIM115
                members.append(Member(rel, "file", raw, position, opener, info.st_size, mtime=info.st_mtime))
            else:
                raise refuse_special(src, raw, special_kind(info.st_mode) or "a special file")
    return members


def _tar_members(archive: tarfile.TarFile, src: str, limits: SourceLimits) -> List[Member]:
    """Headers in archive order, checked one by one: a bomb is refused at its header, not after."""
    budget = Budget(src, limits, os.path.getsize(src))
    members: List[Member] = []
    last: Optional[str] = None
    try:
        for info in archive:
            budget.count()
            last = info.name
            name = clean_name(info.name, src)
            if name:
                members.append(_tar_member(archive, info, name, len(members), src, budget))
    except ARCHIVE_READ_ERRORS as error:
        raise damaged(src, last, error) from None
    return members


def _tar_member(
    archive: tarfile.TarFile, info: tarfile.TarInfo, name: str, position: int, src: str, budget: Budget
) -> Member:
    raw = info.name
    if info.isdir():
        return Member(name, "dir", raw, position, mtime=info.mtime)
    if info.isfile():
        budget.add_file(raw, info.size)
        # extractfile gives None only for members that are not regular files.
        opener = cast(Callable[[], IO[bytes]], lambda: archive.extractfile(info))
        return Member(name, "file", raw, position, opener, info.size, mtime=info.mtime)
    if info.issym():
        return Member(name, "link", raw, position, link_target=link_target_of(raw, info.linkname, src))
    if info.islnk():
        return Member(name, "link", raw, position, link_target=clean_name(info.linkname, src))
    if info.ischr() or info.isblk():
        raise refuse_special(src, raw, "a device file")
    if info.isfifo():
        raise refuse_special(src, raw, "a fifo")
    raise refuse_special(src, raw, "a special file")


def _zip_members(archive: zipfile.ZipFile, src: str, limits: SourceLimits) -> List[Member]:
    budget = Budget(src, limits, os.path.getsize(src))
    members: List[Member] = []
    for info in archive.infolist():
        budget.count()
        name = clean_name(info.filename, src, zip_names=True)
        if not name:
            continue
        raw = info.filename
        unix_mode = info.external_attr >> 16
        position = len(members)
        if info.flag_bits & 0x1:
            raise refuse(src, raw, "is encrypted; use an archive without a password")
        if stat.S_ISLNK(unix_mode):
            if info.file_size > MAX_LINK_TARGET:
                raise refuse(src, raw, "is a link with a %d-byte target; refusing it" % info.file_size)
            try:
                target = archive.read(info).decode("utf-8", "surrogateescape")
            except ARCHIVE_READ_ERRORS as error:
                raise damaged(src, raw, error) from None
            members.append(Member(name, "link", raw, position, link_target=link_target_of(raw, target, src)))
        elif special_kind(unix_mode):
            raise refuse_special(src, raw, cast(str, special_kind(unix_mode)))
        elif info.is_dir():
            members.append(Member(name, "dir", raw, position))
        else:
            budget.add_file(raw, info.file_size, info.compress_size)
            opener = cast(Callable[[], IO[bytes]], lambda info=info: archive.open(info))
            members.append(Member(name, "file", raw, position, opener, info.file_size))
    return members


# ---------------------------------------------------------------- checks over all members


def _module_prefix(members: List[Member], src: str) -> str:
    """The one folder holding smartermail.php: the archive root or a folder named like the module."""
    candidates: List[str] = []
    for member in members:
        if member.kind != "file" or posixpath.basename(member.name) != MODULE_ENTRY_FILE:
            continue
        parent = posixpath.dirname(member.name)
        if parent == "" or posixpath.basename(parent) == MODULE_NAME:
            candidates.append(parent)
    if not candidates:
        raise SourceError("%s has no %s: %s" % (src_label(src), MODULE_ENTRY_FILE, _EXPECTED))
    if len(candidates) > 1:
        listed = ", ".join(sorted((c or ".") + "/" for c in candidates))
        raise SourceError(
            "%s holds more than one module folder (%s); keep exactly one" % (src_label(src), listed)
        )
    return candidates[0]


def _strip_prefix(
    members: List[Member], prefix: str, src: str, limits: SourceLimits
) -> List[Tuple[str, Member]]:
    """Members inside the module folder, renamed relative to it; links resolved to their file.

    A link is packed as a copy of its file, so it counts towards the unpacked total again.
    """
    inside: Dict[str, Member] = {}
    for member in members:
        if prefix and not member.name.startswith(prefix + "/"):
            continue
        rel = member.name[len(prefix) + 1 :] if prefix else member.name
        inside[rel] = member
    budget = Budget(src, limits, 0)
    resolved = []
    for rel, member in sorted(inside.items()):
        if member.kind == "link":
            link = member
            member = _follow(link, inside, prefix, src)
            budget.add_bytes(link.raw, member.size)
        elif member.kind == "file":
            budget.add_bytes(member.raw, member.size)
        resolved.append((rel, member))
    return resolved


def _follow(link: Member, inside: Mapping[str, Member], prefix: str, src: str) -> Member:
    seen: Set[str] = set()
    member = link
    while member.kind == "link":
        target = cast(str, member.link_target)  # a link member always has its target
        outside = "is a link that points outside the module folder (%r); refusing it" % target
        if target.startswith("/"):
            raise refuse(src, link.raw, outside)
        target = posixpath.normpath(target)
        if prefix:
            if not target.startswith(prefix + "/"):
                raise refuse(src, link.raw, outside)
            target = target[len(prefix) + 1 :]
        if target.startswith("../") or target == ".." or target in seen or target not in inside:
            raise refuse(
                src,
                link.raw,
                "is a link that points outside the module folder or nowhere (%r); refusing it"
                % member.link_target,
            )
        seen.add(target)
        member = inside[target]
    if member.kind != "file":
        raise refuse(src, link.raw, "is a link to a directory; links to directories are not supported")
    return member


# ---------------------------------------------------------------- reading and packing


@contextlib.contextmanager
def open_source(
    src: str, limits: SourceLimits = DEFAULT_LIMITS
) -> Iterator[Tuple[str, List[Tuple[str, Member]]]]:
    """(kind, [(relpath, member)] sorted by relpath) for the module folder in ``src``, checked.

    The addon folders the source ships beside it (``modules/addons/<name>/``) follow, their
    relpaths under ``ADDON_ARCHIVE_PREFIX<name>/``. The members' streams can be opened while the
    block runs (an archive stays open until then).
    """
    kind = source_kind(src)
    if kind == "dir":
        module_dir = find_module_dir(src)
        budget = Budget(src, limits, 0)
        try:
            members = _dir_members(module_dir, src, limits, budget)
            addon_dirs = _addon_dirs(src, module_dir)
            addons = [(name, _dir_members(path, src, limits, budget)) for name, path in addon_dirs]
        except OSError as error:
            raise SourceError("%s cannot be read: %s" % (src_label(src), error)) from error
        check_names(members, src)
        entries = _no_clash(_strip_prefix(members, "", src, limits), bool(addons), src)
        for name, addon_members in addons:
            check_names(addon_members, src)
            entries += _addon_entries(name, _strip_prefix(addon_members, "", src, limits))
        yield kind, entries
        return
    with _open_archive(src, kind) as archive:
        if kind == "zip":
            members = _zip_members(cast(zipfile.ZipFile, archive), src, limits)
        else:
            members = _tar_members(cast(tarfile.TarFile, archive), src, limits)
        check_names(members, src)
        prefix = _module_prefix(members, src)
        addons_root = _addons_root(prefix)
        names = _archive_addon_names(members, addons_root, src) if addons_root is not None else []
        entries = _no_clash(_strip_prefix(members, prefix, src, limits), bool(names), src)
        for name in names:
            inside = _strip_prefix(members, "%s/%s" % (addons_root, name), src, limits)
            entries += _addon_entries(name, inside)
        yield kind, entries


# ---------------------------------------------------------------- addon folders beside the module

_SERVER_FOLDER = "servers/" + MODULE_NAME


def _addon_problem(src: str, name: str) -> SourceError:
    return SourceError(
        "%s: modules/addons/%s is not an addon WHMCS can load: %s; nothing was changed"
        % (src_label(src), name, addon_name_problem(name))
    )


def _addon_dirs(src: str, module_dir: str) -> List[Tuple[str, str]]:
    """(name, path) of each addon folder when ``src`` holds modules/servers/smartermail/."""
    if os.path.realpath(module_dir) == os.path.realpath(src):
        return []  # the module folder itself: no release tree around it
    addons_dir = os.path.join(src, "modules", "addons")
    if not os.path.isdir(addons_dir) or os.path.islink(addons_dir):
        return []
    found: List[Tuple[str, str]] = []
    for name in sorted(os.listdir(addons_dir)):
        path = os.path.join(addons_dir, name)
        if name == "index.php" and os.path.isfile(path):
            continue  # WHMCS's own folder-listing guard
        if os.path.islink(path) or not os.path.isdir(path):
            raise refuse(
                src, "modules/addons/" + name, "is not a folder; modules/addons may hold addon folders only"
            )
        if addon_name_problem(name) or not os.path.isfile(os.path.join(path, name + ".php")):
            raise _addon_problem(src, name)
        found.append((name, path))
    return found


def _addons_root(prefix: str) -> Optional[str]:
    """Where an archive keeps addon folders: modules/addons beside modules/servers/smartermail."""
    if prefix == "modules/" + _SERVER_FOLDER:
        return "modules/addons"
    if prefix.endswith("/modules/" + _SERVER_FOLDER):
        return prefix[: -len(_SERVER_FOLDER)] + "addons"
    return None


def _archive_addon_names(members: List[Member], addons_root: str, src: str) -> List[str]:
    names: Set[str] = set()
    files = set(member.name for member in members if member.kind == "file")
    for member in members:
        if not member.name.startswith(addons_root + "/"):
            continue
        first = member.name[len(addons_root) + 1 :].split("/", 1)[0]
        path = addons_root + "/" + first
        if first == "index.php" and path in files:
            continue
        if path in files or any(m.name == path and m.kind != "dir" for m in members):
            raise refuse(src, path, "is not a folder; modules/addons may hold addon folders only")
        names.add(first)
    for name in sorted(names):
        if addon_name_problem(name) or "%s/%s/%s.php" % (addons_root, name, name) not in files:
            raise _addon_problem(src, name)
    return sorted(names)


def _addon_entries(name: str, inside: List[Tuple[str, Member]]) -> List[Tuple[str, Member]]:
    return [("%s%s/%s" % (ADDON_ARCHIVE_PREFIX, name, rel), member) for rel, member in inside]


def _no_clash(entries: List[Tuple[str, Member]], with_addons: bool, src: str) -> List[Tuple[str, Member]]:
    """The packed archive keeps addons under ADDON_ARCHIVE_PREFIX: the module's own files may not."""
    if with_addons:
        for rel, member in entries:
            if (rel + "/").startswith(ADDON_ARCHIVE_PREFIX):
                raise refuse(
                    src,
                    member.raw,
                    "is inside the server module folder under %s, a name reserved for addons; refusing it"
                    % ADDON_ARCHIVE_PREFIX,
                )
    return entries


@contextlib.contextmanager
def _open_archive(src: str, kind: str) -> Iterator[object]:
    label = ".zip" if kind == "zip" else ".tar.gz"
    try:
        archive = zipfile.ZipFile(src) if kind == "zip" else tarfile.open(src, "r:*")  # noqa: SIM115 - closed below
    except ARCHIVE_READ_ERRORS as error:
        raise SourceError("%s is not a readable %s: %s" % (src_label(src), label, error)) from error
    with archive:
        yield archive


def collect_source(src: str, limits: SourceLimits = DEFAULT_LIMITS) -> Tuple[str, List[Tuple[str, Member]]]:
    """(kind, [(relpath, member)]) for the module folder in ``src``, checked; contents not read."""
    with open_source(src, limits) as found:
        return found


class _HashingReader:
    """Passes a member's bytes through in chunks, hashing them on the way."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        data = self.stream.read(min(size, CHUNK_SIZE) if size and size > 0 else CHUNK_SIZE)
        self.sha256.update(data)
        return data


def _add_file(archive: tarfile.TarFile, rel: str, member: Member, src: str) -> str:
    """Stream one file member into the packed archive; its sha256."""
    info = tarfile.TarInfo(rel)
    info.size = member.size
    info.mode = FILE_MODE
    info.mtime = int(member.mtime or 0)
    try:
        with contextlib.closing(cast(Callable[[], IO[bytes]], member.opener)()) as stream:
            reader = _HashingReader(stream)
            archive.addfile(info, cast(IO[bytes], reader))
    except ARCHIVE_READ_ERRORS as error:
        if isinstance(error, OSError) and not isinstance(error, tarfile.TarError) and error.filename:
            raise SourceError("%s cannot be read: %s" % (src_label(src), error)) from error
        raise damaged(src, member.raw, error) from None
    return reader.sha256.hexdigest()


def pack_source(src: str, out_path: str, limits: SourceLimits = DEFAULT_LIMITS) -> Tuple[Manifest, str]:
    """Write the normalised .tar.gz of the module folder to ``out_path``; return its manifest."""
    with open_source(src, limits) as (_kind, entries):
        manifest = _write_packed(out_path, entries, src)
    return manifest, manifest_digest(manifest)


def _write_packed(out_path: str, entries: List[Tuple[str, Member]], src: str) -> Manifest:
    files: Dict[str, str] = {}
    dirs: Set[str] = set()
    with tarfile.open(out_path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        # Source order: a .tar.gz is then decompressed once, front to back.
        for rel, member in sorted(entries, key=lambda entry: (entry[1].position, entry[0])):
            parent = posixpath.dirname(rel)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = posixpath.dirname(parent)
            if member.kind == "dir":
                dirs.add(rel)
                continue
            files[rel] = _add_file(archive, rel, member, src)
        for rel in sorted(dirs):
            info = tarfile.TarInfo(rel)
            info.type = tarfile.DIRTYPE
            info.mode = DIR_MODE
            archive.addfile(info)
    return split_manifest(files, dirs)


def split_manifest(files: Mapping[str, str], dirs: Set[str]) -> Manifest:
    """One manifest per folder: the module's at the top, each addon's under "addons" (only when any)."""
    manifest: Manifest = {"files": {}, "dirs": []}
    addons: Dict[str, Manifest] = {}

    def folder(rel: str) -> Tuple[Manifest, str]:
        if not rel.startswith(ADDON_ARCHIVE_PREFIX):
            return manifest, rel
        parts = rel[len(ADDON_ARCHIVE_PREFIX) :].split("/", 1)
        name, inner = parts[0], parts[1] if len(parts) > 1 else ""
        return addons.setdefault(name, {"files": {}, "dirs": []}), inner

    for rel, digest in files.items():
        target, inner = folder(rel)
        target["files"][inner] = digest
    for rel in sorted(dirs):
        if rel + "/" == ADDON_ARCHIVE_PREFIX:
            continue  # the packing folder of the addons, no folder on the host
        target, inner = folder(rel)
        if inner:
            target["dirs"].append(inner)
    if addons:
        manifest["addons"] = dict(sorted(addons.items()))
    return manifest
