"""Where FITS files may lie on the muc data disk (plan II.5, ``cleanupProducts -E``).

Always in GEN_CALDIR; in the date folders of DFO_RAW_DIR, DFO_CAL_DIR, DFO_SCI_DIR and
DFS_PRODUCT/<RAW_TYPE> only for nights the muc processed itself (on or after the transition
date). Anywhere else a FITS file slipped in during migration or commissioning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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


def fits_allowed(variable: str | None, relative: str, transition: dt.date) -> bool:
    """Whether a FITS file at ``relative`` below the directory of ``variable`` may be there."""
    if variable == "GEN_CALDIR":
        return True
    depth = DATED_FITS_HOMES.get(variable or "")
    if depth is None:
        return False
    parts = relative.split("/")
    if len(parts) <= depth + 1:
        return False
    night = night_of(parts[depth])
    return night is not None and night >= transition


def stray_fits(
    variable: str | None, relative_paths: Iterable[tuple[str, int]], transition: dt.date
) -> list[tuple[str, int]]:
    """(path, size) of the FITS files that should not be there."""
    return [
        (path, size)
        for path, size in relative_paths
        if is_fits(path.rsplit("/", 1)[-1]) and not fits_allowed(variable, path, transition)
    ]
