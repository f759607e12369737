"""When cron runs an entry: its start times and whether two entries run at the same times,
through croniter on the parsed sets, never on crontab text (why: :mod:`.crontab`, "Differences
from croniter")."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta

from croniter import CroniterBadDateError, croniter

from .cronrecords import CronEntry

__all__ = [
    "SPAN",
    "croniter_arguments",
    "fire_days",
    "fire_times",
    "same_schedule",
    "schedule_difference",
]


def _field_expression(values: frozenset[int], low: int, high: int) -> str:
    if values == frozenset(range(low, high + 1)):
        return "*"
    return ",".join(str(v) for v in sorted(values))


def croniter_arguments(entry: CronEntry) -> tuple[str, bool]:
    """The normalised expression and ``day_or`` that make croniter follow cron for ``entry``."""
    minutes = _field_expression(entry.minutes, 0, 59)
    hours = _field_expression(entry.hours, 0, 23)
    months = _field_expression(entry.months, 1, 12)
    days = _field_expression(entry.days, 1, 31)
    weekdays = _field_expression(frozenset(d % 7 for d in entry.weekdays), 0, 6)
    if entry.dom_star or entry.dow_star:
        day_or = False  # cron: both day fields must match
    else:
        day_or = True  # cron: either day field matches; a full field makes every day match
        if days == "*" or weekdays == "*":
            days = weekdays = "*"
    return f"{minutes} {hours} {days} {months} {weekdays}", day_or


def fire_times(entry: CronEntry, start: datetime, end: datetime) -> list[datetime]:
    """The times in ``[start, end)`` at which cron starts ``entry`` (croniter on the parsed
    sets). Naive datetimes are the blade's wall clock; ``@reboot`` and never-firing schedules
    give ``[]``. Cost grows with the number of runs (an every-minute entry over a week is 10080)."""
    if entry.reboot or end <= start:
        return []
    if not all((entry.minutes, entry.hours, entry.days, entry.months, entry.weekdays)):
        return []
    expression, day_or = croniter_arguments(entry)
    years = max(1, math.ceil((end - start).days / 365) + 1)
    iterator = croniter(
        expression,
        start - timedelta(minutes=1),
        day_or=day_or,
        max_years_between_matches=years,
    )
    times: list[datetime] = []
    while True:
        try:
            when = iterator.get_next(datetime)
        except CroniterBadDateError:
            break
        if when >= end:
            break
        if when >= start:
            times.append(when)
    return times


SPAN = 4 * 365 + 1
"""days over which schedules are compared: four years from the start hold a 29 February, so
a schedule of days that come round once a year (``1-28``, ``* 1-2``, ``29 2``) shows."""


def schedule_difference(
    a: CronEntry, b: CronEntry, start: datetime, days: int = SPAN
) -> str | None:
    """Why ``a`` and ``b`` do not start at the same times over ``days`` days from ``start``
    (four years by default), or None when they do. An entry's start times are its days times
    its hours and minutes (cron's fields are independent), so the days are compared at one step
    a day and the times of a day as sets. Two ``@reboot`` entries agree; an ``@reboot`` never
    agrees with a timed entry; two schedules that never fire agree."""
    if a.reboot or b.reboot:
        if a.reboot and b.reboot:
            return None
        return f"{(a if a.reboot else b).schedule} runs at boot only, {(b if a.reboot else a).schedule} on a schedule"
    days_a, days_b = fire_days(a, start, days), fire_days(b, start, days)
    if days_a != days_b:
        only_a, only_b = sorted(days_a - days_b), sorted(days_b - days_a)
        shown = [
            f"{len(only)} day(s) only for {entry.schedule} (first {only[0]:%Y-%m-%d})"
            for only, entry in ((only_a, a), (only_b, b))
            if only
        ]
        return f"over {days} days from {start:%Y-%m-%d}: " + "; ".join(shown)
    if days_a and (a.hours, a.minutes) != (b.hours, b.minutes):
        return "the same days, other times of the day"
    return None


def same_schedule(a: CronEntry, b: CronEntry, start: datetime, days: int = SPAN) -> bool:
    """Whether ``a`` and ``b`` start at the same times over ``days`` days from ``start`` (four
    years by default); :func:`schedule_difference` says how they differ."""
    return schedule_difference(a, b, start, days) is None


def fire_days(entry: CronEntry, start: datetime, days: int = 366) -> set[date]:
    """The days in ``[start, start + days)`` on which cron starts ``entry`` at least once: its day
    and month fields over a year, at one step a day whatever its minutes."""
    if entry.reboot or not entry.minutes or not entry.hours:
        return set()
    daily = replace(entry, minutes=frozenset({0}), hours=frozenset({0}))
    first = datetime.combine(start.date(), datetime.min.time())
    return {when.date() for when in fire_times(daily, first, first + timedelta(days=days))}
