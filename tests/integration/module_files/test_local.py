"""astral360.smartermail.whmcs_module_files and the module_files role through real ansible-playbook runs.

Each test builds a plain WHMCS-like tree (``<tmp>/whmcs/modules/servers``) and a private copy of
the fixture module as the source, and runs ansible-playbook on localhost (local connection).
"""

from __future__ import annotations

import os
import stat
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from fixtures.module_files_play import (
    assert_matches_source,
    backups,
    converge,
    make_root,
    make_source,
    module_task,
    role_task,
    run_play,
    snapshot,
    staging_dirs,
)

pytestmark = pytest.mark.slow


# ---- converge, idempotence, check mode -------------------------------------------------------


def test_converge_then_again_then_check(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    first = converge(tmp_path, root, src)
    assert first["failed"] is False and first["changed"] is True, first
    assert "smartermail.php" in first["added"] and "lang/" in first["added"]
    assert first["transferred"] is True and first["module_calls"] == 2
    assert first["backup_path"] is None  # nothing was there to back up
    assert_matches_source(root, src)

    again = converge(tmp_path, root, src)
    assert again["changed"] is False, again
    assert again["added"] == again["changed_files"] == again["removed"] == []
    assert again["transferred"] is False and again["module_calls"] == 1
    assert again["manifest_digest"] == first["manifest_digest"]

    checked = converge(tmp_path, root, src, "--check")
    assert checked["changed"] is False and checked["module_calls"] == 1
    assert backups(root) == [] and staging_dirs(root) == []


def test_check_diff_on_fresh_host_plans_everything_and_writes_nothing(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    before = snapshot(tmp_path / "whmcs")
    run = run_play(tmp_path, [module_task(root, src)], "--check", "--diff")
    result = run.results
    assert result["changed"] is True and result["failed"] is False, run.output
    expected = sorted([str(p.relative_to(src)) + ("/" if p.is_dir() else "") for p in src.rglob("*")])
    assert result["added"] == expected
    assert result["transferred"] is False and result["module_calls"] == 1
    assert "+smartermail.php  sha256:" in run.output and "+lang/english.php  sha256:" in run.output
    assert snapshot(tmp_path / "whmcs") == before


def test_role_converges_and_check_mode_is_quiet(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    variables = {
        "whmcs_root": str(root),
        "whmcs_web_user": "root",
        "whmcs_web_group": "root",
        "smartermail_module_src": str(src.parents[2]),  # the folder holding modules/servers/smartermail
    }
    first = run_play(tmp_path, [role_task(**variables)], register="module_files_result")
    assert first.results["changed"] is True, first.output
    assert_matches_source(root, src)
    again = run_play(tmp_path, [role_task(**variables)], register="module_files_result")
    assert "changed=0" in again.output and again.results["changed"] is False, again.output
    check = run_play(tmp_path, [role_task(**variables)], "--check", register="module_files_result")
    assert "changed=0" in check.output and check.returncode == 0, check.output


# ---- changes are reported precisely ----------------------------------------------------------


def test_one_changed_file_is_exactly_what_changes_and_is_backed_up(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src)
    old_hooks = (src / "hooks.php").read_bytes()
    (src / "hooks.php").write_bytes(old_hooks + b"// 1.0.1\n")
    run = run_play(tmp_path, [module_task(root, src)], "--diff")
    result = run.results
    assert result["changed"] is True, run.output
    assert result["changed_files"] == ["hooks.php"]
    assert result["added"] == result["removed"] == result["fixed_attributes"] == []
    assert "-hooks.php  sha256:" in run.output and "+hooks.php  sha256:" in run.output
    assert_matches_source(root, src)
    backup = Path(result["backup_path"])
    assert backup.parent == root / ".smartermail-backups"
    assert (backup / "hooks.php").read_bytes() == old_hooks
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert staging_dirs(root) == []


def test_removed_source_file_and_stray_files_are_removed(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src)
    (src / "lang" / "french.php").unlink()
    target = root / "modules" / "servers" / "smartermail"
    (target / "stray.php").write_text("<?php // left behind\n")
    result = converge(tmp_path, root, src)
    assert result["removed"] == ["lang/french.php", "stray.php"]
    assert result["changed_files"] == [] and result["added"] == []
    assert_matches_source(root, src)


def test_wrong_mode_is_fixed_and_reported(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src)
    target = root / "modules" / "servers" / "smartermail"
    (target / "whmcs.json").chmod(0o666)
    (target / "lib").chmod(0o777)
    result = converge(tmp_path, root, src)
    assert result["fixed_attributes"] == ["lib/", "whmcs.json"]
    assert result["changed_files"] == []
    assert_matches_source(root, src)


def test_backup_retention_prunes_the_oldest(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src, backups_keep=2)
    made = []
    for release in range(4):
        (src / "README.md").write_text(f"release {release}\n")
        made.append(converge(tmp_path, root, src, backups_keep=2)["backup_path"])
    kept = backups(root)
    assert [str(p) for p in kept] == made[-2:]
    assert (kept[-1] / "README.md").read_text() == "release 2\n"


# ---- source formats and refusals -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_archive_sources_wrapped_in_a_top_folder(tmp_path: Path, fmt: str) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    archive = tmp_path / f"smartermail-1.0.{fmt}"
    prefix = "smartermail-1.0/modules/servers/smartermail"
    files = sorted(p for p in src.rglob("*") if p.is_file())
    if fmt == "zip":
        with zipfile.ZipFile(archive, "w") as out:
            for path in files:
                out.write(path, f"{prefix}/{path.relative_to(src)}")
    else:
        with tarfile.open(archive, "w:gz") as out:
            out.add(src, prefix)
    result = converge(tmp_path, root, archive)
    assert result["changed"] is True and result["failed"] is False, result
    assert_matches_source(root, src)
    assert converge(tmp_path, root, archive)["changed"] is False


def test_folder_is_the_module_folder_itself(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    result = converge(tmp_path, root, src)
    assert result["changed"] is True
    assert_matches_source(root, src)


def test_source_without_smartermail_php_fails_naming_the_variable(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    empty = tmp_path / "not-a-module"
    (empty / "lib").mkdir(parents=True)
    (empty / "lib" / "Client.php").write_text("<?php\n")
    variables = {
        "whmcs_root": str(root),
        "whmcs_web_user": "root",
        "whmcs_web_group": "root",
        "smartermail_module_src": str(empty),
    }
    before = snapshot(root)
    run = run_play(tmp_path, [role_task(**variables)], register="module_files_result")
    assert run.returncode != 0
    assert "smartermail_module_src" in run.output and "has no smartermail.php" in run.output, run.output
    assert snapshot(root) == before


def test_archive_with_parent_path_is_refused(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as out:
        out.add(src, "smartermail")
        payload = tmp_path / "payload"
        payload.write_text("owned\n")
        out.add(payload, "../evil")
    before = snapshot(tmp_path / "whmcs")
    result = converge(tmp_path, root, archive)
    assert result["failed"] is True
    assert "smartermail_module_src" in result["msg"] and "'../evil'" in result["msg"], result["msg"]
    assert snapshot(tmp_path / "whmcs") == before
    assert not (tmp_path / "evil").exists()


def test_role_refuses_missing_whmcs_root_before_any_change(tmp_path: Path) -> None:
    src = make_source(tmp_path)
    run = run_play(
        tmp_path,
        [role_task(whmcs_web_user="root", whmcs_web_group="root", smartermail_module_src=str(src))],
        register="module_files_result",
    )
    assert run.returncode != 0
    assert "whmcs_root" in run.output and "missing required arguments" in run.output, run.output


def test_whmcs_root_without_modules_servers_is_named(tmp_path: Path) -> None:
    src = make_source(tmp_path)
    bare = tmp_path / "bare"
    bare.mkdir()
    result = converge(tmp_path, bare, src)
    assert result["failed"] is True
    assert str(bare / "modules" / "servers") in result["msg"], result["msg"]
    assert list(bare.iterdir()) == []


# ---- failures leave the previous tree in place ------------------------------------------------


def _chattr(flag: str, path: Path) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False).returncode == 0


def test_immutable_modules_servers_keeps_previous_tree(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src)
    (src / "smartermail.php").write_text("<?php // 2.0\n")
    servers = root / "modules" / "servers"
    before = snapshot(servers)
    if not _chattr("+i", servers):
        pytest.skip("chattr +i is not supported here")
    try:
        result = converge(tmp_path, root, src)
    finally:
        _chattr("-i", servers)
    assert result["failed"] is True
    assert str(servers) in result["msg"] and "not writable" in result["msg"], result["msg"]
    assert snapshot(servers) == before
    assert backups(root) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="bind mounts need root")
def test_failure_midway_through_the_swap_rolls_back(tmp_path: Path) -> None:
    """Backups dir bind-mounted on itself: rename(2) of the old tree into it fails with EXDEV after
    the new tree was already swapped in, so the swap must be undone."""
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src)
    (src / "hooks.php").write_text("<?php // 2.0\n")
    (src / "lib" / "NewClient.php").write_text("<?php // new\n")
    converge(tmp_path, root, src)  # creates the backups dir with one backup
    (src / "smartermail.php").write_text("<?php // 3.0\n")
    servers = root / "modules" / "servers"
    backup_dir = root / ".smartermail-backups"
    before, backups_before = snapshot(servers), backups(root)
    mounted = subprocess.run(
        ["mount", "--bind", str(backup_dir), str(backup_dir)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount --bind is not allowed here: {mounted.stderr.strip()}")
    try:
        result = converge(tmp_path, root, src)
    finally:
        subprocess.run(["umount", str(backup_dir)], check=True)
    assert result["failed"] is True, result
    assert "left in place" in result["msg"] and "another mount" in result["msg"], result["msg"]
    assert snapshot(servers) == before
    assert backups(root) == backups_before
    assert staging_dirs(root) == []


# ---- uninstall: restored / absent -------------------------------------------------------------


def test_restored_brings_back_the_previous_version_and_absent_removes(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    converge(tmp_path, root, src)
    version_one = snapshot(root / "modules" / "servers" / "smartermail")
    (src / "smartermail.php").write_text("<?php // 2.0\n")
    converge(tmp_path, root, src)

    restored = converge(tmp_path, root, None, state="restored")
    assert restored["changed"] is True and restored["changed_files"] == ["smartermail.php"], restored
    assert snapshot(root / "modules" / "servers" / "smartermail") == version_one
    assert converge(tmp_path, root, None, state="restored")["changed"] is False
    assert staging_dirs(root) == []

    checked = converge(tmp_path, root, None, "--check", state="absent")
    assert checked["changed"] is True and "smartermail.php" in checked["removed"]
    assert (root / "modules" / "servers" / "smartermail").is_dir()

    count = len(backups(root))
    absent = converge(tmp_path, root, None, state="absent")
    assert absent["changed"] is True
    assert not (root / "modules" / "servers" / "smartermail").exists()
    assert len(backups(root)) == count + 1
    assert snapshot(Path(absent["backup_path"])) == version_one
    assert converge(tmp_path, root, None, state="absent")["changed"] is False


def test_uninstall_role_restores_and_fails_without_backup(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    run = run_play(tmp_path, [role_task("uninstall", whmcs_root=str(root))], register="module_files_result")
    assert run.returncode != 0
    assert str(root / ".smartermail-backups") in run.output and "no backup to restore" in run.output, (
        run.output
    )


# ---- round trips, pipelining, become ----------------------------------------------------------


def _module_runs(output: str) -> int:
    return sum(
        1 for line in output.splitlines() if "Using module file" in line and "whmcs_module_files" in line
    )


@pytest.mark.parametrize("pipelining", ["0", "1"])
def test_noop_is_one_module_call_with_and_without_pipelining_and_become(
    tmp_path: Path, pipelining: str
) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    env = {"ANSIBLE_PIPELINING": pipelining}
    become = ("--become", "--become-method", "su")
    first = run_play(tmp_path, [module_task(root, src)], "-vvv", *become, env=env)
    assert first.results["changed"] is True, first.output
    assert _module_runs(first.output) == 2
    assert first.output.count("smartermail-module.tar.gz") >= 1  # the one archive PUT
    assert_matches_source(root, src)

    again = run_play(tmp_path, [module_task(root, src)], "-vvv", *become, env=env)
    assert again.results["changed"] is False, again.output
    assert _module_runs(again.output) == 1
    assert "smartermail-module.tar.gz" not in again.output
    assert again.results["transferred"] is False and again.results["module_calls"] == 1


def test_module_whose_settings_would_shift_slots_is_refused_before_the_swap(tmp_path: Path) -> None:
    root, src = make_root(tmp_path), make_source(tmp_path)
    assert converge(tmp_path, root, src, check_schema=True)["changed"] is True
    installed = snapshot(root / "modules" / "servers")
    php = src / "smartermail.php"
    # Turn the DMARC policy dropdown into a text field: 23 settings, but slot 23 changes type.
    php.write_text(php.read_text().replace("'Type' => 'dropdown'", "'Type' => 'text'", 1))
    refused = converge(tmp_path, root, src, check_schema=True)
    assert refused["failed"] is True
    assert "smartermail_module_src" in refused["msg"] and "slot 23 (dmarc_policy" in refused["msg"]
    assert snapshot(root / "modules" / "servers") == installed  # no staging folder, tree intact
