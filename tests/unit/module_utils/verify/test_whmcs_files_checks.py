"""The module-files check on fixture trees: manifest drift, world-writable files, reads by the web user."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    scan_tree,
    tree_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.record import (
    record_installed_manifest,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    PASS,
    WARN,
    CheckFailed,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_files_checks import (
    check_module_files,
)


def make_tree(tmp_path: Path, record: bool = True) -> Path:
    root = tmp_path / "whmcs"
    module = root / "modules" / "servers" / "smartermail"
    (module / "lib").mkdir(parents=True)
    (root / "configuration.php").write_text("<?php\n")
    os.chmod(root / "configuration.php", 0o640)
    for name, text in {
        "smartermail.php": "<?php // entry\n",
        "hooks.php": "<?php\n",
        "lib/Api.php": "<?php\n",
    }.items():
        (module / name).write_text(text)
        os.chmod(module / name, 0o644)
    for folder in (module, module / "lib"):
        os.chmod(folder, 0o755)  # noqa: S103 - the mode the module_files step sets
    if record:
        backups = root / ".smartermail-backups"
        manifest = tree_manifest(scan_tree(str(module)))
        assert (
            record_installed_manifest(
                str(backups), manifest, lambda: (backups.mkdir(mode=0o700), str(backups))[1]
            )
            is None
        )
    return root


def context(root: Path, **settings: Any) -> TargetContext:
    return TargetContext("mail1", {"whmcs_root": str(root), **settings})


def outcome(root: Path, **settings: Any) -> Any:
    try:
        return check_module_files(context(root, **settings))
    except CheckFailed as failure:
        return failure.outcome


def module_dir(root: Path) -> Path:
    return root / "modules" / "servers" / "smartermail"


def test_an_untouched_install_passes(tmp_path: Path) -> None:
    result = outcome(make_tree(tmp_path))
    assert result.status == PASS, result
    assert "3 files" in result.summary and "matches the installed manifest (3 files)" in result.summary


def test_changed_missing_and_extra_files_are_named(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (module_dir(root) / "hooks.php").write_text("<?php // edited by hand\n")
    (module_dir(root) / "lib" / "Api.php").unlink()
    (module_dir(root) / "debug.php").write_text("<?php\n")
    os.chmod(module_dir(root) / "debug.php", 0o644)
    result = outcome(root)
    assert result.status == FAIL
    assert "1 path(s) missing: lib/Api.php" in result.summary
    assert "1 path(s) changed: hooks.php" in result.summary
    assert "1 path(s) not from the install (extra): debug.php" in result.summary
    assert "module_files step" in result.hint


def test_many_differences_show_a_few_names_and_the_count(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    for index in range(6):
        (module_dir(root) / f"extra{index}.php").write_text("x")
        os.chmod(module_dir(root) / f"extra{index}.php", 0o644)
    result = outcome(root)
    assert (
        "6 path(s) not from the install (extra): extra0.php, extra1.php, extra2.php and 3 more"
        in result.summary
    )


def test_world_writable_files_fail(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    os.chmod(module_dir(root) / "hooks.php", 0o666)  # noqa: S103 - the fault under test
    result = outcome(root)
    assert result.status == FAIL and "1 path(s) are world-writable: hooks.php" in result.summary
    assert "chmod o-w" in result.hint


def test_files_the_web_user_cannot_read_fail_naming_the_user(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    os.chmod(module_dir(root) / "lib" / "Api.php", 0o600)  # root only
    result = outcome(root, whmcs_web_user="nobody")
    assert result.status == FAIL
    assert "1 path(s) not readable by nobody: lib/Api.php" in result.summary
    assert "whmcs_web_user" in result.hint


def test_without_a_web_user_the_owner_of_configuration_php_reads(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    os.chmod(module_dir(root) / "lib" / "Api.php", 0o600)  # readable by its owner, who owns configuration.php
    result = outcome(root)
    assert result.status == PASS, result
    assert "readable by root/root" in result.summary


def test_an_unknown_web_user_is_named(tmp_path: Path) -> None:
    result = outcome(make_tree(tmp_path), whmcs_web_user="no-such-user-xyz")
    assert result.status == FAIL and "'no-such-user-xyz' is not a user on this host" in result.summary


def test_no_installed_manifest_is_a_warning(tmp_path: Path) -> None:
    result = outcome(make_tree(tmp_path, record=False))
    assert result.status == WARN and "no installed manifest" in result.summary


def test_a_missing_module_folder_or_entry_file_fails(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    (module_dir(root) / "smartermail.php").unlink()
    assert "smartermail.php is missing" in outcome(root).summary
    empty = tmp_path / "empty"
    (empty / "modules" / "servers").mkdir(parents=True)
    assert "the module folder" in outcome(empty).summary and "is missing" in outcome(empty).summary
