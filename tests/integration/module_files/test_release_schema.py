"""whmcs_module_files' settings check (check_schema) with the test release 1.2.0, which adds a 24th setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.ansible_runner import PlaybookRun, run_module
from fixtures.module_files_play import make_root
from fixtures.module_release import build_release

pytestmark = pytest.mark.slow


def install(tmp_path: Path, root: Path, src: Path) -> PlaybookRun:
    args = {"whmcs_root": str(root), "owner": "root", "group": "root", "src": str(src), "check_schema": True}
    return run_module(
        tmp_path, "astral360.smartermail.whmcs_module_files", args, register="files", name="Files"
    )


def test_a_release_with_a_24th_setting_read_from_its_database_is_installed(tmp_path: Path) -> None:
    """No database before the swap: the release's Capsule read fails and it offers its fallback choice."""
    root = make_root(tmp_path)
    src = build_release(tmp_path / "release") / "modules" / "servers" / "smartermail"
    run = install(tmp_path, root, src)
    assert run.results["failed"] is False and run.results["changed"] is True, run.output
    installed = root / "modules" / "servers" / "smartermail"
    assert (installed / "lib" / "FixtureRelease.php").is_file() and (installed / "CHANGELOG.md").is_file()


def test_a_release_whose_named_settings_moved_is_refused_before_the_swap(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    src = build_release(tmp_path / "release") / "modules" / "servers" / "smartermail"
    module = src / "smartermail.php"
    source = module.read_text()
    # The 24th setting moved in front of the named ones: 24 settings, but every slot after 1 shifts.
    module.write_text(
        source.replace(
            "    $options = [\n",
            "    $options = [\n        'region' => ['FriendlyName' => 'Region', 'Type' => 'text', 'Default' => ''],\n",
            1,
        )
    )
    extra = src / "lib" / "FixtureRelease.php"
    extra.write_text(
        extra.read_text().replace(
            "function smartermail_fixtureReleaseConfigOptions()\n{",
            "function smartermail_fixtureReleaseConfigOptions()\n{\n    return [];",
        )
    )
    run = install(tmp_path, root, src)
    assert run.results["failed"] is True
    message = run.results["msg"]
    assert message.startswith("smartermail_module_src: the module's settings do not match the named options")
    assert "slot 1 (gb_per_tranche; the module calls it 'Region') defaults to '', expected '10'" in message
    assert (
        "slot 8 (delete_data_on_terminate; " in message and "is of type 'text', expected 'yesno'" in message
    )
    assert "The installed module files were left as they were" in message
    assert not (root / "modules" / "servers" / "smartermail").exists()
