# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Swap a staged tree into place with rename(2), rolling back on any failure.

On Linux the swap uses renameat2(RENAME_EXCHANGE): staging and target trade places in one step,
so the module folder never disappears, not even for a microsecond. Where that call is missing
or refused (other kernels, some filesystems) it falls back to two renames: the current tree
aside, then the staging tree into place. Either way, if moving the old tree to its final place
fails, the previous tree is put back and the error is raised.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ctypes
import errno
import os
from typing import Callable, Optional

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP)


def _load_renameat2() -> Optional[Callable[..., int]]:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def exchange(first: str, second: str) -> bool:
    """Atomically swap two existing paths. False when the platform cannot; OSError on real errors."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), first)


class Renamer:
    """The two filesystem calls the swap needs; tests hand in one that fails on purpose."""

    def exchange(self, first: str, second: str) -> bool:
        return exchange(first, second)

    def rename(self, source: str, destination: str) -> None:
        os.rename(source, destination)


def swap_in(
    staging: str, target: str, old_destination: Optional[str], renamer: Optional[Renamer] = None
) -> None:
    """Put ``staging`` at ``target``; the previous tree (if any) ends at ``old_destination``.

    ``old_destination`` None means the previous tree is left at ``staging`` for the caller to
    delete (restore does this). On failure everything is as before and the error is raised;
    ``staging`` still holds the new tree, for the caller to remove.
    """
    renamer = renamer or Renamer()
    if not os.path.lexists(target):
        renamer.rename(staging, target)
        return
    if renamer.exchange(staging, target):
        if old_destination is None:
            return
        try:
            renamer.rename(staging, old_destination)
        except BaseException:
            renamer.exchange(staging, target)
            raise
        return
    aside = old_destination or staging + ".previous"
    renamer.rename(target, aside)
    try:
        renamer.rename(staging, target)
    except BaseException:
        renamer.rename(aside, target)
        raise
    if old_destination is None:
        # Keep the contract: the previous tree is where the new one was staged.
        renamer.rename(aside, staging)
