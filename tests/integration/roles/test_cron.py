"""The `cron` role through real ansible-playbook runs with the sandbox inventory and the real crontab.

Every crontab line these tests add runs a cron.php inside the sandbox's hosts/ folder, which
`sandbox down` removes; the tests also remove their own lines at the end.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixtures.install import play_role
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query, setting

pytestmark = pytest.mark.slow


def crontab_user(box: SandboxInfo) -> str:
    return yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]["whmcs_cron"]["user"]


def crontab_lines(box: SandboxInfo) -> list[str]:
    """This sandbox's lines (and their #Ansible markers) in the cron user's crontab."""
    done = subprocess.run(
        ["crontab", "-l", "-u", crontab_user(box)], capture_output=True, text=True, check=False
    )
    return [line for line in done.stdout.splitlines() if str(box.directory) in line]


def remove_our_lines(box: SandboxInfo) -> None:
    user = crontab_user(box)
    done = subprocess.run(["crontab", "-l", "-u", user], capture_output=True, text=True, check=False)
    kept = [line for line in done.stdout.splitlines() if str(box.directory) not in line]
    subprocess.run(["crontab", "-u", user, "-"], input="\n".join(kept) + "\n", text=True, check=True)


@pytest.fixture
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        try:
            yield info
        finally:
            remove_our_lines(info)


def run_role(
    tmp_path: Path, box: SandboxInfo, *args: str, extra_vars: dict[str, Any] | None = None
) -> tuple[int, str, dict[str, int]]:
    run = play_role(box, "astral360.smartermail.cron", *args, extra_vars=extra_vars, tmp_path=tmp_path)
    return run.returncode, run.output, run.recap.get("whmcs1", {})


def expected_line(box: SandboxInfo, cron_php: Path) -> str:
    php = yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]["whmcs_cron"]["php"]
    return f"*/5 * * * * {php} -q {cron_php}"


def test_check_converge_again_and_check_again(tmp_path: Path, box: SandboxInfo) -> None:
    root = box.root("whmcs1")
    query(box, "UPDATE tblconfiguration SET value = '' WHERE setting = 'UpdateStatsAuto'")

    rc, output, recap = run_role(tmp_path, box, "--check", "--diff")
    assert rc == 0, output
    assert recap["changed"] == 2  # UpdateStatsAuto and the crontab line
    assert crontab_lines(box) == []
    assert setting(box, "UpdateStatsAuto") == ""

    rc, output, recap = run_role(tmp_path, box)
    assert (rc, recap["changed"]) == (0, 2), output
    assert crontab_lines(box) == [
        f"#Ansible: WHMCS cron for {root} (astral360.smartermail)",
        expected_line(box, root / "crons" / "cron.php"),
    ]
    assert setting(box, "UpdateStatsAuto") == "on"

    rc, output, recap = run_role(tmp_path, box)
    assert (rc, recap["changed"]) == (0, 0), output
    rc, output, recap = run_role(tmp_path, box, "--check")
    assert (rc, recap["changed"]) == (0, 0), output
    assert len(crontab_lines(box)) == 2


def test_usage_update_now_runs_the_cron_once(tmp_path: Path, box: SandboxInfo) -> None:
    # The sandbox ran its cron once at `up`; mark the last run so a new run shows.
    query(
        box,
        "UPDATE tblconfiguration SET value = %s WHERE setting = %s",
        "2001-01-01 00:00:00",
        "lastCronInvocationTime",
    )
    flag = {"smartermail_run_usage_update_now": True}
    rc, output, _ = run_role(tmp_path, box, "--check", extra_vars=flag)
    assert rc == 0, output
    assert setting(box, "lastCronInvocationTime") == "2001-01-01 00:00:00"  # never run in check mode

    rc, output, _ = run_role(tmp_path, box, extra_vars=flag)
    assert rc == 0, output
    assert re.search(r"Run the WHMCS usage update now.*\n\s*changed: \[whmcs1\]", output), output
    assert setting(box, "lastCronInvocationTime") > "2001-01-01 00:00:00"
    status = query(
        box,
        "SELECT s.last_run FROM tbltask_status s JOIN tbltask t ON t.id = s.task_id "
        "WHERE t.class_name LIKE %s",
        "%UpdateServerUsage",
    )
    assert status and status[0]["last_run"] is not None


@pytest.mark.parametrize(
    ("schedule", "says"),
    [("0 0 1 * *", "at least once a day"), ("*/5 * * * 1-5", "weekday"), ("0 3 * * *", "hour 09")],
)
def test_schedule_below_daily_is_refused_before_any_change(
    tmp_path: Path, box: SandboxInfo, schedule: str, says: str
) -> None:
    query(box, "UPDATE tblconfiguration SET value = '' WHERE setting = 'UpdateStatsAuto'")
    rc, output, recap = run_role(tmp_path, box, extra_vars={"whmcs_cron": {"schedule": schedule}})
    assert rc != 0 and recap["failed"] == 1
    assert "whmcs_cron.schedule" in output and says in output
    assert crontab_lines(box) == []
    assert setting(box, "UpdateStatsAuto") == ""


def test_custom_crons_dir_is_used(tmp_path: Path, box: SandboxInfo) -> None:
    root = box.root("whmcs1")
    moved = root / "private" / "crons"
    moved.parent.mkdir()
    shutil.move(str(root / "crons"), moved)
    (moved / "config.php").write_text(f"<?php\n$whmcspath = '{root}/';\n")
    with (root / "configuration.php").open("a") as config:
        config.write(f"$crons_dir = '{moved}/';\n")
    rc, output, _ = run_role(tmp_path, box, extra_vars={"smartermail_run_usage_update_now": True})
    assert rc == 0, output
    assert expected_line(box, moved / "cron.php") in crontab_lines(box)
    assert setting(box, "lastCronInvocationTime") is not None
