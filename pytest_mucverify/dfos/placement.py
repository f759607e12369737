"""Where FITS files may lie on the muc data disk (plan II.5, ``cleanupProducts -E``).

Always in GEN_CALDIR; in the date folders of DFO_RAW_DIR, DFO_CAL_DIR, DFO_SCI_DIR and
DFS_PRODUCT/<RAW_TYPE> only for nights the muc processed itself (the caller says which, from the
time model). Anywhere else (the data root itself, a non-standard or symlinked folder, the date
folder of a night the muc never processed) a FITS file slipped in during migration or
commissioning.

Convention (DOMAIN.md is silent on nesting): a date folder may sit directly in its directory
(``2013-02-20``) or in a month folder (``2013-02/2013-02-20``); both name the same night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from .layout import is_fits

DATED_FITS_HOMES = {"DFO_RAW_DIR": 0, "DFO_CAL_DIR": 0, "DFO_SCI_DIR": 0, "DFS_PRODUCT": 1}
"""variable -> position of the date folder in a path relative to the directory."""


def night_of(name: str) -> dt.date | None:
    if len(name) != 10 or name[4] != "-" or name[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


def is_month(name: str) -> bool:
    """``2013-02``: a month folder that holds date folders."""
    return len(name) == 7 and name[4] == "-" and name[:4].isdigit() and name[5:].isdigit()


def night_at(parts: list[str], depth: int) -> tuple[dt.date | None, int]:
    """The night whose date folder sits at ``depth`` of a split relative path (directly, or in a
    month folder there), and how many components that date folder spans (1 or 2); (None, 0)
    when there is none."""
    if len(parts) <= depth:
        return None, 0
    night = night_of(parts[depth])
    if night is not None:
        return night, 1
    if is_month(parts[depth]) and len(parts) > depth + 1:
        night = night_of(parts[depth + 1])
        if night is not None and str(night).startswith(parts[depth] + "-"):
            return night, 2
    return None, 0


def night_of_path(relative: str) -> dt.date | None:
    """The night of a path relative to a dated directory: its first component (``2013-02-20/x``
    or ``2013-02/2013-02-20/x``); None for an undated path."""
    return night_at(relative.split("/"), 0)[0]


NightRule = Callable[[dt.date], bool]


def fits_allowed(variable: str | None, relative: str, processed: dt.date | NightRule) -> bool:
    """Whether a FITS file at ``relative`` below the directory of ``variable`` may be there.

    ``processed`` says which nights the muc processed itself: a date (every night from it on, the
    transition date) or a rule from the time model."""
    if variable == "GEN_CALDIR":
        return True
    depth = DATED_FITS_HOMES.get(variable or "")
    if depth is None:
        return False
    parts = relative.split("/")
    night, span = night_at(parts, depth)
    if night is None or len(parts) <= depth + span:
        return False
    if isinstance(processed, dt.date):
        return night >= processed
    return processed(night)


def stray_fits(
    variable: str | None,
    relative_paths: Iterable[tuple[str, int]],
    processed: dt.date | NightRule,
) -> list[tuple[str, int]]:
    """(path, size) of the FITS files that should not be there."""
    return [
        (path, size)
        for path, size in relative_paths
        if is_fits(path.rsplit("/", 1)[-1]) and not fits_allowed(variable, path, processed)
    ]
