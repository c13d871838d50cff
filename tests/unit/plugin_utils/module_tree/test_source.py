"""module_tree_source: finding the module folder in a directory or archive, refusals, packing."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source import (
    SourceError,
    collect_source,
    pack_source,
)

MODULE = {"smartermail.php": b"<?php // module\n", "lib/Client.php": b"<?php // client\n"}


def folder(root: Path, files: dict[str, bytes] = MODULE) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def tar_of(path: Path, entries: list[tarfile.TarInfo | tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as out:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                out.addfile(entry)
            else:
                info = tarfile.TarInfo(entry[0])
                info.size = len(entry[1])
                out.addfile(info, io.BytesIO(entry[1]))
    return path


def names(src: Path) -> list[str]:
    return [rel for rel, _ in collect_source(str(src))[1]]


def test_folder_itself_and_folder_holding_modules_servers(tmp_path: Path) -> None:
    itself = folder(tmp_path / "a" / "smartermail")
    holder = tmp_path / "b"
    folder(holder / "modules" / "servers" / "smartermail")
    assert names(itself) == names(holder) == ["lib", "lib/Client.php", "smartermail.php"]


def test_folder_without_entry_file_names_the_variable(tmp_path: Path) -> None:
    src = folder(tmp_path / "x", {"hooks.php": b""})
    with pytest.raises(SourceError, match=r"smartermail_module_src \(src\) .* has no smartermail.php"):
        collect_source(str(src))


def test_missing_source_and_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist on the controller"):
        collect_source(str(tmp_path / "nope"))
    other = tmp_path / "module.rar"
    other.write_bytes(b"x")
    with pytest.raises(SourceError, match="neither a directory nor"):
        collect_source(str(other))


@pytest.mark.parametrize(
    "prefix", ["", "smartermail/", "modules/servers/smartermail/", "v1.2/modules/servers/smartermail/"]
)
def test_archive_layouts(tmp_path: Path, prefix: str) -> None:
    archive = tar_of(
        tmp_path / "m.tar.gz", [(prefix + n, d) for n, d in MODULE.items()] + [("README", b"top")]
    )
    assert [n for n in names(archive) if n != "README"] == ["lib/Client.php", "smartermail.php"]


def test_zip_source(tmp_path: Path) -> None:
    archive = tmp_path / "m.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in MODULE.items():
            out.writestr("modules/servers/smartermail/" + name, data)
    assert names(archive) == ["lib/Client.php", "smartermail.php"]


def test_two_module_folders_are_refused(tmp_path: Path) -> None:
    archive = tar_of(
        tmp_path / "m.tar.gz",
        [("a/smartermail/smartermail.php", b""), ("b/smartermail/smartermail.php", b"")],
    )
    with pytest.raises(SourceError, match=r"more than one module folder \(a/smartermail/, b/smartermail/\)"):
        collect_source(str(archive))


@pytest.mark.parametrize("bad", ["../evil", "/etc/cron.d/evil", "smartermail/../../evil"])
def test_escaping_member_names_are_refused(tmp_path: Path, bad: str) -> None:
    archive = tar_of(tmp_path / "m.tar.gz", [("smartermail/smartermail.php", b""), (bad, b"x")])
    with pytest.raises(SourceError, match="refus"):
        collect_source(str(archive))


def test_zip_with_parent_path_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "m.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("smartermail.php", b"")
        out.writestr("../evil.php", b"")
    with pytest.raises(SourceError, match=r"'\.\./evil\.php'"):
        collect_source(str(archive))


def _symlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../etc/passwd", "../outside.php"])
def test_links_leaving_the_module_folder_are_refused(tmp_path: Path, target: str) -> None:
    archive = tar_of(
        tmp_path / "m.tar.gz",
        [
            ("top/smartermail/smartermail.php", b""),
            ("top/outside.php", b""),
            _symlink("top/smartermail/x.php", target),
        ],
    )
    with pytest.raises(SourceError, match="points outside"):
        collect_source(str(archive))


def test_link_inside_the_module_is_packed_as_a_file(tmp_path: Path) -> None:
    src = folder(tmp_path / "smartermail")
    os.symlink("lib/Client.php", src / "alias.php")
    manifest, _ = pack_source(str(src), str(tmp_path / "out.tar.gz"))
    assert manifest["files"]["alias.php"] == manifest["files"]["lib/Client.php"]
    with tarfile.open(tmp_path / "out.tar.gz") as packed:
        assert all(member.isfile() or member.isdir() for member in packed.getmembers())


def test_directory_link_and_special_files_are_refused(tmp_path: Path) -> None:
    src = folder(tmp_path / "smartermail")
    os.symlink("lib", src / "lib2")
    with pytest.raises(SourceError, match="links to directories are not supported"):
        collect_source(str(src))
    device = tarfile.TarInfo("smartermail/null")
    device.type = tarfile.CHRTYPE
    archive = tar_of(tmp_path / "d.tar.gz", [("smartermail/smartermail.php", b""), device])
    with pytest.raises(SourceError, match="special file"):
        collect_source(str(archive))


def test_packed_archive_is_normalised(tmp_path: Path) -> None:
    src = folder(tmp_path / "smartermail")
    (src / "smartermail.php").chmod(0o777)
    manifest, digest = pack_source(str(src), str(tmp_path / "out.tar.gz"))
    assert sorted(manifest["files"]) == ["lib/Client.php", "smartermail.php"] and manifest["dirs"] == ["lib"]
    assert len(digest) == 64
    with tarfile.open(tmp_path / "out.tar.gz") as packed:
        modes = {m.name: stat.S_IMODE(m.mode) for m in packed.getmembers()}
    assert modes == {"lib/Client.php": 0o644, "smartermail.php": 0o644, "lib": 0o755}


def test_corrupt_archives_are_reported(tmp_path: Path) -> None:
    for name in ("bad.zip", "bad.tar.gz"):
        (tmp_path / name).write_bytes(b"not an archive")
        with pytest.raises(SourceError, match="not a readable"):
            collect_source(str(tmp_path / name))
