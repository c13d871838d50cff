"""The cron check's pure parts: crontab lines that run this tree's cron, cron times, the crontab user."""

from __future__ import annotations

import os
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import target_settings
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_cron_checks import (
    _broken_line_finding,
    _run_findings,
    crontab_user,
    find_cron_lines,
)

CRON_PHP = "/var/www/whmcs/crons/cron.php"


@pytest.mark.parametrize(
    ("crontab", "found"),
    [
        (f"*/5 * * * * php -q {CRON_PHP}\n", [("*/5 * * * *", f"php -q {CRON_PHP}")]),
        (
            f"#Ansible: WHMCS cron\n*/5 * * * * '/usr/bin/php' -q '{CRON_PHP}'\n",
            [("*/5 * * * *", f"'/usr/bin/php' -q '{CRON_PHP}'")],
        ),
        (f"@hourly php -q {CRON_PHP} all\n", [("@hourly", f"php -q {CRON_PHP} all")]),
        (f"# */5 * * * * php -q {CRON_PHP}\nMAILTO=root\n", []),
        ("*/5 * * * * php -q /var/www/other/crons/cron.php\n", []),
        ("*/5 * * * * php -q /srv/100\\%/crons/cron.php\n", []),
        ("", []),
    ],
)
def test_crontab_lines_that_run_this_trees_cron_are_found(crontab: str, found: list[tuple[str, str]]) -> None:
    running, broken = find_cron_lines(crontab, CRON_PHP)
    assert [(entry.schedule, entry.command) for entry in running] == found
    assert broken == []


def test_an_escaped_percent_in_the_path_runs_that_path() -> None:
    running, _broken = find_cron_lines(
        "*/5 * * * * php -q /srv/100\\%/crons/cron.php\n", "/srv/100%/crons/cron.php"
    )
    assert [entry.words() for entry in running] == [["php", "-q", "/srv/100%/crons/cron.php"]]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        # cron runs "php -q /srv/100" and feeds "/crons/cron.php" to it: the line runs nothing of WHMCS.
        ("*/5 * * * * php -q /srv/100%/crons/cron.php", "unescaped %"),
        ("*/5 * * * * php -q '/srv/100%/crons/cron.php'", "unescaped %"),
        ("*/5 * * * * php -q '/srv/x/crons/cron.php", "cannot parse"),
    ],
)
def test_a_line_that_names_cron_php_but_does_not_run_it_fails(line: str, says: str) -> None:
    cron_php = line.split()[-1].strip("'")
    running, broken = find_cron_lines(line + "\n", cron_php)
    assert running == [] and len(broken) == 1
    failure, hint = _broken_line_finding("www-data", cron_php, broken[0])
    assert failure.startswith("line 1 of the crontab of www-data names " + cron_php) and says in failure
    assert hint


def cron_times(**values: Any) -> dict[str, Any]:
    times = {
        "last_invocation": "2026-11-24 07:00:00",
        "last_invocation_age_seconds": 120,
        "last_daily_invocation": "2026-11-24 06:00:00",
        "last_daily_invocation_age_seconds": 3600,
        "last_daily_end": "2026-11-24 06:01:00",
        "daily_hour": 9,
    }
    times.update(values)
    return times


def test_fresh_cron_times_have_no_findings() -> None:
    assert _run_findings(cron_times()) == ([], [], [])


def test_a_cron_that_never_ran_fails_with_the_next_step() -> None:
    failures, _warnings, hints = _run_findings(
        cron_times(last_invocation=None, last_invocation_age_seconds=None)
    )
    assert failures == ["the WHMCS cron has never run (no lastCronInvocationTime)"]
    assert hints == ["add the cron line (install playbook cron role) and wait 5 minutes"]


def test_an_old_run_and_an_old_daily_run_fail() -> None:
    failures, _warnings, _hints = _run_findings(
        cron_times(last_invocation_age_seconds=7200, last_daily_invocation_age_seconds=3 * 86400)
    )
    assert failures[0].startswith("the WHMCS cron last ran 2.0 h ago")
    assert failures[1].startswith("the WHMCS daily cron last ran 3 days ago")


def test_a_daily_run_not_reached_yet_only_warns() -> None:
    failures, warnings, _hints = _run_findings(
        cron_times(last_daily_invocation=None, last_daily_invocation_age_seconds=None, last_daily_end=None)
    )
    assert failures == [] and "has not run yet" in warnings[0] and "09:00" in warnings[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root reads another user's crontab")
def test_the_cron_user_comes_before_the_web_user() -> None:
    settings = target_settings("mail.example.com", "admin", "pw", whmcs_web_user="www-data")
    assert crontab_user(TargetContext("t", settings)) == ("www-data", True)
    settings = target_settings(
        "mail.example.com", "admin", "pw", whmcs_web_user="www-data", whmcs_cron_user="whmcs-cron"
    )
    assert crontab_user(TargetContext("t", settings)) == ("whmcs-cron", True)
