"""results.json and certification.html for one account on one blade."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..phases import PHASES
from .rows import ResultRow, counts, verdict

SCHEMA_VERSION = 1


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

    def summary(self) -> dict[str, Any]:
        result, reasons = verdict(self.rows, self.complete)
        return {
            "schema_version": SCHEMA_VERSION,
            "account": self.account,
            "host": self.host,
            "ops_host": self.ops_host,
            "phase": self.phase,
            "site": self.site,
            "verdict": result,
            "verdict_reasons": [*self.problems, *reasons],
            "complete": self.complete,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": self.finished.isoformat(timespec="seconds"),
            "duration": round((self.finished - self.started).total_seconds(), 3),
            "plugin_version": self.plugin_version,
            "user": self.user,
            "counts": counts(self.rows),
            "checks": [row.to_dict() for row in sorted(self.rows, key=_row_order)],
        }


def _row_order(row: ResultRow) -> tuple[int, str, str]:
    rank = PHASES.index(row.phase) if row.phase in PHASES else len(PHASES)
    return rank, row.check, row.nodeid


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("pytest_mucverify.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_certification(summary: dict[str, Any]) -> str:
    phases = []
    for phase in (*PHASES, None):
        rows = [
            r
            for r in summary["checks"]
            if (r["phase"] == phase if phase else r["phase"] not in PHASES)
        ]
        if rows:
            phases.append({"name": phase or "other", "rows": rows})
    return _ENV.get_template("certification.html.j2").render(s=summary, phases=phases)


def write_account_reports(run: AccountRun, reports_dir: Path) -> Path:
    folder = reports_dir / run.account / run.host
    folder.mkdir(parents=True, exist_ok=True)
    summary = run.summary()
    _write_atomic(folder / "results.json", json.dumps(summary, indent=2, sort_keys=False) + "\n")
    _write_atomic(folder / "certification.html", render_certification(summary))
    return folder


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
