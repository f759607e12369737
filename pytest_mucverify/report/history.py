"""The nightly history of one account on one blade, and what changed since the last run.

Every finished run copies its results.json to
``reports/<account>/<host>/history/<UTC start>Z-results.json``; the newest :data:`KEEP` stay.
"Since the last run" compares the statuses of this run with those of the newest history entry,
row by row (keyed by the pytest node id, so a per-night check is compared night by night).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .rows import BAD_STATUSES

KEEP = 90
HISTORY = "history"
SUFFIX = "-results.json"
_NAME = re.compile(r"^\d{8}T\d{6}Z(\.\d+)?-results\.json$")


def row_key(row: Mapping[str, Any]) -> str:
    """What identifies a row from one run to the next: its node id (check, account and
    parameters), or the check id for a check that had no test in the run."""
    nodeid = row.get("nodeid")
    return str(nodeid) if nodeid else f"check:{row.get('check')}"


def entries(folder: Path) -> list[Path]:
    """The history files of one account and blade, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME.match(p.name))


def latest(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The newest history entry that can be read, with its content."""
    for path in reversed(entries(folder)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("checks"), list):
            return path, data
    return None


def store(folder: Path, text: str, started: dt.datetime, keep: int = KEEP) -> Path:
    """Write one run's results into the history and drop all but the newest ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{stamp}{SUFFIX}"
    serial = 0
    while path.exists():  # two runs in one second: .1, .2 ... sort after the first
        serial += 1
        path = folder / f"{stamp}.{serial}{SUFFIX}"
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    prune(folder, keep)
    return path


def prune(folder: Path, keep: int = KEEP) -> list[Path]:
    found = entries(folder)
    dropped = found[: max(0, len(found) - keep)]
    for path in dropped:
        path.unlink(missing_ok=True)
    return dropped


def row_label(row: Mapping[str, Any]) -> str:
    """The row's parameters without the account: the night or directory it looked at."""
    nodeid = str(row.get("nodeid") or "")
    if not nodeid.endswith("]") or "[" not in nodeid:
        return ""
    params = nodeid[nodeid.index("[") + 1 : -1]
    account = str(row.get("account") or "")
    if params == account:
        return ""
    return params.removeprefix(f"{account}-")


def changes(
    previous: Mapping[str, Any] | None,
    current: Iterable[Mapping[str, Any]],
    previous_file: str = "",
) -> dict[str, Any] | None:
    """What changed between the previous run's rows and this run's (None on the first run).

    started_failing: failed or error now, not before (or not there); recovered: failed or error
    before, passed or not applicable now; still_failing: failed or error in both; changed: every
    other change of status (e.g. failed -> waived, passed -> not-run).
    """
    if previous is None:
        return None
    before = {row_key(r): str(r.get("status")) for r in previous.get("checks", [])}
    result: dict[str, Any] = {
        "previous_started": previous.get("started"),
        "previous_verdict": previous.get("verdict"),
        "previous_file": previous_file,
        "started_failing": [],
        "recovered": [],
        "still_failing": [],
        "changed": [],
    }
    for row in current:
        key = row_key(row)
        now = str(row.get("status"))
        then = before.get(key)
        entry = {
            "key": key,
            "check": row.get("check"),
            "label": row_label(row),
            "before": then,
            "after": now,
            "message": row.get("message", ""),
        }
        if now in BAD_STATUSES:
            result["still_failing" if then in BAD_STATUSES else "started_failing"].append(entry)
        elif then in BAD_STATUSES and now in ("passed", "not-applicable"):
            result["recovered"].append(entry)
        elif then is not None and then != now:
            result["changed"].append(entry)
    return result
