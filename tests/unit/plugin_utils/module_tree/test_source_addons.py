"""module_tree source: addon folders (modules/addons/<name>) packed beside the server module."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.module_tree.manifest import (
    ModuleTreeError,
    validate_manifest,
)
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source import (
    SourceError,
    pack_source,
)

FILES = {
    "modules/servers/smartermail/smartermail.php": b"<?php // module\n",
    "modules/addons/toy_billing/toy_billing.php": b"<?php // addon\n",
    "modules/addons/toy_billing/lib/Helper.php": b"<?php // helper\n",
}


def release(root: Path, files: dict[str, bytes] = FILES) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_folder_release_packs_one_manifest_per_folder(tmp_path: Path) -> None:
    out = tmp_path / "out.tar.gz"
    manifest, _digest = pack_source(str(release(tmp_path / "src")), str(out))
    assert sorted(manifest["files"]) == ["smartermail.php"] and manifest["dirs"] == []
    addon = manifest["addons"]["toy_billing"]
    assert sorted(addon["files"]) == ["lib/Helper.php", "toy_billing.php"] and addon["dirs"] == ["lib"]
    validate_manifest(manifest)
    with tarfile.open(out) as packed:
        assert ".addons/toy_billing/toy_billing.php" in packed.getnames()


def test_archive_release_in_a_top_folder_gives_the_same_manifest(tmp_path: Path) -> None:
    src = release(tmp_path / "src" / "release-1.2.0")
    archive = tmp_path / "release.tar.gz"
    with tarfile.open(archive, "w:gz") as out:
        out.add(src, arcname="release-1.2.0")
    from_dir, digest_dir = pack_source(str(src), str(tmp_path / "a.tar.gz"))
    from_archive, digest_archive = pack_source(str(archive), str(tmp_path / "b.tar.gz"))
    assert from_archive == from_dir and digest_archive == digest_dir


def test_without_addons_the_manifest_and_digest_are_unchanged(tmp_path: Path) -> None:
    only = {k: v for k, v in FILES.items() if "addons" not in k}
    manifest, digest = pack_source(str(release(tmp_path / "a", only)), str(tmp_path / "a.tar.gz"))
    itself, digest_itself = pack_source(
        str(tmp_path / "a" / "modules" / "servers" / "smartermail"), str(tmp_path / "b.tar.gz")
    )
    assert "addons" not in manifest and (manifest, digest) == (itself, digest_itself)
    _with_addon, digest_with = pack_source(str(release(tmp_path / "c")), str(tmp_path / "c.tar.gz"))
    assert digest_with != digest


@pytest.mark.parametrize("name", ["Billing", "9lives", "bill-ing", "x.y"])
def test_names_whmcs_cannot_load_are_refused(tmp_path: Path, name: str) -> None:
    files = {**FILES, f"modules/addons/{name}/{name}.php": b"<?php\n"}
    with pytest.raises(SourceError, match=rf"modules/addons/{name} is not an addon WHMCS can load"):
        pack_source(str(release(tmp_path / "src", files)), str(tmp_path / "out.tar.gz"))


def test_addon_without_its_entry_file_and_stray_files_are_refused(tmp_path: Path) -> None:
    files = {**FILES, "modules/addons/other/main.php": b"<?php\n"}
    with pytest.raises(SourceError, match=r"modules/addons/other is not an addon WHMCS can load"):
        pack_source(str(release(tmp_path / "a", files)), str(tmp_path / "a.tar.gz"))
    stray = {**FILES, "modules/addons/readme.txt": b"hi\n"}
    with pytest.raises(SourceError, match=r"is not a folder; modules/addons may hold addon folders only"):
        pack_source(str(release(tmp_path / "b", stray)), str(tmp_path / "b.tar.gz"))
    guard = {**FILES, "modules/addons/index.php": b"<?php\n"}  # WHMCS's own listing guard is fine
    manifest, _digest = pack_source(str(release(tmp_path / "c", guard)), str(tmp_path / "c.tar.gz"))
    assert list(manifest["addons"]) == ["toy_billing"]


def test_module_files_under_the_reserved_packing_folder_are_refused(tmp_path: Path) -> None:
    files = {**FILES, "modules/servers/smartermail/.addons/x.php": b"<?php\n"}
    with pytest.raises(SourceError, match=r"reserved for addons"):
        pack_source(str(release(tmp_path / "src", files)), str(tmp_path / "out.tar.gz"))


def test_a_manifest_with_a_bad_addon_is_refused_on_the_host() -> None:
    base = {"files": {"smartermail.php": "0" * 64}, "dirs": []}
    with pytest.raises(ModuleTreeError, match=r"addon '\.\./x' refused"):
        validate_manifest({**base, "addons": {"../x": {"files": {"x.php": "0" * 64}, "dirs": []}}})
    with pytest.raises(ModuleTreeError, match=r"has no toy\.php"):
        validate_manifest({**base, "addons": {"toy": {"files": {"other.php": "0" * 64}, "dirs": []}}})
