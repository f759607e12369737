"""The sign-off: may the department switch these accounts to operations? Fail-closed.

``mucverify signoff [--reports-dir DIR] [--accounts a,b] [--max-age HOURS]`` reads each account's
latest ``DIR/<account>/<host>/results.json`` and writes ``DIR/signoff.json`` and
``DIR/signoff.html``: one row per account and an overall verdict. An account is READY only when
its latest run claimed the operational phase, finished, is younger than the maximum age, has a
row for every check of the catalogue, and every check passed, does not apply, or is covered by a
waiver still valid today. Anything else (no file, a file that is not valid JSON or does not match
the schema, an interrupted or still running run, a check that did not run or ended in error) is
NOT READY or INCOMPLETE, with the reason on the row. The exit status is 0 only when every account
is READY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue import CHECKS
from ..phases import PHASES, reached
from ..runplan import UsageProblem, parse_today, run_today
from ..site import Site, SiteError, load_site
from .rows import (
    ERROR,
    FAILED,
    INCOMPLETE,
    NOT_APPLICABLE,
    NOT_READY,
    NOT_RUN,
    PASSED,
    READY,
    WAIVED,
)
from .schema import schema_errors
from .waivers import waiver_still_valid
from .writer import ENV, PARTIAL_PREFIX, SCHEMA_VERSION

OPERATIONAL = PHASES[-1]
DEFAULT_MAX_AGE_HOURS = 24.0
CLOCK_SLACK = dt.timedelta(minutes=5)
SHOWN = 6
RUN_NOT_FINISHED = "the run did not finish"


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


class _Judgement:
    def __init__(self) -> None:
        self.incomplete: list[str] = []
        self.not_ready: list[str] = []

    def verdict(self) -> str:
        if self.incomplete:
            return INCOMPLETE
        return NOT_READY if self.not_ready else READY

    def reasons(self) -> list[str]:
        return [*self.incomplete, *self.not_ready]


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def judge_results(
    data: Any,
    account: str,
    host: str,
    now: dt.datetime,
    max_age: dt.timedelta,
    dfos_today: dt.date | None = None,
) -> tuple[str, list[str], dict[str, Any]]:
    """Verdict, reasons and facts (blade, phase, counts) of one results.json's content."""
    facts: dict[str, Any] = {}
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return (
            INCOMPLETE,
            [
                f"results.json has schema version {version}, written by a newer pytest-mucverify; "
                f"this sign-off reads version {SCHEMA_VERSION}"
            ],
            facts,
        )
    errors = schema_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        return INCOMPLETE, [f"results.json does not match the schema: {errors[0]}{more}"], facts
    facts.update(host=data["host"], ops_host=data["ops_host"], phase=data["phase"])
    facts["last_run"] = data["finished"]
    facts["window"] = data.get("window")
    facts["examined"] = data.get("examined") or {}
    rows: list[dict[str, Any]] = data["checks"]
    facts["phases"] = phase_statuses(rows)
    today = now.astimezone(dt.UTC).date()
    judgement = _Judgement()
    if data["account"] != account or data["host"] != host:
        judgement.incomplete.append(
            f"the file under {account}/{host}/ is for {data['account']} on {data['host']}"
        )
    if data.get("in_progress"):
        judgement.incomplete.append(
            f"the run started at {data['started']} never finished: still running, or killed "
            "(a timeout, a lost blade) before it could write its results"
        )
    elif not data["complete"]:
        reasons = list(data["verdict_reasons"])
        problems = reasons[: reasons.index(RUN_NOT_FINISHED)] if RUN_NOT_FINISHED in reasons else []
        judgement.incomplete.append(
            f"{RUN_NOT_FINISHED}" + (f": {'; '.join(problems)}" if problems else "")
        )
    finished = _parse_time(data["finished"])
    if finished is None:
        judgement.incomplete.append(f"the run's finishing time {data['finished']!r} is unreadable")
    else:
        age = now - finished
        facts["age_hours"] = round(age.total_seconds() / 3600, 1)
        if age < -CLOCK_SLACK:
            judgement.incomplete.append(
                f"the run finished in the future ({data['finished']}): check the blade's clock"
            )
        elif age > max_age:
            judgement.incomplete.append(
                f"the latest run is {age.total_seconds() / 3600:.1f} h old, older than the "
                f"maximum age of {max_age.total_seconds() / 3600:g} h"
            )
    window = data.get("window")
    if not isinstance(window, dict):
        judgement.incomplete.append(
            "the run records no night window: it was written before windows were kept"
        )
    else:
        if window.get("narrowed") or not window.get("covers_required"):
            judgement.incomplete.append(
                f"the run examined the nights {window.get('first')}..{window.get('last')},"
                f" not all that its phase requires ({window.get('required_first')}.."
                f"{window.get('required_last')}): not a full-window run"
            )
        run_for = _parse_date(window.get("today"))
        if dfos_today is not None and run_for is not None and run_for < dfos_today:
            judgement.incomplete.append(
                f"the latest run was for TODAY {run_for}; TODAY is {dfos_today}: the nights"
                f" since ({run_for}..{dfos_today - dt.timedelta(days=1)}) are not examined"
            )
    if data.get("partial"):
        judgement.incomplete.append(f"a partial run: {'; '.join(data['partial'])}")
    if data["phase"] != OPERATIONAL:
        judgement.not_ready.append(
            f"the run claimed phase {data['phase']}; switching to operations needs a run that "
            f"claims {OPERATIONAL}"
        )
    seen = {str(r["check"]) for r in rows}
    missing = [c.id for c in CHECKS if c.id not in seen]
    if missing:
        judgement.incomplete.append(f"no result for {len(missing)} checks: {_names(missing)}")
    by_status: dict[str, list[str]] = {}
    expired: list[str] = []
    not_run = 0
    for row in rows:
        status = str(row["status"])
        required = bool(row["required"]) or reached(str(data["phase"]), str(row["phase"]))
        facts[status] = facts.get(status, 0) + 1
        if not required:
            continue
        not_run += status == NOT_RUN
        if status in (FAILED, ERROR, NOT_RUN):
            names = by_status.setdefault(status, [])
            if row["check"] not in names:
                names.append(str(row["check"]))
        elif status == WAIVED and not waiver_still_valid(row.get("waiver") or {}, today):
            waiver = row.get("waiver") or {}
            expired.append(f"{row['check']} (expired {waiver.get('expires', '?')})")
    if by_status.get(NOT_RUN):
        judgement.incomplete.append(
            f"{not_run} required results not run: {_names(by_status[NOT_RUN])}"
        )
    for status, word in ((ERROR, "ended in error"), (FAILED, "failed")):
        if by_status.get(status):
            judgement.not_ready.append(f"{word}: {_names(by_status[status])}")
    if expired:
        judgement.not_ready.append(
            f"waiver no longer valid today for {_names(sorted(set(expired)))}"
        )
    result = judgement.verdict()
    if result == READY and data["verdict"] != READY:
        judgement.not_ready.append(
            f"the run itself says {data['verdict']}: {'; '.join(data['verdict_reasons'][:3])}"
        )
        result = NOT_READY
    return result, judgement.reasons(), facts


