"""Evidence, after the fact, that ``autoDaily -D`` made the commissioning date's ABs on the muc
(plan II.4): the times the muc's ABs of that date were last written. Pure: paths and
modification times (nanoseconds since the epoch) in, reasons out."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

__all__ = ["RUN_SPAN", "made_problems"]

RUN_SPAN = dt.timedelta(hours=12)
"""Convention: one ``autoDaily -D`` run makes all of a date's ABs within this span. An AB of the
commissioning date older than the newest by more than this was on the muc before the run."""


def night_began(date: dt.date) -> int:
    """The earliest an AB of the night ``date`` can be made, in ns: that day's 00:00 UTC. Its
    data are taken from the evening of ``date`` (Chile, UTC-3/-4), so this leaves a day's
    margin for any clock zone."""
    return calendar.timegm(date.timetuple()) * 1_000_000_000


def _shown(ns: int) -> str:
    return f"{dt.datetime.fromtimestamp(ns / 1e9, dt.UTC):%Y-%m-%d %H:%M} UTC"


def made_problems(made: Mapping[str, int], date: dt.date) -> list[str]:
    """ABs of ``date`` that ``autoDaily -D`` on the muc cannot have made: one written before
    the night began (a copy kept with its old time: ``cp -p``, ``rsync -t``, ``touch -d``),
    and one older than the date's newest AB by more than :data:`RUN_SPAN` (there before the
    run, and taken as done by it)."""
    newest = max(made.values(), default=0)
    began = night_began(date)
    problems: list[str] = []
    for path, ns in sorted(made.items()):
        if ns < began:
            problems.append(
                f"{path}: written {_shown(ns)}, before the night {date} began: a copy, not an AB"
                " that autoDaily -D made on the muc"
            )
        elif newest - ns > RUN_SPAN.total_seconds() * 1e9:
            problems.append(
                f"{path}: made {dt.timedelta(microseconds=(newest - ns) // 1000)} before the"
                " date's newest AB: it was on the muc before autoDaily -D ran and was taken as done"
            )
    return problems
