"""results.json and certification.html for one account on one blade, and the run's history.

results.json follows ``results.schema.json`` (in this package); certification.html is rendered
from the same data with the Jinja2 templates in ``templates/`` (autoescaped, self-contained).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..catalogue import CHECKS
from ..phases import PHASES
from . import history
from .rows import (
    ERROR,
    FAILED,
    INCOMPLETE,
    NOT_APPLICABLE,
    NOT_RUN,
    PASSED,
    READY,
    STATUSES,
    WAIVED,
    ResultRow,
    counts,
    examined_text,
    verdict,
)
from .trend import trend_figure

SCHEMA_VERSION = 1
"""Bumped only when a field is removed, renamed or changes meaning; new optional fields are
added without a bump, and readers ignore fields they do not know."""


@dataclass
class AccountRun:
    account: str
    host: str
    ops_host: str
    phase: str
    site: str
    rows: list[ResultRow]
    complete: bool
    started: dt.datetime
    finished: dt.datetime
    plugin_version: str
    user: str
    problems: Sequence[str] = ()
    """run-level reasons the run is incomplete (interrupted, a worker that died)."""
    site_name: str = ""
    waivers: list[dict[str, Any]] = field(default_factory=list)
    """every waiver entry that names the account, with its state (see waivers.waiver_summary)."""
    in_progress: bool = False
    """the placeholder written when the run starts; replaced when it finishes."""
    window: Mapping[str, Any] | None = None
    """the run's night window (timeline.NightWindow.to_dict)."""
    window_problems: Sequence[str] = ()
    """why the window does not cover the nights the phase requires, or the phase cannot hold
    on the run's TODAY."""
    partial: Sequence[str] = ()
    """why this run is not a full certification (checks deselected, node ids named)."""

    def verdict(self) -> tuple[str, list[str]]:
        result, reasons = verdict(self.rows, self.complete)
        extra = [f"partial run: {reason}" for reason in self.partial]
        extra += self.window_problems
        if extra and result == READY:
            result = INCOMPLETE
        return result, [*extra, *reasons]

    def summary(self, since_last_run: dict[str, Any] | None = None) -> dict[str, Any]:
        result, reasons = self.verdict()
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "account": self.account,
            "host": self.host,
            "ops_host": self.ops_host,
            "phase": self.phase,
            "site": self.site,
            "site_name": self.site_name,
            "verdict": result,
            "verdict_reasons": [*self.problems, *reasons],
            "complete": self.complete,
            "in_progress": self.in_progress,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": self.finished.isoformat(timespec="seconds"),
            "duration": round((self.finished - self.started).total_seconds(), 3),
            "plugin_version": self.plugin_version,
            "user": self.user,
            "window": dict(self.window) if self.window else None,
            "partial": list(self.partial),
            "examined": examined_totals(self.rows),
            "counts": counts(self.rows),
            "waivers": self.waivers,
            "since_last_run": since_last_run,
            "checks": [row.to_dict() for row in sorted(self.rows, key=_row_order)],
        }
        return data


