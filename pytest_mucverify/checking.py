"""What a check in suites/ uses to say how it ended, with evidence a QC scientist can act on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def check(check_id: str) -> Any:
    """Mark a test in suites/ as the check with this catalogue id."""
    return pytest.mark.mucverify_check(check_id)


NOT_APPLICABLE_PREFIX = "not-applicable: "
NOT_RUN_PREFIX = "not-run: "


def not_applicable(reason: str) -> None:
    """End the check as not applicable (never as passed): there is nothing for it to look at."""
    pytest.skip(f"{NOT_APPLICABLE_PREFIX}{reason}")


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
