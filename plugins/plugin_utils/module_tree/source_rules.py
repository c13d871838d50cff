# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side: what a module source may hold, and the sentence for each refusal.

Every refusal starts with ``smartermail_module_src=<path>`` and names the member. The limits
(``SourceLimits``: total unpacked size, one file, member count, compression ratio) are checked by
``Budget`` as the members are listed, before any content is read; names are checked one by one
(``clean_name``) and together (``check_names``: duplicates, a file that is also a folder).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
import stat
import tarfile
import zipfile
import zlib
from typing import IO, Callable, Dict, List, NamedTuple, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ModuleTreeError,
    check_relative_path,
)

SRC_VARIABLE = "smartermail_module_src"
MIB = 1024 * 1024
# Below this many unpacked bytes any compression ratio is fine: small text files compress a lot.
RATIO_FLOOR = MIB
# A link member's target is a path, never more than this.
MAX_LINK_TARGET = 4096
# What a damaged archive raises while it is read (gzip: EOFError; deflate: zlib.error; zip CRC:
# BadZipFile; an unknown zip compression method: NotImplementedError).
ARCHIVE_READ_ERRORS = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
)


class SourceLimits(NamedTuple):
    """What one module source may unpack to; the role variables are smartermail_module_<field>."""

    max_unpacked_mb: int = 64
    max_file_mb: int = 16
    max_members: int = 10000
    max_ratio: int = 100


DEFAULT_LIMITS = SourceLimits()


class SourceError(ModuleTreeError):
    """The module source is missing, unreadable, unsafe or not a SmarterMail module."""


def src_label(src: str) -> str:
    """How every refusal starts: the variable and the path it was given."""
    return "%s=%s" % (SRC_VARIABLE, src)


def refuse(src: str, member: Optional[str], problem: str) -> SourceError:
    where = src_label(src) + (": member %r" % member if member is not None else "")
    return SourceError("%s %s" % (where, problem))


def _size(size: int) -> str:
    if size >= MIB:
        return "%.1f MiB" % (size / MIB)
    return "%.1f KiB" % (size / 1024) if size >= 1024 else "%d bytes" % size


class Member(NamedTuple):
    """One entry of the source: kind is file, dir or link (link_target relative to the source root).

    ``raw`` is the name as the source spells it (for messages), ``position`` its place in the
    source (members are read in that order, so a .tar.gz is decompressed front to back), and
    ``opener`` gives a stream of a file's ``size`` bytes.
    """

    name: str
    kind: str
    raw: str
    position: int
    opener: Optional[Callable[[], IO[bytes]]] = None
    size: int = 0
    link_target: Optional[str] = None
    mtime: float = 0


class Budget:
    """Counts members and unpacked bytes as they are listed; refuses the first one over a limit."""

    def __init__(self, src: str, limits: SourceLimits, packed_size: int) -> None:
        self.src = src
        self.limits = limits
        self.packed_size = packed_size
        self.members = 0
        self.unpacked = 0

    def count(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise refuse(
                self.src,
                None,
                "holds more than %d members (smartermail_module_max_members); a module has a few "
                "hundred files" % self.limits.max_members,
            )

    def add_file(self, raw: str, size: int, compressed: Optional[int] = None) -> None:
        limits = self.limits
        if size > limits.max_file_mb * MIB:
            raise refuse(
                self.src,
                raw,
                "unpacks to %s, over the per-file limit of %d MiB (smartermail_module_max_file_mb)"
                % (_size(size), limits.max_file_mb),
            )
        if compressed is not None:
            self._check_ratio(raw, size, compressed)
        self.add_bytes(raw, size)
        if self.packed_size:
            self._check_ratio(None, self.unpacked, self.packed_size)

    def add_bytes(self, raw: str, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.limits.max_unpacked_mb * MIB:
            raise refuse(
                self.src,
                raw,
                "brings the unpacked total to more than %d MiB (smartermail_module_max_unpacked_mb)"
                % self.limits.max_unpacked_mb,
            )

    def _check_ratio(self, raw: Optional[str], size: int, compressed: int) -> None:
        ratio = size / max(compressed, 1)
        if size > RATIO_FLOOR and ratio > self.limits.max_ratio:
            what = "unpacks" if raw is not None else "the archive unpacks"
            raise refuse(
                self.src,
                raw,
                "%s to %s from %s: a ratio of %d:1 is over the limit of %d:1 "
                "(smartermail_module_max_ratio), as in a zip bomb"
                % (what, _size(size), _size(compressed), ratio, self.limits.max_ratio),
            )


def clean_name(raw: str, src: str, zip_names: bool = False) -> str:
    """The member's normalised relative name ('' for the root); refused when unsafe."""
    name = raw.replace("\\", "/") if zip_names else raw
    while name.startswith("./"):
        name = name[2:]
    name = name.rstrip("/")
    if not name or name == ".":
        return ""
    try:
        check_relative_path(name, src_label(src))
    except ModuleTreeError as error:
        raise SourceError("%s; refusing the source" % error) from None
    return name


def link_target_of(name: str, target: str, src: str) -> str:
    if target.startswith("/"):
        raise refuse(src, name, "is a link that points outside (absolute target %r); refusing it" % target)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if resolved == ".." or resolved.startswith("../"):
        raise refuse(src, name, "is a link that points outside the archive (%r); refusing it" % target)
    return resolved


def special_kind(mode: int) -> Optional[str]:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISFIFO(mode):
        return "a fifo"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def refuse_special(src: str, raw: str, kind: str) -> SourceError:
    return refuse(
        src, raw, "is %s; only files, folders and links inside the module folder are allowed" % kind
    )


def damaged(src: str, member: Optional[str], error: BaseException) -> SourceError:
    where = "at member %r" % member if member is not None else "before its first member"
    return SourceError(
        "%s: the archive is damaged or truncated %s (%s); download or build it again"
        % (src_label(src), where, error or type(error).__name__)
    )


def check_names(members: List[Member], src: str) -> None:
    """No name twice (a folder may be listed twice), and no name that is both a file and a folder."""
    seen: Dict[str, Member] = {}
    for member in members:
        earlier = seen.get(member.name)
        if earlier is not None and not (earlier.kind == member.kind == "dir"):
            raise refuse(
                src, member.raw, "appears more than once; which copy is meant is not clear, so refusing it"
            )
        seen[member.name] = member
    for member in members:
        parent = posixpath.dirname(member.name)
        while parent:
            holder = seen.get(parent)
            if holder is not None and holder.kind != "dir":
                raise refuse(
                    src,
                    holder.raw,
                    "is both a file and a folder (%r is inside it); refusing the source" % member.raw,
                )
            parent = posixpath.dirname(parent)
