"""Crontab settings cron applies to every job below them (cronie ``load_entry``, ``do_command.c``
``child_process``): ``SHELL`` is the program cron runs each command with (``$SHELL -c
command``), ``HOME`` the folder a job starts in and the home its tools read their rc files from
(dfosCron sources ``$HOME/.qcrc`` and the rc it is given), ``CRON_TZ`` the time zone cron reads
the schedule in and ``TZ`` the clock the job sees. Pure: crontabs in, reasons out."""

from __future__ import annotations

import posixpath

from .cronrecords import CronEntry, Crontab

__all__ = ["SH_SHELLS", "ZONE_SETTINGS", "setting_problems", "zone_differences"]

SH_SHELLS = frozenset({"sh", "bash", "dash", "ksh", "mksh", "zsh"})
"""shells that read a crontab command as ``sh`` does (csh and tcsh do not)."""
ZONE_SETTINGS = ("CRON_TZ", "TZ")


def _applies(crontab: Crontab, line: int, name: str) -> list[CronEntry]:
    """The active entries that get the setting of ``name`` on ``line`` (the last one above them)."""
    return [
        entry
        for entry in crontab.entries
        if entry.line > line
        and max(s.line for s in crontab.environment if s.name == name and s.line < entry.line)
        == line
    ]


def setting_problems(crontab: Crontab, home: str) -> list[str]:
    """Settings that stop every job below them or make it another account's: a ``SHELL`` that
    is not a shell reading sh commands (``/bin/false``, ``/sbin/nologin``, ``/bin/csh``, a name
    without its folder), and a ``HOME`` other than the account's own."""
    problems: list[str] = []
    for setting in crontab.environment:
        jobs = _applies(crontab, setting.line, setting.name)
        if not jobs:
            continue
        shown = f"line {setting.line}: {setting.name}={setting.value}"
        below = f"{len(jobs)} job(s) from line {jobs[0].line}"
        if setting.name == "SHELL":
            value = setting.value
            if not value.startswith("/") or posixpath.basename(value) not in SH_SHELLS:
                problems.append(
                    f"{shown}: cron runs {below} as $SHELL -c command, and this is not a shell"
                    f" that reads sh commands ({', '.join(sorted(SH_SHELLS))} by full path):"
                    " they do not run as written"
                )
        elif (
            setting.name == "HOME"
            and home
            and posixpath.normpath(setting.value or "/") != posixpath.normpath(home)
        ):
            problems.append(
                f"{shown}: {below} start in another home than {home} and read their rc"
                " files (.qcrc, .dfosrc*) from there"
            )
    return problems


def _zones(crontab: Crontab, entries: list[CronEntry]) -> set[tuple[str | None, ...]]:
    return {tuple(crontab.env(entry.line).get(name) for name in ZONE_SETTINGS) for entry in entries}


def zone_differences(muc: Crontab, old: Crontab, muc_name: str, old_name: str) -> list[str]:
    """Active muc entries that read their schedule (``CRON_TZ``) or see the clock (``TZ``) in
    another time zone than the old blade's entries, active or commented out (unset is the
    daemon's zone): every time of theirs is shifted. Nothing when the old blade has no entry."""
    old_zones = _zones(old, [*old.entries, *old.commented_entries])
    if not old_zones:
        return []

    def shown(zone: tuple[str | None, ...]) -> str:
        set_ = [f"{n}={v}" for n, v in zip(ZONE_SETTINGS, zone, strict=True) if v is not None]
        return " ".join(set_) or "no CRON_TZ or TZ"

    expected = " or ".join(sorted(shown(zone) for zone in old_zones))
    return [
        f"{muc_name} line {entry.line}: {shown(zone)}, on the old blade {old_name}: {expected}:"
        " every time of the job is shifted"
        for entry in muc.entries
        for zone in _zones(muc, [entry])
        if zone not in old_zones
    ]
