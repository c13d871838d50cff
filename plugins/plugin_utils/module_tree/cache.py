# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side: pack the module source once, however many hosts (and forks) ask for it.

Ansible runs each host's task in its own worker process, so an in-memory cache would pack once
per host. The packed archive and its manifest are kept on disk instead, in a private directory
(mode 0700, owned by the controller user), keyed by the source's real path, the stat data of
everything in it (size, mtime, ctime, inode) and the limits it was checked against. The first worker packs under an exclusive lock; the
others wait for the lock and reuse the result. Entries untouched for a day are pruned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import fcntl
import hashlib
import json
import os
import stat
import tempfile
import time
from typing import Dict, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import Manifest
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source import pack_source
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source_rules import (
    DEFAULT_LIMITS,
    SourceError,
    SourceLimits,
    src_label,
)

CACHE_MAX_AGE = 24 * 3600
# source fingerprint -> (archive path, manifest, digest), for this worker process
_memory: Dict[str, Tuple[str, Manifest, str]] = {}


def source_fingerprint(src: str, limits: SourceLimits = DEFAULT_LIMITS) -> str:
    """sha256 of the real path, the stat data of every entry (a changed file changes the key) and the limits."""
    real = os.path.realpath(src)
    parts = [real, "limits %r" % (tuple(limits),)]
    try:
        if os.path.isdir(real):
            for current, dirnames, filenames in os.walk(real, followlinks=False):
                dirnames.sort()
                for name in [*sorted(filenames + dirnames), "."]:
                    info = os.lstat(os.path.join(current, name))
                    parts.append(_stat_line(os.path.relpath(os.path.join(current, name), real), info))
        else:
            parts.append(_stat_line(".", os.stat(real)))
    except OSError as error:
        raise SourceError("%s cannot be read: %s" % (src_label(src), error)) from error
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _stat_line(rel: str, info: os.stat_result) -> str:
    return "%s %o %d %d %d %d" % (
        rel,
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
    )


def default_cache_dir() -> str:
    return os.path.join(tempfile.gettempdir(), "astral360-smartermail-%d" % os.getuid())


def _private_dir(path: str) -> str:
    """Create ``path`` 0700, or accept it only when it is a real directory of ours with no group/other access."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise OSError("cache directory %s is not a private directory of this user" % path)
    return path


def packed_source(
    src: str, cache_dir: Optional[str] = None, limits: SourceLimits = DEFAULT_LIMITS
) -> Tuple[str, Manifest, str, bool]:
    """(archive_path, manifest, digest, packed_now) for ``src``; packs at most once per source state."""
    key = source_fingerprint(src, limits)
    if key in _memory and os.path.exists(_memory[key][0]):
        return _memory[key] + (False,)
    if cache_dir is None:
        try:
            directory = _private_dir(default_cache_dir())
        except OSError:
            # Someone else owns the shared name: pack privately (once per worker) rather than fail.
            directory = tempfile.mkdtemp(prefix="astral360-smartermail-")
    else:
        directory = _private_dir(cache_dir)
    archive_path = os.path.join(directory, key + ".tar.gz")
    manifest_path = os.path.join(directory, key + ".json")
    with open(os.path.join(directory, key + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        packed_now = False
        cached = _read_cached(archive_path, manifest_path)
        if cached is None:
            cached = _pack(src, directory, archive_path, manifest_path, limits)
            packed_now = True
            _prune(directory, keep=key)
    _memory[key] = (archive_path, *cached)
    return _memory[key] + (packed_now,)


def _read_cached(archive_path: str, manifest_path: str) -> Optional[Tuple[Manifest, str]]:
    try:
        with open(manifest_path) as handle:
            record = json.load(handle)
        if not os.path.isfile(archive_path):
            return None
        os.utime(manifest_path)
        return record["manifest"], record["digest"]
    except (OSError, ValueError, KeyError):
        return None


def _pack(
    src: str, directory: str, archive_path: str, manifest_path: str, limits: SourceLimits
) -> Tuple[Manifest, str]:
    fd, tmp_archive = tempfile.mkstemp(dir=directory, suffix=".tar.gz.tmp")
    os.close(fd)
    try:
        manifest, digest = pack_source(src, tmp_archive, limits)
        os.rename(tmp_archive, archive_path)
    except BaseException:
        os.unlink(tmp_archive)
        raise
    fd, tmp_manifest = tempfile.mkstemp(dir=directory, suffix=".json.tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump({"manifest": manifest, "digest": digest, "source": os.path.realpath(src)}, handle)
    os.rename(tmp_manifest, manifest_path)
    return manifest, digest


def _prune(directory: str, keep: str) -> None:
    cutoff = time.time() - CACHE_MAX_AGE
    for name in os.listdir(directory):
        if name.startswith(keep):
            continue
        path = os.path.join(directory, name)
        try:
            if os.lstat(path).st_mtime < cutoff:
                os.unlink(path)
        except OSError:
            pass
