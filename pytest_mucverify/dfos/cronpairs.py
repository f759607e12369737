"""A DFOS tool's cron lines on the muc against the old blade's (plan II.2: the muc runs the old
blade's calChecker lines, the same options but the rc, as often and on the same days; before the
switch at other minutes, so the pages alternate in origin). Pure: parsed entries and their tool
calls in, reasons out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import combinations

from .cronoptions import options_besides_rc
from .cronrecords import CronEntry
from .cronschedule import SPAN, fire_days

__all__ = ["Line", "doubled", "line_differences"]

Line = tuple[CronEntry, list[str]]
"""a cron entry and one call of the tool in it."""


def _times_of_day(entry: CronEntry) -> set[tuple[int, int]]:
    return {(h, m) for h in entry.hours for m in entry.minutes}


def _grouped(lines: Sequence[Line]) -> dict[tuple[str, ...], list[CronEntry]]:
    groups: dict[tuple[str, ...], list[CronEntry]] = {}
    for entry, argv in sorted(lines, key=lambda line: line[0].line):
        groups.setdefault(options_besides_rc(argv), []).append(entry)
    return groups


def _named(tool: str, options: tuple[str, ...]) -> str:
    return " ".join((tool, *options))


def doubled(tool: str, lines: Sequence[Line], start: datetime, blade: str) -> list[str]:
    """Two lines of one blade that run the tool with the same options at the same minute of the
    same day: two runs where one was meant."""
    problems = []
    for options, entries in _grouped(lines).items():
        for a, b in combinations(entries, 2):
            days = fire_days(a, start, SPAN) & fire_days(b, start, SPAN)
            if (a.reboot and b.reboot) or (days and _times_of_day(a) & _times_of_day(b)):
                problems.append(
                    f"{blade} lines {a.line} and {b.line}: {_named(tool, options)} twice at the"
                    f" same minute ({a.schedule}; {b.schedule})"
                )
    return problems


def line_differences(
    tool: str,
    muc: Sequence[Line],
    old: Sequence[Line],
    start: datetime,
    staggered: bool,
    names: tuple[str, str] = ("the muc", "the old blade"),
) -> list[str]:
    """How the muc's lines of ``tool`` differ from the old blade's: per option set (the rc
    aside) the number of lines, then line by line (in order) the days they run over
    :data:`SPAN` days from ``start`` (``@reboot`` and a never-firing schedule run on none) and
    the runs a day; with ``staggered``, lines that run at the same minutes as the old one."""
    problems: list[str] = []
    muc_groups, old_groups = _grouped(muc), _grouped(old)
    for options in sorted({*muc_groups, *old_groups}):
        new, before = muc_groups.get(options, []), old_groups.get(options, [])
        named = _named(tool, options)
        if len(new) != len(before):
            problems.append(
                f"{named}: {len(new)} line(s) on {names[0]}"
                f" ({'; '.join(e.schedule for e in new) or 'none'}), {len(before)} on"
                f" {names[1]} ({'; '.join(e.schedule for e in before) or 'none'})"
            )
            continue
        for twin, entry in zip(new, before, strict=True):
            new_days, old_days = fire_days(twin, start, SPAN), fire_days(entry, start, SPAN)
            if new_days != old_days:
                problems.append(
                    f"{named}: runs on {len(new_days)} days of {SPAN} from {start:%Y-%m-%d} on"
                    f" {names[0]} ({twin.schedule}), on {len(old_days)} on {names[1]}"
                    f" ({entry.schedule})"
                )
            elif len(_times_of_day(twin)) != len(_times_of_day(entry)):
                problems.append(
                    f"{named}: {len(_times_of_day(twin))} runs a day on {names[0]}"
                    f" ({twin.schedule}), {len(_times_of_day(entry))} on {names[1]}"
                    f" ({entry.schedule})"
                )
            elif staggered and new_days and _times_of_day(twin) & _times_of_day(entry):
                problems.append(
                    f"{named}: {names[0]} ({twin.schedule}) and {names[1]} ({entry.schedule})"
                    " run at the same minutes, so the pages do not alternate"
                )
    return problems
