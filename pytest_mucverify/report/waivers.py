"""Waivers: a decision, signed by an approver and dated, to accept a check's failure for a while.

The site file names the waiver file (``[site] waivers = "waivers.toml"``)::

    [[waiver]]
    check = "fits.stray"          # a check id of the catalogue; glob allowed ("ab.*")
    account = "giraffe"           # glob allowed ("*" for every account, said explicitly)
    justification = "raw files of 2013-02-19 are kept for the UVES comparison, ticket DFO-1234"
    approver = "R. Hanuschik"
    expires = 2013-03-31          # the last day the waiver covers
    runs = true                   # the check still runs: its failure is shown, but not counted

A valid waiver turns a failed or error row of its check and account into ``waived`` (never into
passed), keeping the message and evidence. With ``runs = false`` the check is not run at all and
its row is ``waived``. A waiver whose expiry date is before the run date covers nothing; the
report lists it as expired. A waiver without justification, approver or expiry, or that names no
check of the catalogue or no account of the site, is a usage error naming the file and the entry.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import CHECKS
from ..site import Site
from ..tomlfile import read_toml
from .rows import BAD_STATUSES, NOT_RUN, WAIVED, ResultRow

WAIVED_PREFIX = "waived: "
"""prefix of the skip reason of a check a waiver keeps from running (the row maps to waived)."""
VALID = "valid"
EXPIRED = "expired"
KEYS = ("check", "account", "justification", "approver", "expires", "runs")


class WaiverError(Exception):
    """A waiver file that cannot be used; the message is one line naming the file and entry."""


@dataclass(frozen=True)
class Waiver:
    index: int
    """1-based position of the entry in the file, as the error messages and the report name it."""
    check: str
    account: str
    justification: str
    approver: str
    expires: dt.date
    runs: bool = True

    def covers(self, check: str, account: str) -> bool:
        return fnmatch.fnmatchcase(check, self.check) and fnmatch.fnmatchcase(account, self.account)

    def valid_on(self, day: dt.date) -> bool:
        """Valid through its expiry date; expired from the day after."""
        return day <= self.expires

    def state_on(self, day: dt.date) -> str:
        return VALID if self.valid_on(day) else EXPIRED

    def record(self, day: dt.date) -> dict[str, Any]:
        """The waiver as a row and results.json carry it (plain data)."""
        return {
            "entry": self.index,
            "check": self.check,
            "account": self.account,
            "justification": self.justification,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
            "runs": self.runs,
            "state": self.state_on(day),
        }

    def describe(self) -> str:
        return f"{self.justification} (approved by {self.approver}, until {self.expires})"


@dataclass(frozen=True)
class WaiverSet:
    path: Path | None
    waivers: tuple[Waiver, ...] = ()

    def matching(self, check: str, account: str) -> list[Waiver]:
        return [w for w in self.waivers if w.covers(check, account)]

    def for_account(self, account: str) -> list[Waiver]:
        return [w for w in self.waivers if fnmatch.fnmatchcase(account, w.account)]

    def choose(self, check: str, account: str, day: dt.date) -> Waiver | None:
        """The waiver that decides this check: the first valid one in the file, else the first
        expired one (which covers nothing but is shown next to the failure)."""
        found = self.matching(check, account)
        valid = [w for w in found if w.valid_on(day)]
        if valid:
            return valid[0]
        return found[0] if found else None

    def skip_reason(self, check: str, account: str, day: dt.date) -> str | None:
        """The skip reason when a valid waiver keeps this check from running, else None."""
        waiver = self.choose(check, account, day)
        if waiver is None or not waiver.valid_on(day) or waiver.runs:
            return None
        return f"{WAIVED_PREFIX}not run: {waiver.describe()}"


NO_WAIVERS = WaiverSet(None)


def apply_waiver(row: ResultRow, waivers: WaiverSet, day: dt.date) -> ResultRow:
    """Decide the row's status under the waivers valid on ``day`` (in place; returns the row).

    A failed or error row covered by a valid waiver becomes waived, keeping message and evidence.
    An expired waiver covers nothing: the row keeps its status and carries the waiver, marked
    expired. A row a worker skipped as waived must still be covered by a valid not-running waiver
    here, or it is not-run: the controller decides, fail-closed.
    """
    if row.status not in (*BAD_STATUSES, WAIVED):
        return row
    waiver = waivers.choose(row.check, row.account, day)
    if row.status == WAIVED:
        if waiver is not None and waiver.valid_on(day) and not waiver.runs:
            row.waiver = waiver.record(day)
            return row
        row.status = NOT_RUN
        row.message = (
            f"not run: skipped as waived, but no valid waiver keeps it from running on {day}"
        )
        row.waiver = waiver.record(day) if waiver else None
        return row
    if waiver is None:
        return row
    row.waiver = waiver.record(day)
    if waiver.valid_on(day):
        row.status = WAIVED
    return row


def waiver_summary(
    waivers: WaiverSet, account: str, rows: Iterable[ResultRow], day: dt.date
) -> list[dict[str, Any]]:
    """Every waiver entry that names the account, with its state and the rows it covers."""
    rows = list(rows)
    listed = []
    for waiver in waivers.for_account(account):
        record = waiver.record(day)
        record["covered"] = sum(
            1
            for r in rows
            if r.status == WAIVED and r.waiver is not None and r.waiver["entry"] == waiver.index
        )
        record["checks"] = sorted({r.check for r in rows if waiver.covers(r.check, account)})
        listed.append(record)
    return listed


def load_waivers(path: Path, checks: Sequence[str] = (), accounts: Sequence[str] = ()) -> WaiverSet:
    """Read and check a waiver file; ``checks`` and ``accounts`` (when given) are the catalogue's
    check ids and the site's accounts, which every entry must match at least one of."""
    data = read_toml(path, "waiver file", WaiverError)
    unknown = sorted(set(data) - {"waiver"})
    if unknown:
        raise WaiverError(
            f"{path}: unknown top-level key {unknown[0]!r}; write each waiver as a [[waiver]] table"
        )
    entries = data.get("waiver", [])
    if not isinstance(entries, list):
        raise WaiverError(f"{path}: 'waiver' must be an array of tables ([[waiver]])")
    return WaiverSet(
        path,
        tuple(
            _entry(path, index, entry, checks, accounts)
            for index, entry in enumerate(entries, start=1)
        ),
    )


