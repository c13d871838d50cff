"""module_tree_swap and module_tree_apply on a real temp filesystem, with failures injected in rename."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree import (
    swap as module_tree_swap,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.apply import (
    Layout,
    list_backups,
    new_backup_path,
    prune_backups,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.swap import Renamer, swap_in


class FailingRenamer(Renamer):
    """Fails the n-th rename (1-based); exchange can be switched off to test the fallback."""

    def __init__(self, fail_at: int, use_exchange: bool) -> None:
        self.fail_at = fail_at
        self.use_exchange = use_exchange
        self.renames = 0

    def exchange(self, first: str, second: str) -> bool:
        return super().exchange(first, second) if self.use_exchange else False

    def rename(self, source: str, destination: str) -> None:
        self.renames += 1
        if self.renames == self.fail_at:
            raise OSError(5, "injected failure", destination)
        super().rename(source, destination)


def trees(tmp_path: Path) -> tuple[Path, Path, Path]:
    staging, target = tmp_path / ".smartermail.staging-x", tmp_path / "smartermail"
    for path, text in ((staging, "new"), (target, "old")):
        path.mkdir()
        (path / "smartermail.php").write_text(text)
    return staging, target, tmp_path / "backup"


def content(path: Path) -> str:
    return (path / "smartermail.php").read_text()


@pytest.mark.parametrize("use_exchange", [True, False])
def test_swap_moves_old_tree_to_backup(tmp_path: Path, use_exchange: bool) -> None:
    staging, target, backup = trees(tmp_path)
    swap_in(str(staging), str(target), str(backup), FailingRenamer(0, use_exchange))
    assert content(target) == "new" and content(backup) == "old" and not staging.exists()


@pytest.mark.parametrize(("use_exchange", "fail_at"), [(True, 1), (False, 1), (False, 2)])
def test_any_rename_failure_leaves_previous_tree(tmp_path: Path, use_exchange: bool, fail_at: int) -> None:
    staging, target, backup = trees(tmp_path)
    with pytest.raises(OSError, match="injected"):
        swap_in(str(staging), str(target), str(backup), FailingRenamer(fail_at, use_exchange))
    assert content(target) == "old"
    assert content(staging) == "new"  # the caller removes it
    assert not backup.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".smartermail.staging-x", "smartermail"]


@pytest.mark.parametrize("use_exchange", [True, False])
def test_restore_style_swap_leaves_old_tree_at_staging(tmp_path: Path, use_exchange: bool) -> None:
    staging, target, _ = trees(tmp_path)
    swap_in(str(staging), str(target), None, FailingRenamer(0, use_exchange))
    assert content(target) == "new" and content(staging) == "old"


def test_swap_into_empty_place(tmp_path: Path) -> None:
    staging, target, backup = trees(tmp_path)
    (target / "smartermail.php").unlink()
    target.rmdir()
    swap_in(str(staging), str(target), str(backup))
    assert content(target) == "new" and not backup.exists()


def test_exchange_is_available_on_this_kernel(tmp_path: Path) -> None:
    """The platform path the integration tests rely on; documents which swap they exercised."""
    staging, target, _ = trees(tmp_path)
    if module_tree_swap._renameat2 is None:
        pytest.skip("no renameat2 in this libc")
    assert module_tree_swap.exchange(str(staging), str(target)) is True
    assert content(target) == "new" and content(staging) == "old"


def test_backups_sort_by_time_and_prune_keeps_newest(tmp_path: Path) -> None:
    made: list[str] = []
    for _ in range(5):
        path = new_backup_path(str(tmp_path))
        os.mkdir(path)
        made.append(path)
    (tmp_path / "not-a-backup").mkdir()
    assert list_backups(str(tmp_path)) == made
    removed, warnings = prune_backups(str(tmp_path), 2)
    assert removed == made[:3] and warnings == []
    assert list_backups(str(tmp_path)) == made[3:]
    assert (tmp_path / "not-a-backup").is_dir()


def test_layout_errors_name_the_path(tmp_path: Path) -> None:
    missing: Callable[[], None] = Layout(str(tmp_path / "nope")).check
    with pytest.raises(Exception, match=str(tmp_path / "nope")):
        missing()
    with pytest.raises(Exception, match="modules/servers does not exist"):
        Layout(str(tmp_path)).check()
