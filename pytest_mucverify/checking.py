"""What a check in suites/ uses to say how it ended, with evidence a QC scientist can act on.

A check also says what it examined (``examined("ABs", 12)``): counts a reviewer can read on every
row, passed rows too. A check that passes without having counted anything is failed by the
plugin: absence of data never passes.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable

import pytest

EVIDENCE_CAP = 50


class CheckFailed(AssertionError):
    """A failed check, with its offending items."""

    def __init__(
        self, message: str, evidence: Iterable[str] = (), figures: Iterable[dict[str, str]] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.evidence = [str(item) for item in evidence]
        self.figures = list(figures)
        """inline figures for the report: {"title", "mime", "data" (base64)}."""


def check(check_id: str) -> pytest.MarkDecorator:
    """Mark a test in suites/ as the check with this catalogue id."""
    return pytest.mark.mucverify_check(check_id)


NOT_APPLICABLE_PREFIX = "not-applicable: "
NOT_RUN_PREFIX = "not-run: "


class Examined:
    """What the running check has looked at: counts by what was counted, and a passing note.

    One per process: a worker runs one test at a time, and the plugin starts a new record before
    each test's setup and takes it when the test's call ends.
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.note = ""
        self.measures: dict[str, float] = {}

    def add(self, what: str, count: int) -> None:
        if count > 0:
            self.counts[what] = self.counts.get(what, 0) + int(count)


_current = Examined()


def start_record() -> None:
    global _current
    _current = Examined()


def take_record() -> Examined:
    """The record of the check that just ran (and a fresh one for whatever follows)."""
    global _current
    record, _current = _current, Examined()
    return record


def examined(what: str, count: int = 1) -> None:
    """Record that the check examined ``count`` of ``what`` (``examined("ABs", 12)``); zero
    counts are not recorded: they are not evidence."""
    _current.add(what, count)


def measured(what: str, value: float) -> None:
    """Record a measurement of the check (``measured("QC.BIAS max |rel|", 3e-9)``); the report
    draws a check's measurements over its nights. A value beyond float range is kept as the
    largest float (results.json is JSON: it has no infinity)."""
    value = float(value)
    _current.measures[what] = value if math.isfinite(value) else sys.float_info.max


def note(text: str) -> None:
    """A line a passed row shows beside its counts (``max |rel| 3e-9``)."""
    _current.note = text


def not_applicable(reason: str) -> None:
    """End the check as not applicable (never as passed). Only the site may make a check not
    applicable (the account's features, the phase, a night before the transition date), never
    the absence of data: for that, :func:`nothing_to_compare`."""
    pytest.skip(f"{NOT_APPLICABLE_PREFIX}{reason}")


def nothing_to_compare(what: str, looked: Iterable[str] = ()) -> None:
    """Fail: the site says there must be something here, and there is nothing to examine."""
    raise CheckFailed(f"nothing to compare: {what}", [f"looked in {place}" for place in looked])


def require(
    condition: object,
    message: str,
    evidence: Iterable[str] = (),
    figures: Iterable[dict[str, str]] = (),
) -> None:
    if not condition:
        raise CheckFailed(message, evidence, figures)


def require_none(offenders: Iterable[str], what: str) -> None:
    """Fail with every offender as evidence when there is any; ``what`` names them."""
    found = list(offenders)
    if found:
        raise CheckFailed(f"{len(found)} {what}", found)