def site_waivers(site: Site) -> WaiverSet:
    """The waivers of the file the site names (none when it names none)."""
    if site.waivers is None:
        return NO_WAIVERS
    return load_waivers(site.waivers, [c.id for c in CHECKS], sorted(site.accounts))


def _entry(
    path: Path, index: int, entry: Any, checks: Sequence[str], accounts: Sequence[str]
) -> Waiver:
    check = entry.get("check") if isinstance(entry, dict) else None
    name = f"{path}: waiver {index}" + (f" (check {check!r})" if isinstance(check, str) else "")

    def fail(problem: str) -> WaiverError:
        return WaiverError(f"{name}: {problem}")

    if not isinstance(entry, dict):
        raise fail("must be a table")
    for key in entry:
        if key not in KEYS:
            raise fail(f"unknown key {key!r} (one of {', '.join(KEYS)})")
    text: dict[str, str] = {}
    for key in ("check", "account", "justification", "approver"):
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise fail(f"{key} is missing")
        if not isinstance(value, str):
            raise fail(f"{key} must be a string, not {value!r}")
        text[key] = value.strip()
    expires = _date(entry.get("expires"))
    if expires is None:
        if "expires" not in entry:
            raise fail("expires is missing")
        raise fail(f"expires must be a date YYYY-MM-DD, not {entry['expires']!r}")
    runs = entry.get("runs", True)
    if not isinstance(runs, bool):
        raise fail(f"runs must be true or false, not {runs!r}")
    if checks and not any(fnmatch.fnmatchcase(c, text["check"]) for c in checks):
        raise fail(f"check {text['check']!r} matches no check of the catalogue")
    if accounts and not any(fnmatch.fnmatchcase(a, text["account"]) for a in accounts):
        raise fail(f"account {text['account']!r} matches no account of the site")
    return Waiver(
        index=index,
        check=text["check"],
        account=text["account"],
        justification=text["justification"],
        approver=text["approver"],
        expires=expires,
        runs=runs,
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def waiver_still_valid(record: Mapping[str, Any], day: dt.date) -> bool:
    """Whether a waiver as a row carries it is valid on ``day`` (for the sign-off, later)."""
    expires = _date(record.get("expires"))
    return record.get("state") == VALID and expires is not None and day <= expires
