"""astral360.smartermail.whmcs_setting through real ansible-playbook runs against a sandbox database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.ansible_runner import PlaybookRun, run_module
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


def run_setting(tmp_path: Path, box: SandboxInfo, name: str, value: str, *extra_args: str) -> PlaybookRun:
    return run_module(
        tmp_path,
        "astral360.smartermail.whmcs_setting",
        {"whmcs_root": str(box.root("whmcs1")), "name": name, "value": value},
        register="setting",
        name="Set a WHMCS setting",
        extra_args=list(extra_args),
    )


def test_missing_setting_is_created_then_left_alone(tmp_path: Path, box: SandboxInfo) -> None:
    assert setting_rows(box, "SmwTestCreated") == []
    created = run_setting(tmp_path, box, "SmwTestCreated", "on", "--diff")
    assert created.returncode == 0, created.output
    assert created.results["changed"] is True and created.results["previous_value"] is None
    assert "(no row)" in created.output
    rows = setting_rows(box, "SmwTestCreated")
    assert [row["value"] for row in rows] == ["on"]
    again = run_setting(tmp_path, box, "SmwTestCreated", "on")
    assert again.results["changed"] is False
    assert setting_rows(box, "SmwTestCreated") == rows


def test_existing_setting_is_updated_with_a_diff(tmp_path: Path, box: SandboxInfo) -> None:
    run_setting(tmp_path, box, "SmwTestUpdated", "on")
    run = run_setting(tmp_path, box, "SmwTestUpdated", "", "--diff")
    assert run.results["changed"] is True and run.results["previous_value"] == "on"
    assert "-SmwTestUpdated = 'on'" in run.output and "+SmwTestUpdated = ''" in run.output
    assert [row["value"] for row in setting_rows(box, "SmwTestUpdated")] == [""]


def test_check_mode_plans_and_writes_nothing(tmp_path: Path, box: SandboxInfo) -> None:
    fresh = run_setting(tmp_path, box, "SmwTestChecked", "on", "--check")
    assert fresh.results["changed"] is True
    assert setting_rows(box, "SmwTestChecked") == []
    run_setting(tmp_path, box, "SmwTestChecked", "on")
    rows = setting_rows(box, "SmwTestChecked")
    converged = run_setting(tmp_path, box, "SmwTestChecked", "on", "--check")
    assert converged.results["changed"] is False
    changing = run_setting(tmp_path, box, "SmwTestChecked", "off", "--check")
    assert changing.results["changed"] is True
    assert setting_rows(box, "SmwTestChecked") == rows


def test_bad_name_fails_before_connecting(tmp_path: Path, box: SandboxInfo) -> None:
    run = run_setting(tmp_path, box, "x" * 65, "on")
    assert run.results["failed"] is True
    assert "name" in run.results["msg"] and "64" in run.results["msg"]


def test_unreadable_root_fails_with_a_sentence(tmp_path: Path, box: SandboxInfo) -> None:
    run = run_module(
        tmp_path,
        "astral360.smartermail.whmcs_setting",
        {"whmcs_root": str(tmp_path / "nowhere"), "name": "X", "value": "1"},
        register="setting",
        name="Set a WHMCS setting",
    )
    assert run.results["failed"] is True
    assert "configuration.php" in run.results["msg"]
    assert "Traceback" not in run.output


def setting_rows(box: SandboxInfo, name: str) -> list[dict[str, Any]]:
    return query(box, "SELECT setting, value, updated_at FROM tblconfiguration WHERE setting = %s", name)
