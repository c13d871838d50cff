"""The WHMCS cron schedule rules (never less than daily, must hit DailyCronExecutionHour)."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.cron import (
    CronScheduleError,
    expand_field,
    parse_schedule,
)


def test_default_schedule_runs_288_times_a_day_without_warning() -> None:
    parsed = parse_schedule("*/5 * * * *", daily_hour=9)
    assert (parsed.minute, parsed.hour, parsed.day, parsed.month, parsed.weekday) == (
        "*/5",
        "*",
        "*",
        "*",
        "*",
    )
    assert parsed.runs_per_day == 288
    assert parsed.hours == list(range(24))
    assert parsed.warnings == []


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ("0 0 1 * *", "day-of-month"),
        ("*/5 * * 1-6 *", "month"),
        ("*/5 * * * 1-5", "weekday"),
        ("0 9 * * mon", "weekday"),
        ("0 9 */2 * *", "day-of-month"),
    ],
)
def test_schedules_that_skip_days_are_refused(schedule: str, field: str) -> None:
    with pytest.raises(CronScheduleError) as caught:
        parse_schedule(schedule)
    message = str(caught.value)
    assert repr(schedule) in message and field in message
    assert "at least once a day" in message


@pytest.mark.parametrize("schedule", ["@weekly", "@monthly", "@yearly", "@reboot"])
def test_shorthands_below_daily_are_refused(schedule: str) -> None:
    with pytest.raises(CronScheduleError, match="at least daily"):
        parse_schedule(schedule)


@pytest.mark.parametrize("schedule", ["60 * * * *", "* * * *", "*/0 * * * *", "0 24 * * *", "x * * * *"])
def test_malformed_schedules_are_refused(schedule: str) -> None:
    with pytest.raises(CronScheduleError):
        parse_schedule(schedule)


def test_full_ranges_written_out_count_as_every_day() -> None:
    parsed = parse_schedule("0 * 1-31 jan-dec 0-7", daily_hour=9)
    assert parsed.runs_per_day == 24


def test_daily_schedule_outside_the_daily_hour_is_refused() -> None:
    with pytest.raises(CronScheduleError, match="hour 09"):
        parse_schedule("0 3 * * *", daily_hour=9)
    parsed = parse_schedule("15 9 * * *", daily_hour=9)
    assert parsed.runs_per_day == 1
    assert parsed.warnings and "every hour" in parsed.warnings[0]


def test_hourly_and_daily_shorthands() -> None:
    assert parse_schedule("@hourly", daily_hour=9).runs_per_day == 24
    assert parse_schedule("@daily", daily_hour=0).hour == "0"
    with pytest.raises(CronScheduleError):
        parse_schedule("@daily", daily_hour=9)


def test_field_expansion() -> None:
    assert expand_field("0,30", 0, "s") == {0, 30}
    assert expand_field("10-20/5", 0, "s") == {10, 15, 20}
    assert expand_field("5/20", 0, "s") == {5, 25, 45}
    assert expand_field("sun,7", 4, "s") == {0}
