# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's cron and usage checks: the WHMCS cron runs, and the usage it imports is fresh and right.

cron: a crontab line runs this tree's crons/cron.php, read the way cron reads it (an unescaped
``%`` ends the command; the crontab of ``whmcs_cron_user``, else of
``whmcs_web_user`` when verify runs as root, else of the user running verify: the cron role puts
the line in whmcs_cron.user, which defaults to whmcs_web_user), its schedule suits WHMCS, the last
cron run is under 1 h old and the last daily run under 24 h, and UpdateStatsAuto is on.

usage: the active services of smartermail products on this server had their usage updated within
48 h, and the disk usage WHMCS holds matches SmarterMail's live figure (for the first few domains).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import getpass
import os
import subprocess
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing import active_services
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    smartermail_client,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    server_label,
    server_row,
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
USAGE_MAX_AGE = 48 * 3600
USAGE_COMPARE_LIMIT = 20  # live look-ups per run: enough to spot a broken import, cheap on big servers
USAGE_TOLERANCE_MB = 50
USAGE_TOLERANCE_RATIO = 0.10
BYTES_PER_MB = 1024 * 1024
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
            "UpdateStatsAuto is %r: WHMCS never imports the disk usage the module bills" % stats_auto
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


# ----- usage check --------------------------------------------------------------------------------


def _age(value: Any, now: datetime.datetime) -> Optional[int]:
    """Seconds since a tblhosting.lastupdate (a datetime; the zero date comes back as text): None = never."""
    if not isinstance(value, datetime.datetime):
        return None
    return int((now - value).total_seconds())


def _differs(whmcs_mb: float, live_mb: float) -> bool:
    """More than 50 MB apart, or more than 10 % apart beyond the 1 MB the import's rounding allows."""
    gap = abs(whmcs_mb - live_mb)
    return gap > USAGE_TOLERANCE_MB or (gap > 1 and gap > USAGE_TOLERANCE_RATIO * max(whmcs_mb, live_mb))


def _live_comparison(
    context: TargetContext, services: Sequence[Dict[str, Any]]
) -> Tuple[List[str], List[str], int]:
    """(mismatches, missing, compared) for the first USAGE_COMPARE_LIMIT services."""
    client = smartermail_client(context)
    mismatches: List[str] = []
    missing: List[str] = []
    compared = 0
    for service in services[:USAGE_COMPARE_LIMIT]:
        if context.cancelled.is_set():
            break
        domain = service["domain"]
        try:
            data = client.get_domain(domain)
        except SmarterMailError as error:
            raise CheckFailed(
                "reading domain %s from SmarterMail failed: %s" % (domain, error), getattr(error, "hint", "")
            ) from None
        if data is None:
            missing.append(domain)
            continue
        compared += 1
        live_mb = float(data.get("diskUsage") or 0) / BYTES_PER_MB
        whmcs_mb = int(service["diskusage"] or 0)
        if _differs(whmcs_mb, live_mb):
            mismatches.append("%s (WHMCS %d MB, SmarterMail %.0f MB)" % (domain, whmcs_mb, live_mb))
    return mismatches, missing, compared


def check_usage(context: TargetContext) -> Outcome:
    row = server_row(context)
    label = server_label(row)
    with whmcs_db(context) as connection:
        services = active_services(connection, setting(context, "whmcs_product_name"), int(row["id"]))
    if not services:
        return Outcome.passed("no active services yet on WHMCS server %s" % label, services=0)
    now = datetime.datetime.now()
    ages = [(service, _age(service["lastupdate"], now)) for service in services]
    stale = [(s, a) for s, a in ages if a is None or a > USAGE_MAX_AGE]
    details = {"services": len(services), "stale": len(stale)}
    if stale:
        shown = ", ".join(
            "%s (%s)" % (s["domain"], "never updated" if a is None else "%s ago" % _duration(a))
            for s, a in stale[:3]
        )
        more = " and %d more" % (len(stale) - 3) if len(stale) > 3 else ""
        raise CheckFailed(
            "%d of %d active service(s) on WHMCS server %s have usage older than 48 h: %s%s"
            % (len(stale), len(services), label, shown, more),
            "the daily usage import (UpdateServerUsage) did not update them: see the cron check, that "
            "UpdateStatsAuto is on, tblactivitylog for 'Server Usage Update Failed', and that each domain "
            "exists in SmarterMail under the same name",
            **details,
        )
    mismatches, missing, compared = _live_comparison(context, services)
    oldest = max(a for _service, a in ages if a is not None)  # none is None: those are stale
    summary = "%d active service(s) on WHMCS server %s, usage updated within 48 h (oldest %s ago)" % (
        len(services),
        label,
        _duration(max(oldest, 0)),
    )
    details.update(compared=compared, mismatched=len(mismatches), missing=len(missing))
    if missing or mismatches:
        problems = []
        if missing:
            problems.append("not on SmarterMail: %s" % ", ".join(missing[:3]))
        if mismatches:
            problems.append("disk usage differs: %s" % ", ".join(mismatches[:3]))
        return Outcome.warning(
            "%s; %s" % (summary, "; ".join(problems)),
            "usage changes during the day and is imported once a day; a large or lasting difference means "
            "the import fails for those domains (tblactivitylog) or the service's domain name differs",
            **details,
        )
    return Outcome.passed(
        "%s; disk usage matches SmarterMail for %d domain(s)" % (summary, compared), **details
    )
