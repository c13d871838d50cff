"""module_tree_source: finding the module folder in a directory or archive, refusals, packing."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source import (
    SourceError,
    SourceLimits,
    collect_source,
    pack_source,
)
from fixtures.hostile_archives import HOSTILE_ARCHIVES, HostileArchive, write_zip

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
    with pytest.raises(SourceError, match=r"smartermail_module_src=.* has no smartermail.php"):
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
    with pytest.raises(SourceError, match=r"member 'smartermail/null' is a device file"):
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


# ---- hostile and damaged archives (issue 10): refused on the controller, naming source and member


@pytest.mark.parametrize("make", list(HOSTILE_ARCHIVES.values()), ids=list(HOSTILE_ARCHIVES))
def test_hostile_archive_is_refused_naming_the_source_and_the_member(
    tmp_path: Path, make: Callable[[Path], HostileArchive]
) -> None:
    case = make(tmp_path)
    with pytest.raises(SourceError) as refused:
        pack_source(str(case.path), str(tmp_path / "out.tar.gz"))
    message = str(refused.value)
    assert message.startswith(f"smartermail_module_src={case.path}"), message
    assert case.phrase in message, message
    if case.member:
        assert repr(case.member) in message, message
    assert "\n" not in message  # a control character is shown escaped, never printed


MiB = 1024 * 1024


def _zip_with(tmp_path: Path, files: dict[str, bytes], **write: object) -> Path:
    def extra(out: zipfile.ZipFile) -> None:
        for name, data in files.items():
            out.writestr("smartermail/" + name, data, **write)  # type: ignore[arg-type]

    return write_zip(tmp_path / "m.zip", extra, prefix="smartermail/")


@pytest.mark.parametrize(
    ("limits", "files", "phrase"),
    [
        (SourceLimits(max_file_mb=1), {"big.bin": os.urandom(MiB + 1)}, "per-file limit of 1 MiB"),
        (
            SourceLimits(max_unpacked_mb=2),
            {"a.bin": os.urandom(MiB), "b.bin": os.urandom(MiB), "c.bin": os.urandom(MiB)},
            "more than 2 MiB",
        ),
        (SourceLimits(max_members=5), {f"{n}.php": b"" for n in range(5)}, "more than 5 members"),
        (SourceLimits(max_ratio=10), {"zeros.bin": bytes(2 * MiB)}, "over the limit of 10:1"),
    ],
    ids=["per-file", "total", "members", "ratio"],
)
def test_each_limit_can_be_lowered_and_names_its_variable(
    tmp_path: Path, limits: SourceLimits, files: dict[str, bytes], phrase: str
) -> None:
    archive = _zip_with(tmp_path, files)
    with pytest.raises(SourceError, match=phrase) as refused:
        pack_source(str(archive), str(tmp_path / "out.tar.gz"), limits)
    assert "smartermail_module_" in str(refused.value)


def test_links_count_towards_the_unpacked_total(tmp_path: Path) -> None:
    src = folder(tmp_path / "smartermail", {**MODULE, "data.bin": os.urandom(MiB // 2)})
    for number in range(4):
        os.symlink("data.bin", src / f"alias{number}.bin")
    with pytest.raises(SourceError, match="more than 2 MiB"):
        pack_source(str(src), str(tmp_path / "out.tar.gz"), SourceLimits(max_unpacked_mb=2))


def test_folder_sources_have_the_same_limits_and_name_rules(tmp_path: Path) -> None:
    src = folder(tmp_path / "smartermail", {**MODULE, "big.bin": bytes(MiB + 1)})
    with pytest.raises(SourceError, match=r"member 'big.bin' .* per-file limit of 1 MiB"):
        pack_source(str(src), str(tmp_path / "out.tar.gz"), SourceLimits(max_file_mb=1))
    (src / "big.bin").unlink()
    (src / "evil\x1b[2J.php").write_bytes(b"")
    with pytest.raises(SourceError, match="control character"):
        pack_source(str(src), str(tmp_path / "out.tar.gz"))


def test_a_tar_with_a_fifo_and_an_inner_link_to_a_file(tmp_path: Path) -> None:
    fifo = tarfile.TarInfo("smartermail/pipe")
    fifo.type = tarfile.FIFOTYPE
    archive = tar_of(tmp_path / "f.tar.gz", [("smartermail/smartermail.php", b""), fifo])
    with pytest.raises(SourceError, match=r"member 'smartermail/pipe' is a fifo"):
        pack_source(str(archive), str(tmp_path / "out.tar.gz"))
    linked = tar_of(
        tmp_path / "l.tar.gz",
        [("smartermail/smartermail.php", b"<?php\n"), _symlink("smartermail/alias.php", "smartermail.php")],
    )
    manifest, _ = pack_source(str(linked), str(tmp_path / "out.tar.gz"))
    assert manifest["files"]["alias.php"] == manifest["files"]["smartermail.php"]


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_packing_streams_members_instead_of_reading_them_whole(tmp_path: Path, kind: str) -> None:
    """Python's own allocations while packing a 12 MiB member stay far below the member's size."""
    data = os.urandom(12 * MiB)
    if kind == "folder":
        src = folder(tmp_path / "smartermail", {**MODULE, "big.bin": data})
    else:
        src = _zip_with(tmp_path, {"big.bin": data})
    del data
    tracemalloc.start()
    try:
        manifest, _ = pack_source(str(src), str(tmp_path / "out.tar.gz"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "big.bin" in manifest["files"]
    assert peak < 4 * MiB, peak


def test_an_encrypted_zip_member_is_refused(tmp_path: Path) -> None:
    name = b"smartermail/secret.php"
    archive = write_zip(
        tmp_path / "m.zip", lambda out: out.writestr(name.decode(), b"<?php\n"), prefix="smartermail/"
    )
    raw = bytearray(archive.read_bytes())
    # Set the "encrypted" flag (bit 0) in the member's local header and in its central directory
    # entry: the name appears once in each, local header first.
    first = raw.index(name)
    local = raw.rindex(b"PK\x03\x04", 0, first)
    central = raw.rindex(b"PK\x01\x02", 0, raw.index(name, first + 1))
    raw[local + 6] |= 0x1
    raw[central + 8] |= 0x1
    archive.write_bytes(bytes(raw))
    with pytest.raises(SourceError, match=r"member 'smartermail/secret.php' is encrypted"):
        pack_source(str(archive), str(tmp_path / "out.tar.gz"))
