"""whmcs_module_files with a source that ships addon modules (modules/addons/<name>/), real files.

The addons go through the same staging, swap, backup and manifest as the server module; these
tests check what lands in <whmcs_root>/modules/addons, what the result reports per folder, and
that a failing folder leaves the whole release as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from fixtures.module_files_play import converge, make_root, make_source, module_task, run_play, snapshot

pytestmark = pytest.mark.slow

SERVER = "modules/servers/smartermail"
ADDON = "modules/addons/toy_billing"


def add_addon(src_module: Path, name: str = "toy_billing", body: str = "// 1.0") -> Path:
    """An addon folder beside the module in the source tree (src_module is modules/servers/smartermail)."""
    folder = src_module.parents[1] / "addons" / name
    (folder / "lib").mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.php").write_text(f"<?php\n{body}\n")
    (folder / "lib" / "Helper.php").write_text("<?php\n// helper\n")
    return folder


def release(src_module: Path) -> Path:
    """The folder holding modules/ (what smartermail_module_src names for a release with addons)."""
    return src_module.parents[2]


def addon_backups(root: Path, name: str = "toy_billing") -> list[Path]:
    directory = root / ".smartermail-backups" / "addons" / name
    return sorted(p for p in directory.iterdir() if p.is_dir()) if directory.exists() else []


def test_addon_is_installed_reported_and_idempotent(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    addon_src = add_addon(src)
    first = converge(tmp_path, root, release(src))
    assert first["failed"] is False and first["changed"] is True, first
    assert first["addons"] == ["toy_billing"]
    assert first["changed_folders"] == [SERVER, ADDON]
    addon = next(f for f in first["folders"] if f["type"] == "addon")
    assert addon["added"] == ["lib/", "lib/Helper.php", "toy_billing.php"]
    installed = root / ADDON
    assert (installed / "toy_billing.php").read_bytes() == (addon_src / "toy_billing.php").read_bytes()
    assert {k: v[1] for k, v in snapshot(installed).items()} == {
        "lib": 0o755,
        "lib/Helper.php": 0o644,
        "toy_billing.php": 0o644,
    }
    recorded = json.loads(
        (root / ".smartermail-backups/addons/toy_billing/installed-manifest.json").read_text()
    )
    assert sorted(recorded["files"]) == ["lib/Helper.php", "toy_billing.php"]

    again = converge(tmp_path, root, release(src))
    assert again["changed"] is False and again["changed_folders"] == [] and again["module_calls"] == 1, again

    # Only the addon changes: only its folder is swapped and backed up; --check --diff predicts it.
    (addon_src / "toy_billing.php").write_text("<?php\n// 2.0\n")
    before = snapshot(root)
    checked = run_play(tmp_path, [module_task(root, release(src))], "--check", "--diff")
    assert checked.results["changed"] is True and checked.results["changed_folders"] == [ADDON]
    assert "toy_billing.php" in checked.output and snapshot(root) == before
    second = converge(tmp_path, root, release(src))
    assert second["changed_folders"] == [ADDON], second
    assert second["backup_path"] is None  # the server module's own keys: untouched
    assert len(addon_backups(root)) == 1
    assert (addon_backups(root)[0] / "toy_billing.php").read_text() == "<?php\n// 1.0\n"
    assert (installed / "toy_billing.php").read_text() == "<?php\n// 2.0\n"


def test_source_without_addons_reports_no_addon_folder(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    result = converge(tmp_path, root, release(src))
    assert result["addons"] == [] and result["changed_folders"] == [SERVER]
    assert not (root / "modules" / "addons").exists()


@pytest.mark.parametrize("bad", ["Billing", "1billing", "bill-ing", "no_entry"])
def test_addon_with_a_name_whmcs_cannot_load_is_refused_before_any_change(tmp_path: Path, bad: str) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    folder = add_addon(src, bad)
    if bad == "no_entry":
        (folder / "no_entry.php").rename(folder / "other.php")
    before = snapshot(root)
    result = converge(tmp_path, root, release(src))
    assert result["failed"] is True
    assert f"modules/addons/{bad} is not an addon WHMCS can load" in result["msg"], result["msg"]
    assert snapshot(root) == before


def test_hostile_link_in_an_addon_is_refused(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    folder = add_addon(src)
    (folder / "escape.php").symlink_to(src / "smartermail.php")  # out of the addon folder
    result = converge(tmp_path, root, release(src))
    assert result["failed"] is True and "points outside" in result["msg"], result["msg"]
    assert not (root / "modules" / "addons").exists()


def test_archive_release_installs_its_addon(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    add_addon(src)
    archive = tmp_path / "release.tar.gz"
    subprocess.run(["tar", "-czf", str(archive), "-C", str(tmp_path / "src"), "modules"], check=True)
    result = converge(tmp_path, root, archive)
    assert result["changed_folders"] == [SERVER, ADDON], result
    assert (root / ADDON / "lib" / "Helper.php").is_file()


def _release_two(tmp_path: Path) -> tuple[Path, Path]:
    """Release 1 (module + addon) installed, release 2 (both changed) in the source."""
    root, src = make_root(tmp_path), make_source(tmp_path)
    add_addon(src)
    converge(tmp_path, root, release(src))
    (src / "smartermail.php").write_text("<?php // 2.0\n")
    (src.parents[1] / "addons" / "toy_billing" / "toy_billing.php").write_text("<?php // 2.0\n")
    return root, src


def test_unwritable_addons_folder_is_refused_before_any_change(tmp_path: Path) -> None:
    root, src = _release_two(tmp_path)
    before = snapshot(root)
    addons_dir = root / "modules" / "addons"
    if not _chattr("+i", addons_dir):
        pytest.skip("chattr +i is not supported here")
    try:
        result = converge(tmp_path, root, release(src))
    finally:
        _chattr("-i", addons_dir)
    assert result["failed"] is True, result
    assert result["msg"].startswith(ADDON + ": ") and "not writable" in result["msg"], result["msg"]
    assert snapshot(root) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="bind mounts need root")
def test_addon_failing_midway_puts_the_server_module_back(tmp_path: Path) -> None:
    """The addon's backup folder bind-mounted on itself: moving the old addon tree into it fails
    (EXDEV) after the server module was already swapped in, so that swap is undone too."""
    root, src = _release_two(tmp_path)
    converge(tmp_path, root, release(src))  # release 2, so that the addon has a backup folder
    (src / "smartermail.php").write_text("<?php // 3.0\n")
    (src.parents[1] / "addons" / "toy_billing" / "toy_billing.php").write_text("<?php // 3.0\n")
    before = snapshot(root / "modules")
    backup_dir = root / ".smartermail-backups" / "addons" / "toy_billing"
    mounted = subprocess.run(
        ["mount", "--bind", str(backup_dir), str(backup_dir)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount --bind is not allowed here: {mounted.stderr.strip()}")
    try:
        result = converge(tmp_path, root, release(src))
    finally:
        subprocess.run(["umount", str(backup_dir)], check=True)
    assert result["failed"] is True, result
    assert result["msg"].startswith(ADDON + ": ") and f"({SERVER}) were put back" in result["msg"], result[
        "msg"
    ]
    assert snapshot(root / "modules") == before


def _chattr(flag: str, path: Path) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False).returncode == 0


def test_absent_and_restored_cover_the_addons(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    addon_src = add_addon(src)
    converge(tmp_path, root, release(src))
    version_one = snapshot(root / ADDON)
    (addon_src / "toy_billing.php").write_text("<?php\n// 2.0\n")
    (src / "smartermail.php").write_text("<?php // 2.0\n")
    converge(tmp_path, root, release(src))

    restored = converge(tmp_path, root, None, state="restored")
    assert restored["changed_folders"] == [SERVER, ADDON], restored
    assert snapshot(root / ADDON) == version_one

    absent = converge(tmp_path, root, None, state="absent")
    assert absent["changed_folders"] == [SERVER, ADDON] and absent["addons"] == ["toy_billing"], absent
    assert not (root / ADDON).exists() and not (root / SERVER).exists()
    assert converge(tmp_path, root, None, state="absent")["changed"] is False
