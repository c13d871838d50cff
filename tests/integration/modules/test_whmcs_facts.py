"""astral360.smartermail.whmcs_facts through real ansible-playbook runs against a sandbox WHMCS host."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.ansible_runner import PlaybookRun, run_tasks
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


def run_facts(tmp_path: Path, root: Path, *extra_args: str, **args: Any) -> PlaybookRun:
    task = {
        "name": "Read the WHMCS host",
        "astral360.smartermail.whmcs_facts": {"whmcs_root": str(root), **args},
        "register": "facts",
    }
    return run_tasks(tmp_path, [task], register="facts", extra_args=list(extra_args))


def secrets_of(box: SandboxInfo) -> list[str]:
    return [box.hosts[0]["database"]["password"], box.hosts[0]["cc_encryption_hash"]]


def test_facts_match_the_sandbox(tmp_path: Path, box: SandboxInfo) -> None:
    root = box.root("whmcs1")
    run = run_facts(tmp_path, root, "-vvv")
    facts = run.results
    assert run.returncode == 0, run.output
    assert facts["changed"] is False
    assert facts["whmcs_version"] == box.state["whmcs_version"] == setting(box, "Version")
    major, minor, patch = (
        int(part) for part in re.match(r"(\d+)\.(\d+)\.(\d+)", facts["whmcs_version"]).groups()
    )
    assert facts["whmcs_version_info"]["major"] == major
    assert facts["whmcs_version_info"]["minor"] == minor
    assert facts["whmcs_version_info"]["patch"] == patch
    php = subprocess.run(
        ["php", "-r", "echo PHP_VERSION;"], capture_output=True, text=True, check=True
    ).stdout
    assert facts["php_version"] == php
    assert facts["php_version_info"] == [int(part) for part in php.split(".")[:3]]
    assert facts["root_checks"] == {"configuration_php": True, "init_php": True, "modules_servers": True}
    assert facts["looks_like_whmcs"] is True
    assert facts["crons_dir"] == str(root / "crons") and facts["cron_php_exists"] is True
    assert facts["db_reachable"] is True and facts["db_error"] is None
    assert facts["update_stats_auto"] == setting(box, "UpdateStatsAuto")
    assert facts["cron"]["daily_hour"] == int(setting(box, "DailyCronExecutionHour"))
    assert facts["ansible_facts"]["whmcs_facts"]["whmcs_version"] == facts["whmcs_version"]
    for secret in secrets_of(box):
        assert secret not in run.output


def test_cron_times_after_running_the_sandbox_cron(tmp_path: Path, box: SandboxInfo) -> None:
    cron_php = box.root("whmcs1") / "crons" / "cron.php"
    subprocess.run(
        ["php", "-q", str(cron_php), "all", "--force"], check=True, capture_output=True, timeout=60
    )
    facts = run_facts(tmp_path, box.root("whmcs1")).results
    cron = facts["cron"]
    assert cron["last_invocation"] == setting(box, "lastCronInvocationTime") is not None
    assert cron["last_invocation_source"] == "tblconfiguration"
    assert cron["last_daily_invocation"] == setting(box, "lastDailyCronInvocationTime") is not None
    assert cron["last_daily_end"] == setting(box, "lastDailyCronEndTime") is not None
    assert cron["time_zone"] == setting(box, "cronTimeZone")
    assert 0 <= cron["last_invocation_age_seconds"] < 600


def test_whmcs_7_transient_cron_time_is_read(tmp_path: Path, box: SandboxInfo) -> None:
    saved = query(box, "SELECT value FROM tblconfiguration WHERE setting = 'lastCronInvocationTime'")
    query(box, "DELETE FROM tblconfiguration WHERE setting = 'lastCronInvocationTime'")
    query(
        box,
        "INSERT INTO tbltransientdata (name, data, expires) VALUES ('lastCronInvocationTime', %s, %s)",
        '"2024-05-06 07:08:09"',
        2000000000,
    )
    try:
        cron = run_facts(tmp_path, box.root("whmcs1")).results["cron"]
    finally:
        query(box, "DELETE FROM tbltransientdata WHERE name = 'lastCronInvocationTime'")
        for row in saved:
            query(
                box,
                "INSERT INTO tblconfiguration (setting, value) VALUES ('lastCronInvocationTime', %s)",
                row["value"],
            )
    assert cron["last_invocation"] == "2024-05-06 07:08:09"
    assert cron["last_invocation_source"] == "tbltransientdata"


def test_smartermail_counts(tmp_path: Path, box: SandboxInfo) -> None:
    before = run_facts(tmp_path, box.root("whmcs1")).results["smartermail"]
    task = {
        "name": "Add a server",
        "astral360.smartermail.whmcs_server": {
            "whmcs_root": str(box.root("whmcs1")),
            "name": "facts-count",
            "hostname": "mail.example.com",
            "username": "admin",
            "password": "pw",
            "disabled": True,
        },
    }
    task["register"] = "added"
    assert run_tasks(tmp_path, [task], register="added").results["changed"] is True
    after = run_facts(tmp_path, box.root("whmcs1")).results["smartermail"]
    expected_products = query(box, "SELECT COUNT(*) AS n FROM tblproducts WHERE servertype = 'smartermail'")[
        0
    ]["n"]
    assert after["servers"] == before["servers"] + 1
    assert after["servers_enabled"] == before["servers_enabled"]
    assert after["products"] == expected_products


def test_custom_crons_dir_is_honoured(tmp_path: Path, box: SandboxInfo) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(box.root("whmcs1"), tree)
    moved = tmp_path / "elsewhere" / "crons"
    shutil.move(str(tree / "crons"), moved)
    with (tree / "configuration.php").open("a") as config:
        config.write(f"$crons_dir = '{moved}/';\n")
    facts = run_facts(tmp_path, tree).results
    assert facts["crons_dir"] == str(moved)
    assert facts["crons_dir_custom"] is True
    assert facts["cron_php"] == str(moved / "cron.php") and facts["cron_php_exists"] is True


def test_wrong_database_password_is_reported_not_raised(tmp_path: Path, box: SandboxInfo) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(box.root("whmcs1"), tree)
    config = tree / "configuration.php"
    real = box.hosts[0]["database"]["password"]
    config.write_text(config.read_text().replace(real, "Wrong-Db-Pass-123"))
    run = run_facts(tmp_path, tree, "-vvv")
    facts = run.results
    assert run.returncode == 0, run.output
    assert facts["db_reachable"] is False
    assert facts["db_error_kind"] == "access_denied"
    assert "configuration.php" in facts["db_error"]
    assert facts["whmcs_version"] is None
    for secret in ("Wrong-Db-Pass-123", real, box.hosts[0]["cc_encryption_hash"]):
        assert secret not in run.output


def test_missing_tree_and_php(tmp_path: Path) -> None:
    run = run_facts(tmp_path, tmp_path / "no-whmcs", php_binary="/nonexistent/php")
    facts = run.results
    assert run.returncode == 0, run.output
    assert facts["whmcs_root_exists"] is False and facts["looks_like_whmcs"] is False
    assert facts["root_checks"] == {"configuration_php": False, "init_php": False, "modules_servers": False}
    assert "/nonexistent/php" in facts["php_error"] and facts["php_version"] is None
    assert "configuration.php" in facts["config_error"]
    assert facts["db_reachable"] is False


def test_cron_schedule_verdicts(tmp_path: Path, box: SandboxInfo) -> None:
    good = run_facts(tmp_path, box.root("whmcs1"), cron_schedule="*/5 * * * *").results
    assert good["cron_schedule_problem"] is None and good["cron_schedule"]["runs_per_day"] == 288
    bad = run_facts(tmp_path, box.root("whmcs1"), cron_schedule="0 0 1 * *").results
    assert bad["cron_schedule"] is None
    assert "at least once a day" in bad["cron_schedule_problem"]
