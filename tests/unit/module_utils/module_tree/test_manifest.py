"""module_tree: manifest digest, path checks and the plan (added / changed / removed / attributes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ModuleTreeError,
    check_relative_path,
    manifest_digest,
    plan_tree,
    scan_tree,
    sha256_file,
    tree_manifest,
    validate_manifest,
)


def build(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o644)
    for directory in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        directory.chmod(0o755)
    return root


FILES = {"smartermail.php": b"<?php\n", "lang/english.php": b"<?php $_LANG = [];\n"}


def test_scan_of_a_tree_is_its_own_manifest_and_in_sync(tmp_path: Path) -> None:
    root = build(tmp_path / "smartermail", FILES)
    manifest = tree_manifest(scan_tree(str(root)))
    assert manifest == {
        "files": {name: sha256_file(str(root / name)) for name in FILES},
        "dirs": ["lang"],
    }
    assert plan_tree(manifest, scan_tree(str(root)), os.getuid(), os.getgid()).in_sync


def test_plan_names_each_kind_of_difference(tmp_path: Path) -> None:
    wanted = tree_manifest(scan_tree(str(build(tmp_path / "want", {**FILES, "lib/Client.php": b"<?php\n"}))))
    have = build(
        tmp_path / "have",
        {"smartermail.php": b"<?php // old\n", "lang/english.php": FILES["lang/english.php"]},
    )
    (have / "stray").mkdir()
    (have / "stray" / "x.php").write_bytes(b"")
    (have / "lang").chmod(0o777)
    plan = plan_tree(wanted, scan_tree(str(have)))
    assert plan.added == ["lib/", "lib/Client.php"]
    assert plan.changed == ["smartermail.php"]
    assert plan.removed == ["stray/"]  # its contents go with it, listed once
    assert plan.attributes == ["lang/"]
    assert not plan.in_sync


def test_owner_is_compared_only_when_asked(tmp_path: Path) -> None:
    root = build(tmp_path / "smartermail", FILES)
    manifest = tree_manifest(scan_tree(str(root)))
    assert plan_tree(manifest, scan_tree(str(root))).in_sync
    other = os.getuid() + 1
    assert plan_tree(manifest, scan_tree(str(root)), uid=other).attributes == [
        "./",  # the module folder itself
        "lang/",
        "lang/english.php",
        "smartermail.php",
    ]


def test_missing_target_plans_everything_added(tmp_path: Path) -> None:
    manifest = tree_manifest(scan_tree(str(build(tmp_path / "want", FILES))))
    plan = plan_tree(manifest, scan_tree(str(tmp_path / "absent")))
    assert plan.added == ["lang/", "lang/english.php", "smartermail.php"]


def test_digest_ignores_order_and_sees_any_change() -> None:
    one = {"files": {"a": "1", "smartermail.php": "2"}, "dirs": ["x", "y"]}
    two = {"files": {"smartermail.php": "2", "a": "1"}, "dirs": ["y", "x"]}
    assert manifest_digest(one) == manifest_digest(two)
    assert manifest_digest(one) != manifest_digest({**one, "files": {"a": "1", "smartermail.php": "3"}})


@pytest.mark.parametrize("path", ["/etc/passwd", "../evil", "a/../../b", "a//b", "./a", "C:/x", "a\\b", ""])
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(ModuleTreeError):
        check_relative_path(path, "test")


def test_manifest_without_entry_file_is_refused() -> None:
    with pytest.raises(ModuleTreeError, match=r"smartermail\.php"):
        validate_manifest({"files": {"hooks.php": "0" * 64}, "dirs": []})
    with pytest.raises(ModuleTreeError, match=r"'\.\.'"):
        validate_manifest({"files": {"smartermail.php": "0", "../x": "1"}, "dirs": []})