def examined_totals(rows: Sequence[ResultRow]) -> dict[str, int]:
    """What the whole run examined, added up over its rows by what was counted."""
    totals = _added_up(row.examined for row in rows)
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def _row_order(row: ResultRow) -> tuple[int, str, str]:
    rank = PHASES.index(row.phase) if row.phase in PHASES else len(PHASES)
    return rank, row.check, row.nodeid


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("pytest_mucverify.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

GROUP_ORDER = (ERROR, FAILED, NOT_RUN, WAIVED, PASSED, NOT_APPLICABLE)
"""the status a check with several rows shows: the one that says most is wrong; passed before
not-applicable, so a per-night check that passed where it applied reads as passed."""
SHOWN_REASONS = 8
SHOWN_CHANGES = 12


def _group(check: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    statuses = [str(r["status"]) for r in rows]
    status = min(statuses, key=GROUP_ORDER.index)
    tally = {s: statuses.count(s) for s in STATUSES if statuses.count(s)}
    attention = [r for r in rows if r["status"] in (ERROR, FAILED, NOT_RUN, WAIVED)]
    quiet = [r for r in rows if r["status"] not in (ERROR, FAILED, NOT_RUN, WAIVED)]
    messages = {str(r["message"]) for r in quiet}
    return {
        "check": check,
        "anchor": f"check-{check}",
        "title": rows[0]["title"],
        "section": rows[0]["section"],
        "status": status,
        "required": any(r["required"] for r in rows),
        "rows": rows,
        "many": len(rows) > 1,
        "tally": ", ".join(f"{n} {s}" for s, n in tally.items()),
        "attention": [{**r, "label": history.row_label(r)} for r in attention],
        "quiet": [{**r, "label": history.row_label(r)} for r in quiet],
        "quiet_message": messages.pop() if len(messages) == 1 else "",
        "figures": sum(len(r.get("figures") or []) for r in rows),
        "trend": trend_figure(check, rows),
        "examined": examined_text(_added_up(r.get("examined") or {} for r in rows)),
    }


def _added_up(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for found in counts:
        for what, count in found.items():
            totals[what] = totals.get(what, 0) + count
    return totals


_CATALOGUE_ORDER = {spec.id: rank for rank, spec in enumerate(CHECKS)}


def _catalogue_rank(check: str) -> tuple[int, str]:
    """Checks of a phase in the catalogue's order (the plan's), unknown ones last."""
    return _CATALOGUE_ORDER.get(check, len(_CATALOGUE_ORDER)), check


def _changes_view(since: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The "since the last run" lists, grouped by check: 'ab.clean-paths: 2013-02-21, ...'."""
    if since is None:
        return None
    view: dict[str, Any] = {
        "previous_started": _readable_time(str(since.get("previous_started"))),
        "previous_verdict": since.get("previous_verdict"),
    }
    for kind in ("started_failing", "recovered", "still_failing", "changed"):
        grouped: dict[str, dict[str, Any]] = {}
        for entry in since.get(kind, []):
            item = grouped.setdefault(
                str(entry["check"]),
                {"check": entry["check"], "labels": [], "count": 0, "moves": set()},
            )
            item["count"] += 1
            if entry.get("label"):
                item["labels"].append(entry["label"])
            item["moves"].add(f"{entry.get('before') or 'absent'} → {entry['after']}")
        items = sorted(grouped.values(), key=lambda i: str(i["check"]))
        for item in items:
            labels = item["labels"]
            item["labels"] = ", ".join(labels[:SHOWN_CHANGES]) + (
                f" and {len(labels) - SHOWN_CHANGES} more" if len(labels) > SHOWN_CHANGES else ""
            )
            item["moves"] = ", ".join(sorted(item["moves"]))
        view[kind] = items
        view[f"{kind}_rows"] = len(since.get(kind, []))
    return view


def certification_view(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What the certification template shows, from a results.json summary."""
    phases = []
    blocking = []
    for phase in (*PHASES, None):
        rows = [
            r
            for r in summary["checks"]
            if (r["phase"] == phase if phase else r["phase"] not in PHASES)
        ]
        if not rows:
            continue
        by_check: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_check.setdefault(str(row["check"]), []).append(row)
        groups = [
            _group(check, found)
            for check, found in sorted(by_check.items(), key=lambda item: _catalogue_rank(item[0]))
        ]
        for group in groups:
            if group["required"] and group["status"] in (ERROR, FAILED, NOT_RUN):
                blocking.append(group)
        phases.append(
            {
                "name": phase or "other",
                "groups": groups,
                "status": min((g["status"] for g in groups), key=GROUP_ORDER.index),
            }
        )
    problems = [
        reason
        for reason in summary["verdict_reasons"]
        if not any(reason.startswith(f"{g['check']}: ") for g in blocking)
        and reason != "the run did not finish"
    ]
    expired = [w for w in summary.get("waivers", []) if w["state"] == "expired"]
    return {
        "s": summary,
        "phases": phases,
        "blocking": blocking[:SHOWN_REASONS],
        "more_blocking": max(0, len(blocking) - SHOWN_REASONS),
        "problems": problems,
        "waivers": summary.get("waivers", []),
        "expired": expired,
        "since": _changes_view(summary.get("since_last_run")),
        "checks_total": len({r["check"] for r in summary["checks"]}),
        "statuses": STATUSES,
        "started": _readable_time(str(summary["started"])),
        "duration": _readable_duration(float(summary["duration"])),
    }


def _readable_time(iso: str) -> str:
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def _readable_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return (
        f"{minutes} min {rest:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"
    )


ENV.filters["utc"] = _readable_time
ENV.filters["examined"] = examined_text


def render_certification(summary: Mapping[str, Any]) -> str:
    return ENV.get_template("certification.html.j2").render(**certification_view(summary))


PARTIAL_PREFIX = "partial-"
"""a partial run's reports lie beside the certification: partial-results.json and
partial-certification.html; they never replace it and never enter the history."""


def write_account_reports(run: AccountRun, reports_dir: Path) -> Path:
    """results.json, the history entry and certification.html of one account's run (or of the
    placeholder written when a run starts); a partial run's reports beside them instead."""
    folder = reports_dir / run.account / run.host
    _make_folder(folder)
    prefix = PARTIAL_PREFIX if run.partial else ""
    previous = None if run.in_progress else history.latest(folder / history.HISTORY)
    since = (
        history.changes(
            previous[1],
            [row.to_dict() for row in run.rows],
            f"{history.HISTORY}/{previous[0].name}",
        )
        if previous
        else None
    )
    summary = run.summary(since)
    text = json.dumps(summary, indent=2) + "\n"
    html = render_certification(summary)
    _write_atomic(folder / f"{prefix}results.json", text)
    _write_atomic(folder / f"{prefix}certification.html", html)
    if not run.in_progress and not run.partial and any(row.nodeid for row in run.rows):
        # a run in which no test reported (stopped at once) tells the history nothing
        try:
            history.store(folder / history.HISTORY, text, run.started)
        except OSError as exc:
            raise OSError(
                f"{folder / history.HISTORY}: the history cannot be kept: {exc}"
            ) from None
    return folder


def restore_certification(folder: Path) -> None:
    """Put the last full run back where a placeholder stands (a run that turned out partial):
    from the newest history entry, or no certification at all when there is none."""
    latest = history.latest(folder / history.HISTORY)
    if latest is None:
        for name in ("results.json", "certification.html"):
            (folder / name).unlink(missing_ok=True)
        return
    _write_atomic(folder / "results.json", json.dumps(latest[1], indent=2) + "\n")
    _write_atomic(folder / "certification.html", render_certification(latest[1]))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OSError(f"cannot write reports into {folder}: a file stands in the way") from None


def _write_atomic(path: Path, text: str) -> None:
    if path.is_dir():
        raise OSError(f"cannot write {path}: a folder of that name stands in the way")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", errors="backslashreplace")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
