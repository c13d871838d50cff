"""astral360.smartermail.whmcs_cron through real ansible-playbook runs against a throwaway user's crontab:
create, again unchanged, --check, update in place, a diff of its own lines only, control characters refused.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.ansible_runner import PlaybookRun, run_module
from fixtures.users import local_user

pytestmark = pytest.mark.slow

NAME = "WHMCS cron for /srv/100%/whmcs (astral360.smartermail)"
FOREIGN = "0 2 * * * /usr/local/bin/backup --password Module-Test-Secret-3301"


@pytest.fixture
def user() -> Iterator[str]:
    with local_user("smwcrm") as name:
        subprocess.run(["crontab", "-u", name, "-"], input=f"MAILTO=ops\n{FOREIGN}\n", text=True, check=True)
        yield name


def crontab(user: str) -> str:
    return subprocess.run(["crontab", "-l", "-u", user], capture_output=True, text=True, check=True).stdout


def run_cron(tmp_path: Path, user: str, minute: str, *extra_args: str, name: str = NAME) -> PlaybookRun:
    return run_module(
        tmp_path,
        "astral360.smartermail.whmcs_cron",
        {
            "name": name,
            "user": user,
            "schedule": [minute, "*", "*", "*", "*"],
            "command": ["/usr/bin/php", "-q", "/srv/100%/whmcs/crons/cron.php"],
        },
        register="cron",
        name="Put the WHMCS cron line",
        extra_args=["--diff", *extra_args],
    )


def test_create_again_check_and_update_touch_only_its_own_lines(tmp_path: Path, user: str) -> None:
    command = "/usr/bin/php -q /srv/100\\%/whmcs/crons/cron.php"  # the % escaped for cron
    line = f"*/5 * * * * {command}"
    check = run_cron(tmp_path, user, "*/5", "--check")
    assert check.returncode == 0 and check.results["changed"] is True, check.output
    assert crontab(user) == f"MAILTO=ops\n{FOREIGN}\n"

    created = run_cron(tmp_path, user, "*/5")
    assert created.results["changed"] is True and created.results["line"] == line, created.output
    assert created.results["previous_line"] is None
    assert crontab(user) == f"MAILTO=ops\n{FOREIGN}\n#Ansible: {NAME}\n{line}\n"

    again = run_cron(tmp_path, user, "*/5")
    assert again.results["changed"] is False, again.output

    updated = run_cron(tmp_path, user, "*/10")
    assert updated.results["changed"] is True and updated.results["previous_line"] == line
    assert crontab(user) == f"MAILTO=ops\n{FOREIGN}\n#Ansible: {NAME}\n*/10 * * * * {command}\n"
    assert updated.results["diff"]["before"] == f"#Ansible: {NAME}\n{line}\n"
    for run in (check, created, updated):  # the neighbours never show, not even as diff context
        assert "Module-Test-Secret-3301" not in run.output and "MAILTO" not in run.output


def test_a_control_character_is_refused_before_the_crontab_is_read(tmp_path: Path, user: str) -> None:
    run = run_cron(tmp_path, user, "*/5", name="WHMCS cron for /srv/x\n* * * * * touch pwned #")
    assert run.results["failed"] is True
    assert "contains a control character (newline)" in run.results["msg"]
    assert crontab(user) == f"MAILTO=ops\n{FOREIGN}\n"
