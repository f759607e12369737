"""The data :func:`.crontab.parse_crontab` returns: entries, environment lines, errors, the
crontab (rules: :mod:`.crontab`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["CronEntry", "CronEnv", "CronError", "Crontab"]


@dataclass(frozen=True)
class CronEnv:
    """An environment line: cron sets ``name=value`` for the entries below it."""

    line: int
    name: str
    value: str


@dataclass(frozen=True)
class CronError:
    """A line cron would refuse: ``text`` is the line as written."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class CronEntry:
    """A cron entry. ``schedule`` is the time part as written (or the macro); ``command`` is
    what the shell runs (before the first unescaped ``%``, ``\\%`` made ``%``); ``stdin`` what
    cron feeds it (``None`` without ``%``). Sets hold the values the fields allow, weekday
    Sunday as 0; ``@reboot`` has ``reboot=True`` and empty sets. ``dom_star``/``dow_star``:
    the field began with ``*`` (cron then requires both day fields to match)."""

    line: int
    schedule: str
    command: str
    stdin: str | None
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    active: bool = True
    reboot: bool = False
    dom_star: bool = True
    dow_star: bool = True
    text: str = ""

    def runs_at(self, when: datetime) -> bool:
        """Whether cron starts this entry in the minute of ``when`` (cron's day rule)."""
        if self.reboot:
            return False
        if (
            when.minute not in self.minutes
            or when.hour not in self.hours
            or when.month not in self.months
        ):
            return False
        dom = when.day in self.days
        dow = when.isoweekday() % 7 in self.weekdays
        if self.dom_star or self.dow_star:
            return dom and dow
        return dom or dow


@dataclass(frozen=True)
class Crontab:
    entries: tuple[CronEntry, ...]
    environment: tuple[CronEnv, ...]
    errors: tuple[CronError, ...]
    commented_entries: tuple[CronEntry, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def env(self, line: int) -> dict[str, str]:
        """The crontab's own settings that an entry on ``line`` sees: the environment lines
        above it, top-down, a later one replacing an earlier one of the same name."""
        found: dict[str, str] = {}
        for setting in self.environment:
            if setting.line < line:
                found[setting.name] = setting.value
        return found
