"""The phases of one account's migration, in the plan's order."""

from __future__ import annotations

PHASES: tuple[str, ...] = (
    "setup",
    "incremental",
    "baseline",
    "pipeline",
    "full-migration",
    "verification",
    "commissioning",
    "operational",
)


def phase_rank(phase: str) -> int:
    try:
        return PHASES.index(phase)
    except ValueError:
        raise ValueError(f"unknown phase {phase!r} (one of {', '.join(PHASES)})") from None


def reached(claimed: str, needed: str) -> bool:
    """Whether an account that claims `claimed` has reached the phase `needed`."""
    return phase_rank(claimed) >= phase_rank(needed)
