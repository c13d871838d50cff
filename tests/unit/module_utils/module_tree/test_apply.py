"""Staging folders a killed run left in modules/servers are removed by the next run; live ones stay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import (
    STAGING_PREFIX,
    STALE_STAGING_SECONDS,
    Layout,
    make_staging,
    remove_stale_staging,
)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_folders_of_finished_runs_are_removed(tmp_path: Path) -> None:
    servers = tmp_path / "modules" / "servers"
    servers.mkdir(parents=True)
    layout = Layout(str(tmp_path))
    live = Path(make_staging(layout))  # this process: still running
    assert live.name.startswith(f"{STAGING_PREFIX}{os.getpid()}-")
    killed = servers / f"{STAGING_PREFIX}{dead_pid()}-abc123"
    (killed / "lib").mkdir(parents=True)
    (killed / "lib" / "Api.php").write_text("<?php\n")
    old_style = servers / f"{STAGING_PREFIX}q7w8e9r0"  # an older release's name: no pid
    old_style.mkdir()
    os.utime(old_style, (1, 1))
    fresh_old_style = servers / f"{STAGING_PREFIX}z1x2c3v4"
    fresh_old_style.mkdir()
    module = servers / "smartermail"
    module.mkdir()
    other = servers / "cpanel"
    other.mkdir()

    removed = remove_stale_staging(layout)

    assert removed == sorted([killed.name, old_style.name])
    assert not killed.exists() and not old_style.exists()
    assert live.is_dir() and fresh_old_style.is_dir() and module.is_dir() and other.is_dir()
    assert STALE_STAGING_SECONDS >= 600


def test_a_link_named_like_a_staging_folder_is_not_followed(tmp_path: Path) -> None:
    servers = tmp_path / "modules" / "servers"
    servers.mkdir(parents=True)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    (servers / f"{STAGING_PREFIX}{dead_pid()}-link").symlink_to(precious)
    assert remove_stale_staging(Layout(str(tmp_path))) == []
    assert (precious / "keep.txt").read_text() == "keep"
