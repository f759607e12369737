"""From the command line to what a run verifies: the site, the accounts and their blades, the phase.

Pure: values in, a RunPlan or a UsageProblem out. plugin.py turns a UsageProblem into pytest's
one-line usage error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .phases import PHASES
from .site import Account, Site
from .timeline import NightWindow, dfos_today, night_window

HELP_ACCOUNT = "instrument account to verify (repeatable or comma-separated; 'all' = every account of the site, or of --host)"
HELP_HOST = "the new muc blade the account moves to (must match the site's placement)"
HELP_OPS_HOST = "the old blade to compare with, overriding the site's"
HELP_SITE = "site file (TOML), or 'demo' for the built-in simulated blade pair"
HELP_PHASE = f"the migration phase the account claims to have reached: {', '.join(PHASES)}"
HELP_DATES = "narrow the nights of the per-night checks to FROM..TO (YYYY-MM-DD..YYYY-MM-DD); default: the transition date to yesterday. A narrowed run is INCOMPLETE unless it covers what the phase requires"
HELP_TODAY = "the run's TODAY (YYYY-MM-DD, the DFOS date still under autoDaily): its last examined night is the day before; default: the site's today, else the clock with the night boundary"
HELP_REPORTS_DIR = "folder for reports/<account>/<host>/ (results.json, certification.html)"
DEFAULT_PHASE = "operational"
DEFAULT_REPORTS_DIR = "reports"


class UsageProblem(Exception):
    """A command line that cannot be run; the message is one line."""


@dataclass(frozen=True)
class Target:
    account: Account
    host: str
    ops_host: str
    window: NightWindow | None = None
    """the nights of the per-night checks, and what the phase requires of them."""

    @property
    def nights(self) -> tuple[dt.date, ...]:
        return self.window.nights if self.window else ()

    @property
    def window_text(self) -> str:
        return f"the window {self.window.describe()}" if self.window else "the run's window"


@dataclass(frozen=True)
class RunPlan:
    site: Site
    targets: tuple[Target, ...]
    phase: str
    reports_dir: Path
    today: dt.date = dt.date(1970, 1, 1)

    def target(self, account: str) -> Target:
        for target in self.targets:
            if target.account.name == account:
                return target
        raise KeyError(account)


def split_accounts(values: Sequence[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def parse_dates(value: str) -> tuple[dt.date, dt.date]:
    start, sep, end = value.partition("..")
    try:
        first = dt.date.fromisoformat(start.strip())
        last = dt.date.fromisoformat(end.strip()) if sep else first
    except ValueError:
        raise UsageProblem(f"--dates={value}: use FROM..TO, e.g. 2013-02-21..2013-02-28") from None
    if last < first:
        raise UsageProblem(f"--dates={value}: {last} is before {first}")
    return first, last


def parse_today(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageProblem(f"--today={value}: use a date YYYY-MM-DD, e.g. 2013-02-25") from None


def run_today(site: Site, today: str | None, now: dt.datetime | None = None) -> dt.date:
    """--today, else the site's frozen today, else the clock's DFOS date."""
    if today:
        return parse_today(today)
    if site.today is not None:
        return site.today
    return dfos_today(now or dt.datetime.now(dt.UTC), site.night_offset_hours)


def make_plan(
    site: Site,
    accounts: Sequence[str],
    host: str | None,
    ops_host: str | None,
    phase: str,
    reports_dir: Path,
    dates: str | None = None,
    today: str | None = None,
) -> RunPlan:
    if phase not in PHASES:
        raise UsageProblem(f"--phase={phase}: not a phase; use one of {', '.join(PHASES)}")
    names = split_accounts(accounts)
    if not names:
        raise UsageProblem("--account: name at least one account (or 'all')")
    if host is not None and host not in site.hosts:
        raise UsageProblem(f"--host={host}: the site {site.path} has no such host")
    if ops_host is not None and ops_host not in site.hosts:
        raise UsageProblem(f"--ops-host={ops_host}: the site {site.path} has no such host")
    if "all" in names:
        chosen = [a for a in site.accounts.values() if host is None or a.muc == host]
        if not chosen:
            raise UsageProblem(f"--account=all --host={host}: the site places no account on {host}")
    else:
        chosen = []
        for name in names:
            if name not in site.accounts:
                known = ", ".join(sorted(site.accounts))
                raise UsageProblem(
                    f"--account={name}: the site {site.path} has no such account (it has: {known})"
                )
            account = site.accounts[name]
            if host is not None and account.muc != host:
                raise UsageProblem(
                    f"--host={host}: {name} is placed on {account.muc}; use --host={account.muc}"
                )
            chosen.append(account)
    local_mucs = sorted({a.muc for a in chosen if site.hosts[a.muc].url.startswith("local://")})
    if len(local_mucs) > 1:
        raise UsageProblem(
            f"the accounts chosen live on {', '.join(local_mucs)}, which the site reaches as"
            " local://: a run checks the muc it runs on, so run it on each muc (--host=mucNN),"
            " or give the other mucs ssh:// URLs for a central run"
        )
    window = parse_dates(dates) if dates else None
    day = run_today(site, today)
    targets = tuple(
        Target(
            account=a,
            host=a.muc,
            ops_host=ops_host or a.ops,
            window=night_window(a, phase, day, window),
        )
        for a in sorted(chosen, key=lambda a: a.name)
    )
    return RunPlan(site=site, targets=targets, phase=phase, reports_dir=reports_dir, today=day)
