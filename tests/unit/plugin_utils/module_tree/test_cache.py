"""module_tree_cache: one pack per source state, shared across worker processes through the disk."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree import (
    cache as module_tree_cache,
)
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.cache import packed_source


def source(tmp_path: Path) -> Path:
    src = tmp_path / "smartermail"
    (src / "lib").mkdir(parents=True)
    (src / "smartermail.php").write_text("<?php\n")
    (src / "lib" / "Client.php").write_text("<?php // client\n")
    return src


def _pack_in_child(args: tuple[str, str]) -> bool:
    module_tree_cache._memory.clear()  # a forked worker starts with what the parent had; make it cold
    return packed_source(args[0], args[1])[3]


def test_many_workers_pack_once(tmp_path: Path) -> None:
    src, cache = source(tmp_path), tmp_path / "cache"
    context = multiprocessing.get_context("fork")
    with context.Pool(6) as pool:
        packed = pool.map(_pack_in_child, [(str(src), str(cache))] * 12)
    assert packed.count(True) == 1
    assert len(list(cache.glob("*.tar.gz"))) == 1


def test_changed_file_gets_a_new_pack(tmp_path: Path) -> None:
    src, cache = source(tmp_path), tmp_path / "cache"
    first = packed_source(str(src), str(cache))
    module_tree_cache._memory.clear()
    assert packed_source(str(src), str(cache))[3] is False  # from disk
    (src / "lib" / "Client.php").write_text("<?php // client 2\n")
    second = packed_source(str(src), str(cache))
    assert second[3] is True and second[2] != first[2]
    assert second[1]["files"]["lib/Client.php"] != first[1]["files"]["lib/Client.php"]


def test_cache_dir_must_be_private(tmp_path: Path) -> None:
    src, cache = source(tmp_path), tmp_path / "cache"
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)  # noqa: S103 - the unsafe mode is what is under test
    with pytest.raises(OSError, match="not a private directory"):
        packed_source(str(src), str(cache))
