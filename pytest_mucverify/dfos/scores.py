"""Score files: what scoreQC wrote for one AB, ``$DFO_LOG_DIR/<date>/<AB name without .ab>.score``.

The layout accepted (DOMAIN.md §4 convention; README, "Score files"), one record a line, columns
separated by blanks or tabs:

- ``<QC1 parameter> <value> <score>``: the parameter as the reports name it
  (``QC.BIAS.MASTER.MEDIAN``, ``CHIP2:QC.BIAS.MASTER.MEDIAN``); the value as processQC read
  it: a number, ``-999`` where it is missing, ``T``/``F``, or a word or ``'quoted text'``; the
  score ``0`` (green) or ``1`` (red), or ``-`` for a value scoreQC has no threshold for
  (unscored);
- ``TOTAL <score>``: the AB's total score, an integer, exactly once;
- blank lines and ``#`` comments.

Anything else is a problem naming the file and line: a line that cannot be read is never
dropped, so a score written in another layout cannot pass unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .qc1 import Qc1Value
from .qc1compare import Tolerances, compare_values

UNSCORED = "-"
_RECORD_RE = re.compile(
    r"^(?P<name>[A-Za-z][\w.:#\-]*)[ \t]+(?P<value>'[^']*'|[^\s']+)[ \t]+(?P<score>[01]|-)[ \t]*$"
)
_TOTAL_RE = re.compile(r"^TOTAL[ \t]+(?P<score>\d+)[ \t]*$")
_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[Ee][+-]?\d+)?|[+-]?(?:nan|inf)", re.I)


@dataclass(frozen=True)
class ScoreFile:
    scores: dict[str, str] = field(default_factory=dict)
    """parameter -> score as written (``0`` green, ``1`` red, ``-`` unscored)."""
    values: dict[str, Qc1Value] = field(default_factory=dict)
    """parameter -> the scored value (numbers as floats: processQC prints them from the QC1
    database, where an int and a float of the same value are the same number)."""
    total: str | None = None
    problems: tuple[str, ...] = ()
    """``file:line: reason`` for each line that could not be read, and a missing TOTAL."""


def score_value(raw: str) -> Qc1Value:
    if raw.startswith("'"):
        return raw[1:-1].rstrip()
    if raw in ("T", "F"):
        return raw == "T"
    if _INT_RE.fullmatch(raw) or _FLOAT_RE.fullmatch(raw):
        return float(raw)
    return raw


def parse_scores(text: str, source: str = "") -> ScoreFile:
    scores: dict[str, str] = {}
    values: dict[str, Qc1Value] = {}
    total = None
    problems = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}:{number}"
        record = _RECORD_RE.match(line.strip())
        total_line = _TOTAL_RE.match(line.strip())
        if total_line:
            if total is not None:
                problems.append(f"{where}: a second TOTAL line")
            total = total_line["score"]
        elif record and record["name"] != "TOTAL":
            name = record["name"]
            if name in scores:
                problems.append(f"{where}: {name} is scored twice")
                continue
            scores[name], values[name] = record["score"], score_value(record["value"])
        else:
            problems.append(
                f"{where}: not '<parameter> <value> <0|1|->' nor 'TOTAL <score>': {line[:80]!r}"
            )
    if total is None:
        problems.append(f"{source}: no TOTAL line")
    return ScoreFile(scores, values, total, tuple(problems))


def score_differences(
    old: ScoreFile, new: ScoreFile, tolerances: Tolerances | None = None
) -> list[str]:
    """Every score and the TOTAL must be identical, and every scored value equal as QC1 values
    are (same tolerances): ``parameter: …`` for each that is not."""
    tolerances = tolerances or Tolerances()
    found = []
    for name in sorted(set(old.scores) | set(new.scores)):
        before, after = old.scores.get(name), new.scores.get(name)
        if before is None or after is None:
            where = "the old blade" if after is None else "the muc"
            found.append(f"{name}: scored on {where} only")
            continue
        if before != after:
            found.append(f"{name}: score {before} on the old blade, {after} on the muc")
        difference = compare_values(name, old.values[name], new.values[name], tolerances)
        if difference is not None:
            found.append(
                f"{name}: scored value {difference.old!r} on the old blade,"
                f" {difference.new!r} on the muc ({difference.reason})"
            )
    if old.total != new.total:
        found.append(
            f"TOTAL: {old.total or '(none)'} on the old blade, {new.total or '(none)'} on the muc"
        )
    return found