def _parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def later_partial_failures(results: Path, data: Any) -> str | None:
    """A partial run (-k, --lf) after the certification that found a failure: the certification
    no longer tells the truth, whatever it says."""
    partial = results.with_name(f"{PARTIAL_PREFIX}results.json")
    try:
        later = json.loads(partial.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(later, dict) or not isinstance(data, dict):
        return None
    if str(later.get("finished", "")) <= str(data.get("finished", "")):
        return None
    bad = sorted(
        {
            str(row.get("check"))
            for row in later.get("checks", [])
            if isinstance(row, dict) and row.get("status") in (FAILED, ERROR)
        }
    )
    if not bad:
        return None
    return (
        f"a partial run of {later.get('finished')}, after this certification, found"
        f" {_names(bad)} failing"
    )


def phase_statuses(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Each phase's status: the one that says most of its rows (failed before passed)."""
    order = (ERROR, FAILED, NOT_RUN, WAIVED, PASSED, NOT_APPLICABLE)
    found: dict[str, str] = {}
    for row in rows:
        phase, status = str(row.get("phase")), str(row.get("status"))
        if status not in order:
            continue
        if phase not in found or order.index(status) < order.index(found[phase]):
            found[phase] = status
    return {phase: found[phase] for phase in PHASES if phase in found}


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


def render_signoff(data: dict[str, Any]) -> str:
    return ENV.get_template("signoff.html.j2").render(
        d=data, statuses=(PASSED, FAILED, ERROR, WAIVED, NOT_APPLICABLE, NOT_RUN)
    )


def write_signoff(reports_dir: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    paths = reports_dir / "signoff.json", reports_dir / "signoff.html"
    texts = json.dumps(data, indent=2) + "\n", render_signoff(data)
    for path, text in zip(paths, texts, strict=True):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return paths


def _accounts(values: Sequence[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            if name.strip() and name.strip() not in names:
                names.append(name.strip())
    return names


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of hours") from None
    if not hours > 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be more than 0 hours")
    return hours


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mucverify signoff",
        description="Fail-closed sign-off of the accounts' latest verification runs: writes "
        "DIR/signoff.html and DIR/signoff.json; exit status 0 only when every account is READY.",
    )
    parser.add_argument(
        "--reports-dir",
        metavar="DIR",
        default="reports",
        help="the folder of <account>/<host>/results.json (default: reports)",
    )
    parser.add_argument(
        "--accounts",
        action="append",
        default=[],
        metavar="NAME[,NAME...]",
        help="the accounts to sign off (repeatable or comma-separated; default: every account "
        "folder in DIR); a named account without results is INCOMPLETE",
    )
    parser.add_argument(
        "--site",
        metavar="PATH|demo",
        help="sign off every account this site file ('demo': the demo site of this folder) places (of --host only, when given); an"
        " account without a current, complete, full-window run is not READY",
    )
    parser.add_argument("--host", metavar="mucNN", help="with --site: the accounts of this muc")
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the DFOS TODAY the runs must be for (default: the site's today, else the clock)",
    )
    parser.add_argument(
        "--max-age",
        type=_hours,
        default=DEFAULT_MAX_AGE_HOURS,
        metavar="HOURS",
        help=f"the latest run must have finished within this many hours (default: {DEFAULT_MAX_AGE_HOURS:g})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    reports_dir = Path(args.reports_dir)
    site = None
    today = None
    try:
        if args.site == "demo":  # the demo site a run here built, as pytest's --site=demo does
            from ..demo.cache import cached_demo_site

            site = load_site(cached_demo_site(Path.cwd() / ".mucverify-cache"))
        elif args.site:
            path = Path(args.site)
            site = load_site(path / "site.toml" if path.is_dir() else path)
            if args.host and args.host not in site.hosts:
                parser.error(f"--host={args.host}: the site {site.path} has no such host")
        elif args.host:
            parser.error("--host goes with --site")
        today = parse_today(args.today) if args.today else None
    except (SiteError, UsageProblem) as exc:
        parser.error(str(exc))
    data = signoff(
        reports_dir, _accounts(args.accounts), args.max_age, site=site, host=args.host, today=today
    )
    json_path, html_path = write_signoff(reports_dir, data)
    for entry in data["accounts"]:
        where = f"{entry['account']} on {entry['host'] or '?'}"
        why = f": {entry['reasons'][0]}" if entry["reasons"] else ""
        print(f"{where:22} {entry['verdict']:11}{why}")
    for reason in data["reasons"]:
        print(reason, file=sys.stderr)
    print(f"sign-off: {data['verdict']}  -> {html_path} ({json_path.name})")
    return 0 if data["verdict"] == READY else 1


if __name__ == "__main__":
    raise SystemExit(main())
