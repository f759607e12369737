"""The sign-off: may the department switch these accounts to operations? Fail-closed.

The judgement behind ``mucverify signoff`` (its command line is in :mod:`.signoff_cli`): each
account's latest ``<reports>/<account>/<host>/results.json`` becomes one row with a verdict, and
the accounts together one overall verdict. An account is READY only when
its latest run claimed the operational phase, finished, is younger than the maximum age, has a
row for every check of the catalogue, and every check passed, does not apply, or is covered by a
waiver still valid today. Anything else (no file, a file that is not valid JSON or does not match
the schema, an interrupted or still running run, a check that did not run or ended in error) is
NOT READY or INCOMPLETE, with the reason on the row. The exit status is 0 only when every account
is READY.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..phases import PHASES
from ..runplan import run_today
from ..site import Site
from .rows import (
    ERROR,
    FAILED,
    INCOMPLETE,
    NOT_READY,
    NOT_RUN,
    READY,
    WAIVED,
)
from .runjudgement import judge_results, later_partial_failures

DEFAULT_MAX_AGE_HOURS = 24.0


@dataclass
class AccountSignoff:
    account: str
    verdict: str = INCOMPLETE
    reasons: list[str] = field(default_factory=list)
    host: str | None = None
    ops_host: str | None = None
    phase: str | None = None
    last_run: str | None = None
    """when the latest run finished (ISO 8601, UTC offset)."""
    age_hours: float | None = None
    failed: int = 0
    error: int = 0
    not_run: int = 0
    waived: int = 0
    results: str | None = None
    """results.json, relative to the reports folder."""
    certification: str | None = None
    """certification.html, relative to the reports folder (None when there is none)."""
    notes: list[str] = field(default_factory=list)
    """what the reader should know that does not change the verdict."""
    window: dict[str, Any] | None = None
    """the nights the latest run examined and those its phase requires."""
    examined: dict[str, int] = field(default_factory=dict)
    """what the latest run examined, added up over its rows."""
    features: list[str] = field(default_factory=list)
    """the parts of the plan the site says apply to the account (its row of the plan's table)."""
    phases: dict[str, str] = field(default_factory=dict)
    """phase -> the status that says most of its checks' rows (passed, failed, not-run ...)."""


def judge_account(
    reports_dir: Path,
    account: str,
    now: dt.datetime,
    max_age: dt.timedelta,
    host: str | None = None,
    today: dt.date | None = None,
    site_path: Path | None = None,
) -> AccountSignoff:
    """The sign-off row of one account, from its newest results.json under the reports folder
    (under the host the site places it on, when that is known)."""
    entry = AccountSignoff(account=account)
    folder = reports_dir / account
    candidates = sorted(
        (
            p
            for p in folder.glob("*/results.json")
            if p.is_file() and (host is None or p.parent.name == host)
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    if not candidates:
        where = f"{folder}/{host or '<host>'}/results.json"
        entry.reasons.append(f"never run: no results file at {where}")
        return entry
    path = candidates[0]
    entry.host = path.parent.name
    entry.results = path.relative_to(reports_dir).as_posix()
    html = path.with_name("certification.html")
    entry.certification = html.relative_to(reports_dir).as_posix() if html.is_file() else None
    for older in candidates[1:]:
        entry.notes.append(f"older results for {older.parent.name} ignored")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        entry.reasons.append(f"cannot read {entry.results}: {exc.strerror or exc}")
        return entry
    except UnicodeDecodeError as exc:
        entry.reasons.append(f"{entry.results} is not UTF-8 text (byte {exc.start})")
        return entry
    except ValueError as exc:
        entry.reasons.append(f"{entry.results} is not valid JSON: {exc}")
        return entry
    entry.verdict, entry.reasons, facts = judge_results(
        data, account, entry.host, now, max_age, today
    )
    later = later_partial_failures(path, data)
    if later:
        entry.reasons.append(later)
        if entry.verdict == READY:
            entry.verdict = NOT_READY
    if site_path is not None and isinstance(data, dict):
        written_for = Path(str(data.get("site", "")))
        if written_for.resolve() != site_path.resolve():
            entry.reasons.insert(
                0, f"the results are of the site {written_for}, not of {site_path}"
            )
            entry.verdict = INCOMPLETE
    entry.window = facts.get("window")
    entry.examined = facts.get("examined") or {}
    entry.phases = facts.get("phases") or {}
    entry.ops_host = facts.get("ops_host")
    entry.phase = facts.get("phase")
    entry.last_run = facts.get("last_run")
    entry.age_hours = facts.get("age_hours")
    entry.failed = facts.get(FAILED, 0)
    entry.error = facts.get(ERROR, 0)
    entry.not_run = facts.get(NOT_RUN, 0)
    entry.waived = facts.get(WAIVED, 0)
    return entry


def accounts_in(reports_dir: Path) -> list[str]:
    """Every account folder of the reports folder (one that holds a host folder)."""
    if not reports_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in reports_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and any(q.is_dir() for q in p.iterdir())
    )


def overall(entries: Sequence[AccountSignoff]) -> str:
    if entries and all(e.verdict == READY for e in entries):
        return READY
    if any(e.verdict == NOT_READY for e in entries):
        return NOT_READY
    return INCOMPLETE


def signoff(
    reports_dir: Path,
    accounts: Sequence[str] = (),
    max_age_hours: float = DEFAULT_MAX_AGE_HOURS,
    now: dt.datetime | None = None,
    site: Site | None = None,
    host: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The sign-off as signoff.json holds it. With a site, every account it places (on ``host``
    when given) is signed off, each judged under the muc the site places it on, and the runs
    must be for the site's TODAY; without one, the accounts named or found in the folder."""
    now = now or dt.datetime.now(dt.UTC)
    max_age = dt.timedelta(hours=max_age_hours)
    day: dt.date | None = today
    if site is not None:
        placed = [a for a in site.accounts.values() if host is None or a.muc == host]
        names = list(accounts) or sorted(a.name for a in placed)
        day = day or run_today(site, None, now)
        entries = []
        for name in names:
            spec = site.accounts.get(name)
            entry = judge_account(
                reports_dir, name, now, max_age, spec.muc if spec else None, day, site.path
            )
            if spec is None:
                entry.verdict = INCOMPLETE
                entry.reasons.insert(0, f"the site {site.path} has no account {name}")
            else:
                entry.features = sorted(spec.features)
                entry.host = entry.host or spec.muc
                entry.ops_host = entry.ops_host or spec.ops
            entries.append(entry)
    else:
        names = list(accounts) or accounts_in(reports_dir)
        entries = [judge_account(reports_dir, name, now, max_age, today=day) for name in names]
    result = overall(entries)
    return {
        "schema_version": 1,
        "generated": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "reports_dir": str(reports_dir),
        "max_age_hours": max_age_hours,
        "accounts_requested": list(accounts),
        "site": str(site.path) if site is not None else None,
        "host": host,
        "today": str(day) if day else None,
        "phases": list(PHASES),
        "verdict": result,
        "reasons": (
            []
            if entries
            else [
                f"no account to sign off: no results under {reports_dir}, none named"
                + (f", and the site places none on {host}" if site is not None else "")
            ]
        ),
        "counts": {v: sum(e.verdict == v for e in entries) for v in (READY, NOT_READY, INCOMPLETE)},
        "accounts": [asdict(e) for e in entries],
    }
