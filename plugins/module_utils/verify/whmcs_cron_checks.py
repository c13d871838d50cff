# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's cron check: the WHMCS cron runs.

cron: a crontab line runs this tree's crons/cron.php, read the way cron reads it (an unescaped
``%`` ends the command; the crontab of ``whmcs_cron_user``, else of
``whmcs_web_user`` when verify runs as root, else of the user running verify: the cron role puts
the line in whmcs_cron.user, which defaults to whmcs_web_user), its schedule suits WHMCS, the last
cron run is under 1 h old and the last daily run under 24 h, and UpdateStatsAuto is on.

The usage check (the metric the invoices bill) is in whmcs_usage_checks.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import getpass
import os
import subprocess
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    setting,
    whmcs_config,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import crons_path
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.cron import (
    CronScheduleError,
    parse_schedule,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.crontab import (
    CrontabEntry,
    cron_command,
    parse_crontab,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import get_setting
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.facts import cron_facts

CRON_MAX_AGE = 3600
DAILY_MAX_AGE = 24 * 3600
DAILY_END_GRACE = 2 * 3600  # WHMCS's own status page allows a daily run 2 h to finish
CRONTAB_TIMEOUT = 15
_NEVER_HINT = "add the cron line (install playbook cron role) and wait 5 minutes"


def _duration(seconds: float) -> str:
    if seconds < 2 * 3600:
        return "%d min" % (seconds // 60)
    if seconds < 3 * 86400:
        return "%.1f h" % (seconds / 3600.0)
    return "%d days" % (seconds // 86400)


# ----- crontab ------------------------------------------------------------------------------------


def crontab_user(context: TargetContext) -> Tuple[str, bool]:
    """(user whose crontab should hold the WHMCS line, whether reading it needs ``-u``)."""
    current = getpass.getuser()
    user = setting(context, "whmcs_cron_user") or setting(context, "whmcs_web_user")
    if not user or user == current:
        return current, False
    if os.geteuid() == 0:
        return user, True
    return current, False  # only root reads another user's crontab: check ours


def read_crontab(user: str, other_user: bool) -> str:
    """The crontab text ('' when the user has none); CheckFailed when it cannot be read."""
    command = ["crontab", "-l"] + (["-u", user] if other_user else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CRONTAB_TIMEOUT, check=False)
    except FileNotFoundError:
        raise CheckFailed(
            "the crontab command is not installed on this host, so no WHMCS cron can run here",
            "install cron (Debian: apt install cron) and add the WHMCS cron line (install playbook cron role)",
        ) from None
    except subprocess.TimeoutExpired:
        raise CheckFailed(
            "crontab -l did not answer within %d s" % CRONTAB_TIMEOUT, "check the cron daemon"
        ) from None
    if done.returncode == 0:
        return done.stdout
    if "no crontab" in done.stderr.lower():
        return ""
    raise CheckFailed(
        "cannot read the crontab of %s: %s" % (user, done.stderr.strip() or "exit %d" % done.returncode),
        "run verify as root, or as the cron user (whmcs_cron.user, --cron-user)",
    )


def _same_file(word: str, cron_php: str) -> bool:
    if not word.endswith("cron.php"):
        return False
    return os.path.realpath(word) == os.path.realpath(cron_php)


def find_cron_lines(crontab: str, cron_php: str) -> Tuple[List[CrontabEntry], List[CrontabEntry]]:
    """(job lines that run ``cron_php``, job lines that name it but do not run it).

    Each line is read the way cron reads it (``parse_crontab``): a line whose command cron cuts at
    an unescaped ``%``, or that /bin/sh cannot parse, names cron.php without running it.
    """
    running: List[CrontabEntry] = []
    broken: List[CrontabEntry] = []
    for entry in parse_crontab(crontab):
        words = entry.words() or []
        if any(_same_file(word, cron_php) for word in words):
            running.append(entry)
        elif cron_php in entry.text:
            broken.append(entry)
    return running, broken


def _broken_line_finding(user: str, cron_php: str, entry: CrontabEntry) -> Tuple[str, str]:
    if entry.stdin is not None:
        return (
            "line %d of the crontab of %s names %s but cron ends its command at an unescaped %%, so it "
            "runs '%s'" % (entry.line_number, user, cron_php, entry.command.strip()),
            "escape each %% in the cron line as \\%% (re-run the install playbook's cron role, which does)",
        )
    return (
        "line %d of the crontab of %s names %s but /bin/sh cannot parse its command (unbalanced quotes)"
        % (entry.line_number, user, cron_php),
        "fix the line's quoting, or re-run the install playbook's cron role",
    )


def _crontab_findings(
    context: TargetContext, cron_php: str, daily_hour: Optional[int]
) -> Tuple[List[str], List[str], List[str], str]:
    """(failures, warnings, hints, text about the crontab line)."""
    user, other = crontab_user(context)
    running, broken = find_cron_lines(read_crontab(user, other), cron_php)
    if not running:
        if broken:
            failure, hint = _broken_line_finding(user, cron_php, broken[0])
            return [failure], [], [hint], ""
        command = cron_command(setting(context, "php_binary", "php"), "-q", cron_php)
        return (
            ["no crontab line of user %s runs %s" % (user, cron_php)],
            [],
            ["add the cron line (install playbook cron role), e.g. '*/5 * * * * %s'" % command],
            "",
        )
    schedule = running[0].schedule
    try:
        parsed = parse_schedule(schedule, daily_hour)
    except CronScheduleError as error:
        return [str(error)], [], ["fix the schedule (the cron role's whmcs_cron.schedule)"], ""
    return [], list(parsed.warnings), [], "crontab of %s runs it '%s'" % (user, schedule)


# ----- cron check ---------------------------------------------------------------------------------


def _run_findings(cron: Dict[str, Any]) -> Tuple[List[str], List[str], List[str]]:
    """(failures, warnings, hints) from the cron times WHMCS recorded."""
    failures: List[str] = []
    warnings: List[str] = []
    hints: List[str] = []
    age = cron["last_invocation_age_seconds"]
    if not cron["last_invocation"]:
        return ["the WHMCS cron has never run (no lastCronInvocationTime)"], [], [_NEVER_HINT]
    if age is None:
        warnings.append("lastCronInvocationTime %r is not a date" % cron["last_invocation"])
    elif age < -300:
        warnings.append(
            "the last cron run %s is in the future: WHMCS's PHP time zone and this host's differ"
            % cron["last_invocation"]
        )
    elif age > CRON_MAX_AGE:
        failures.append("the WHMCS cron last ran %s ago (%s)" % (_duration(age), cron["last_invocation"]))
        hints.append("the cron line is missing, commented out or failing: run it by hand and read its output")
    daily_age = cron["last_daily_invocation_age_seconds"]
    hour = cron["daily_hour"]
    hour_text = "%02d:00" % hour if hour is not None else "DailyCronExecutionHour"
    if not cron["last_daily_invocation"]:
        # The cron runs (checked above) and its schedule covers the daily hour (the crontab part):
        # a new installation simply has not reached that hour yet.
        warnings.append(
            "the WHMCS daily cron has not run yet (no lastDailyCronInvocationTime): daily tasks, the usage "
            "import among them, start on the first cron run after %s" % hour_text
        )
    elif daily_age is not None and daily_age > DAILY_MAX_AGE:
        failures.append(
            "the WHMCS daily cron last ran %s ago (%s)"
            % (_duration(daily_age), cron["last_daily_invocation"])
        )
        hints.append("the cron must run in the %s hour every day for the daily tasks to start" % hour_text)
    elif daily_age is not None and daily_age > DAILY_END_GRACE and not cron["last_daily_end"]:
        warnings.append("the daily run of %s has not recorded its end" % cron["last_daily_invocation"])
    return failures, warnings, hints


def check_cron(context: TargetContext) -> Outcome:
    config = whmcs_config(context)
    cron_php = os.path.join(crons_path(config, setting(context, "whmcs_root")), "cron.php")
    with whmcs_db(context) as connection:
        cron = cron_facts(connection, datetime.datetime.now())
        stats_auto = get_setting(connection, "UpdateStatsAuto")
    failures, warnings, hints = _run_findings(cron)
    crontab_failures, crontab_warnings, crontab_hints, crontab_text = _crontab_findings(
        context, cron_php, cron["daily_hour"]
    )
    failures = crontab_failures + failures
    hints = crontab_hints + hints
    warnings = crontab_warnings + warnings
    if (stats_auto or "").strip().lower() not in ("on", "1", "true", "yes"):
        failures.append(
            "UpdateStatsAuto is %r: WHMCS never runs the daily usage update (the module's UsageUpdate, "
            "tblhosting.diskusage; invoices bill the disk_gb metric, see the usage check)" % stats_auto
        )
        hints.append("turn on Automation Settings > Update Usage Statistics, or re-run the cron role")
    details = {
        "cron_php": cron_php,
        "last_invocation": cron["last_invocation"],
        "last_daily_invocation": cron["last_daily_invocation"],
        "update_stats_auto": stats_auto,
    }
    if failures:
        raise CheckFailed("; ".join(failures), "; ".join(hints), **details)
    daily_age = cron["last_daily_invocation_age_seconds"]
    summary = "%s; last run %s ago, last daily run %s; UpdateStatsAuto on" % (
        crontab_text,
        _duration(max(cron["last_invocation_age_seconds"] or 0, 0)),
        "%s ago" % _duration(max(daily_age, 0)) if daily_age is not None else "not yet",
    )
    if warnings:
        return Outcome.warning(
            summary + "; " + "; ".join(warnings),
            "nothing to fix if this WHMCS was just installed; otherwise check the cron schedule and the time "
            "zone of WHMCS's PHP",
            **details,
        )
    return Outcome.passed(summary, **details)
