"""One result row per check and account, and the verdict they add up to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..checking import EVIDENCE_CAP
from .printable import printable
from .redact import redact

if TYPE_CHECKING:
    from ..catalogue import CheckSpec
    from ..runplan import Target

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
WAIVED = "waived"
NOT_APPLICABLE = "not-applicable"
NOT_RUN = "not-run"
STATUSES = (PASSED, FAILED, ERROR, WAIVED, NOT_APPLICABLE, NOT_RUN)

READY = "READY"
NOT_READY = "NOT READY"
INCOMPLETE = "INCOMPLETE"


@dataclass
class ResultRow:
    account: str
    host: str
    ops_host: str
    check: str
    phase: str
    section: str
    title: str
    status: str
    message: str = ""
    evidence: list[str] = field(default_factory=list)
    evidence_total: int = 0
    duration: float = 0.0
    nodeid: str = ""
    required: bool = True
    """whether the claimed phase needs this check (checks of later phases are not)."""
    waiver: dict[str, Any] | None = None
    """the waiver entry that matches this row's failure: ``state`` "valid" (the row is waived)
    or "expired" (it covers nothing and the row keeps its status); see report/waivers.py."""
    examined: dict[str, int] = field(default_factory=dict)
    """what the check looked at, as counts ("ABs": 12, "paths": 340); every passed row has some."""
    measures: dict[str, float] = field(default_factory=dict)
    """what the check measured (``"QC.BIAS max |rel|": 3e-9``); drawn over the nights."""
    figures: list[dict[str, str]] = field(default_factory=list)
    """inline figures (QC1 plots): ``{"title", "mime": "image/svg+xml"|"image/png", "data"}``,
    data base64-encoded; the certification report embeds them as data: URIs."""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        # what a blade sent (file names, lines of files) is shown escaped, never raw
        self.message = printable(redact(self.message))
        self.evidence = [printable(redact(item)) for item in self.evidence]
        self.evidence_total = max(self.evidence_total, len(self.evidence))
        if len(self.evidence) > EVIDENCE_CAP:
            self.evidence = self.evidence[:EVIDENCE_CAP]

    @classmethod
    def for_check(cls, spec: CheckSpec, target: Target, status: str, **fields: Any) -> ResultRow:
        """A row of this catalogue check for this account and its blades."""
        return cls(
            account=target.account.name,
            host=target.host,
            ops_host=target.ops_host,
            check=spec.id,
            phase=spec.phase,
            section=spec.section,
            title=spec.title,
            status=status,
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def examined_text(self) -> str:
        return examined_text(self.examined)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResultRow:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def examined_text(examined: Mapping[str, int]) -> str:
    """``549 products, 12,078 parameters``: what a row examined, for people."""
    return ", ".join(f"{count:,} {what}" for what, count in examined.items())


OK_STATUSES = (PASSED, WAIVED, NOT_APPLICABLE)
"""statuses that do not stand in the way of READY (for a required check)."""
BAD_STATUSES = (FAILED, ERROR)
"""statuses of a check that ran and found something wrong (or could not decide)."""


def worse(a: str, b: str) -> str:
    """The status that says more is wrong, for merging the setup, call and teardown of a test."""
    order = (ERROR, FAILED, NOT_RUN, WAIVED, NOT_APPLICABLE, PASSED)
    return a if order.index(a) <= order.index(b) else b


def counts(rows: Iterable[ResultRow]) -> dict[str, int]:
    tally = dict.fromkeys(STATUSES, 0)
    for row in rows:
        tally[row.status] += 1
    return tally


def verdict(rows: Iterable[ResultRow], complete: bool) -> tuple[str, list[str]]:
    """READY only when the run finished and every required check passed or is validly waived.

    Returns the verdict and the reasons it is not READY.
    """
    reasons: list[str] = []
    blocking = 0
    missing = 0
    rows = list(rows)
    if not rows:
        return INCOMPLETE, ["no check reported a result"]
    for row in rows:
        if not row.required or row.status in (PASSED, WAIVED, NOT_APPLICABLE):
            continue
        blocking += 1
        missing += row.status == NOT_RUN
        if len(reasons) < 20:
            reasons.append(
                f"{row.check}: {row.status}" + (f" ({row.message})" if row.message else "")
            )
    if not complete:
        return INCOMPLETE, ["the run did not finish", *reasons]
    if missing:
        return INCOMPLETE, reasons
    if blocking:
        return NOT_READY, reasons
    return READY, []
