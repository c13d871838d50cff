# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WHMCS cron line's schedule rules (the line itself, as cron reads it: crontab.py).

WHMCS wants its cron every 5 minutes (at least hourly), and runs its daily tasks, among them
UpdateServerUsage (the SmarterMail usage import), on the first cron run inside the hour set as
``DailyCronExecutionHour``. So a schedule is refused when it does not run on every day (a
day-of-month, month or weekday restriction) or never runs in that hour; one that runs less than
hourly only earns a warning.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

DEFAULT_SCHEDULE = "*/5 * * * *"
# (name, lowest, highest) of the five cron fields.
_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day-of-month", 1, 31), ("month", 1, 12), ("weekday", 0, 7))
_MONTH_NAMES = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAY_NAMES = {name: number for number, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# Shorthands that run at least daily; @weekly, @monthly, @yearly and @reboot are refused.
_SHORTHANDS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *"}


class CronScheduleError(ValueError):
    """A schedule WHMCS cannot work with; the message says why and what to use."""


@dataclass
class CronSchedule:
    minute: str
    hour: str
    day: str
    month: str
    weekday: str
    hours: List[int] = field(default_factory=list)
    runs_per_day: int = 0
    warnings: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, object]:
        return {
            "minute": self.minute,
            "hour": self.hour,
            "day": self.day,
            "month": self.month,
            "weekday": self.weekday,
            "hours": self.hours,
            "runs_per_day": self.runs_per_day,
            "warnings": self.warnings,
        }


def _value(text: str, names: Dict[str, int], label: str, schedule: str) -> int:
    key = text.strip().lower()
    if key in names:
        return names[key]
    if not key.isdigit():
        raise CronScheduleError("schedule %r: %r in the %s field is not a number" % (schedule, text, label))
    return int(key)


def expand_field(text: str, index: int, schedule: str) -> Set[int]:
    """The values one cron field matches ('*/5', '1-5', 'mon-fri', '0,30', ...)."""
    label, lowest, highest = _FIELDS[index]
    names = _MONTH_NAMES if index == 3 else _DAY_NAMES if index == 4 else {}
    values: Set[int] = set()
    for part in text.split(","):
        body, _slash, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) < 1:
                raise CronScheduleError(
                    "schedule %r: step %r in the %s field is not a positive number"
                    % (schedule, step_text, label)
                )
            step = int(step_text)
        if body == "*":
            start, end = lowest, highest
        elif "-" in body:
            first, _dash, last = body.partition("-")
            start, end = _value(first, names, label, schedule), _value(last, names, label, schedule)
        else:
            start = _value(body, names, label, schedule)
            end = highest if step_text else start
        if not lowest <= start <= highest or not lowest <= end <= highest or start > end:
            raise CronScheduleError(
                "schedule %r: %r is outside the %s field's range %d-%d"
                % (schedule, part, label, lowest, highest)
            )
        values.update(range(start, end + 1, step))
    if index == 4 and 7 in values:  # Sunday is 0 or 7
        values.discard(7)
        values.add(0)
    return values


def parse_schedule(schedule: str, daily_hour: Optional[int] = None) -> CronSchedule:
    """Check ``schedule`` (5 fields, or @hourly/@daily) against WHMCS's needs; CronScheduleError if unfit.

    ``daily_hour`` is WHMCS's DailyCronExecutionHour (0-23), when known.
    """
    text = (schedule or "").strip()
    if text.startswith("@"):
        if text.lower() not in _SHORTHANDS:
            raise CronScheduleError(
                "schedule %r runs less often than once a day or not on a clock; the WHMCS cron must run at "
                "least daily (every 5 minutes is recommended): use '*/5 * * * *'" % schedule
            )
        text = _SHORTHANDS[text.lower()]
    parts = text.split()
    if len(parts) != 5:
        raise CronScheduleError(
            "schedule %r must have five fields (minute hour day-of-month month weekday), e.g. '*/5 * * * *'"
            % schedule
        )
    expanded = [expand_field(part, index, schedule) for index, part in enumerate(parts)]
    for index, full in ((2, set(range(1, 32))), (3, set(range(1, 13))), (4, set(range(7)))):
        if expanded[index] != full:
            raise CronScheduleError(
                "schedule %r does not run every day (%s field %r): the WHMCS cron must run at least once a "
                "day, so leave day-of-month, month and weekday as '*' (every 5 minutes is recommended: "
                "'*/5 * * * *')" % (schedule, _FIELDS[index][0], parts[index])
            )
    hours = sorted(expanded[1])
    if daily_hour is not None and daily_hour not in expanded[1]:
        raise CronScheduleError(
            "schedule %r never runs in hour %02d, the hour WHMCS runs its daily tasks (DailyCronExecutionHour, "
            "Automation Settings > Time of Day), so UpdateServerUsage would never run: include that hour or "
            "use '*/5 * * * *'" % (schedule, daily_hour)
        )
    minute, hour, day, month, weekday = parts
    result = CronSchedule(
        minute, hour, day, month, weekday, hours=hours, runs_per_day=len(expanded[0]) * len(hours)
    )
    if len(hours) < 24:
        result.warnings.append(
            "schedule %r does not run every hour; WHMCS asks for its cron at least hourly (every 5 minutes "
            "is recommended)" % schedule
        )
    return result
