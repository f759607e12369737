"""Score files (DOMAIN.md §4 convention): ``$DFO_LOG_DIR/<date>/<AB name without .ab>.score``,
one ``<QC1 parameter> <value> <score>`` a line and a ``TOTAL <score>`` line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScoreFile:
    scores: dict[str, str] = field(default_factory=dict)
    """parameter -> score as written (0 green, 1 red)."""
    values: dict[str, str] = field(default_factory=dict)
    total: str | None = None
    problems: tuple[str, ...] = ()


def parse_scores(text: str) -> ScoreFile:
    scores: dict[str, str] = {}
    values: dict[str, str] = {}
    total = None
    problems = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if parts[0] == "TOTAL" and len(parts) == 2:
            total = parts[1]
        elif len(parts) == 3:
            values[parts[0]], scores[parts[0]] = parts[1], parts[2]
        else:
            problems.append(f"line {number}: cannot read {line[:80]!r}")
    return ScoreFile(scores, values, total, tuple(problems))


def score_differences(old: ScoreFile, new: ScoreFile) -> list[str]:
    """Every score and the TOTAL must be identical: ``parameter: old -> new`` for each that is not."""
    found = []
    for name in sorted(set(old.scores) | set(new.scores)):
        before, after = old.scores.get(name), new.scores.get(name)
        if before != after:
            found.append(
                f"{name}: score {before or '(none)'} on the old blade, {after or '(none)'} on the muc"
            )
    if old.total != new.total:
        found.append(
            f"TOTAL: {old.total or '(none)'} on the old blade, {new.total or '(none)'} on the muc"
        )
    return found
