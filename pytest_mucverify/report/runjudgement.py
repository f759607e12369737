"""One results.json judged: its verdict, the reasons, and the facts the sign-off shows.

Fail-closed: a file of a newer schema, not matching the schema, of another account or blade, of
an unfinished, old, partial or narrowed run, or with a required check not passed gives no READY.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..catalogue import CHECKS
from ..phases import PHASES, reached
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
from .writer import PARTIAL_PREFIX, SCHEMA_VERSION

OPERATIONAL = PHASES[-1]
CLOCK_SLACK = dt.timedelta(minutes=5)
SHOWN = 6
RUN_NOT_FINISHED = "the run did not finish"


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
