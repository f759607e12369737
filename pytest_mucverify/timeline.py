"""The time model: which nights a run looks at, and which blade must have processed each of them.

Pure: the site's dates for an account, the claimed phase and the run's TODAY in, windows and
reasons out. Nothing here looks at data: whether a check may be not-applicable for a night is
decided from these dates alone, never from what a blade holds.

- TODAY is the DFOS night date still under autoDaily's control: the date of ``now`` minus the
  night boundary (``DFO_OFFSET``, noon UT by default). It is never examined; the last night a run
  looks at is TODAY-1.
- The muc processes the nights from the transition date on. Before the account is operational it
  does not process the nights from the commissioning date on (autoDaily -D takes the commissioning
  date when the precondition holds; the operational cron run takes every night after).
- The old blade processes every night until the switch: from the switch date on, autoDaily runs on
  the muc only, and those nights are the muc's alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .phases import reached
from .site import Account

DEFAULT_NIGHT_OFFSET_HOURS = 12.0
"""DFO_OFFSET: a night's files belong to its date until noon UT of the next day."""
PER_NIGHT_PHASE = "pipeline"
"""the first phase with per-night checks (the ABs of I.7); before it no night is required."""


def dfos_today(now: dt.datetime, offset_hours: float = DEFAULT_NIGHT_OFFSET_HOURS) -> dt.date:
    """The DFOS date of ``now``: at 07:30 UT on 2013-02-25 it is still the night of 2013-02-24."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return (now.astimezone(dt.UTC) - dt.timedelta(hours=offset_hours)).date()


def _days(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    return tuple(first + dt.timedelta(days=n) for n in range((last - first).days + 1))


@dataclass(frozen=True)
class NightWindow:
    """The nights a run examines, and the nights its phase requires."""

    today: dt.date
    first: dt.date | None
    last: dt.date | None
    required_first: dt.date | None = None
    required_last: dt.date | None = None
    narrowed: bool = False
    """``--dates`` chose the nights, not the time model."""
    why_empty: str = ""
    """why no night is required although the phase has per-night checks."""
    claim_problem: str = ""
    """why the claimed phase cannot hold on TODAY by the site's dates (operational before the
    switch)."""

    @property
    def nights(self) -> tuple[dt.date, ...]:
        if self.first is None or self.last is None or self.last < self.first:
            return ()
        return _days(self.first, self.last)

    @property
    def required_nights(self) -> tuple[dt.date, ...]:
        if self.required_first is None or self.required_last is None:
            return ()
        if self.required_last < self.required_first:
            return ()
        return _days(self.required_first, self.required_last)

    def problems(self) -> list[str]:
        """What keeps a run over this window from certifying its phase."""
        found = [self.claim_problem] if self.claim_problem else []
        gap = self.uncovered()
        return [*found, gap] if gap else found

    def uncovered(self) -> str | None:
        """Why this window does not cover what the phase requires, or None when it does."""
        required = self.required_nights
        if not required:
            return None
        examined = set(self.nights)
        missing = [night for night in required if night not in examined]
        if not missing:
            return None
        return (
            f"the run examined the nights {self.describe()}, but the phase requires "
            f"{self.required_first}..{self.required_last}: {len(missing)} nights not examined"
        )

    def describe(self) -> str:
        return f"{self.first}..{self.last}" if self.nights else "(none)"

    def to_dict(self) -> dict[str, object]:
        return {
            "today": str(self.today),
            "first": str(self.first) if self.nights else None,
            "last": str(self.last) if self.nights else None,
            "nights": len(self.nights),
            "required_first": str(self.required_first) if self.required_nights else None,
            "required_last": str(self.required_last) if self.required_nights else None,
            "required_nights": len(self.required_nights),
            "narrowed": self.narrowed,
            "covers_required": self.uncovered() is None,
            "claim_problem": self.claim_problem or None,
        }


def night_window(
    account: Account,
    phase: str,
    today: dt.date,
    dates: tuple[dt.date, dt.date] | None = None,
) -> NightWindow:
    """From the transition date to TODAY-1, or the ``--dates`` given (recorded as narrowed)."""
    yesterday = today - dt.timedelta(days=1)
    required_first = required_last = None
    why_empty = ""
    if reached(phase, PER_NIGHT_PHASE):
        if account.transition_date is None:
            why_empty = f"the site gives no transition_date for {account.name}"
        elif account.transition_date > yesterday:
            why_empty = (
                f"the transition date {account.transition_date} is not before TODAY {today}:"
                " no finished night to verify yet"
            )
        else:
            required_first, required_last = account.transition_date, yesterday
    claim = phase_claim_problem(account, phase, today)
    first, last = dates if dates is not None else (required_first, required_last)
    return NightWindow(
        today, first, last, required_first, required_last, dates is not None, why_empty, claim
    )


def phase_claim_problem(account: Account, phase: str, today: dt.date) -> str:
    """An operational claim needs the switch behind it: the site's switch_date on or before
    TODAY. Without that, the old blade is still the operational one."""
    if not reached(phase, "operational"):
        return ""
    if account.switch_date is None:
        return (
            f"the run claims operational, but the site gives no switch_date for {account.name}:"
            " the day autoDaily moved to the muc is what makes it operational"
        )
    if account.switch_date > today:
        return (
            f"the run claims operational, but the switch to the muc is set for"
            f" {account.switch_date}, after TODAY {today}"
        )
    return ""


@dataclass(frozen=True)
class NightRoles:
    """Whether each blade is expected to have processed a night: None when it is, else the
    reason (from the site's dates and the phase) it is not."""

    muc: str | None
    ops: str | None

    @property
    def both(self) -> str | None:
        """None when both blades processed the night, else why they are not compared."""
        return self.muc or self.ops


def night_roles(account: Account, phase: str, night: dt.date, today: dt.date) -> NightRoles:
    if night >= today:
        unfinished = f"{night} is not a finished night (TODAY is {today})"
        return NightRoles(unfinished, unfinished)
    muc: str | None = None
    ops: str | None = None
    transition = account.transition_date
    commissioning = account.commissioning_date
    switch = account.switch_date
    if transition is None or night < transition:
        muc = (
            f"{night} is before the transition date {transition}: the muc does not process it"
            if transition
            else f"the site gives no transition_date for {account.name}"
        )
    elif commissioning and night >= commissioning and not reached(phase, "operational"):
        muc = (
            f"{night}: from the commissioning date {commissioning} on, the muc processes"
            " nights only once it is operational"
        )
    if switch and night >= switch and reached(phase, "operational"):
        ops = f"{night}: after the switch on {switch} the old blade processes no new nights"
    return NightRoles(muc, ops)
