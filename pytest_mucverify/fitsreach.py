"""The FITS files reachable below a folder of the muc data disk, as ``cleanupProducts -E`` finds
them (plan II.5): the files themselves, every symbolic link named as a FITS file (a dangling one
too: the name is what the tools and the archive see), and what lies behind a link to a folder
that the data disk's own rows do not scan.

Convention (the plan is silent on links): a FITS file reachable through the disk is a FITS file on
the disk, judged where the path through the link puts it. A link to a folder on the data disk (or
below a folder already scanned) is not followed: what lies there is judged where it physically
lies, by the row that scans that place; a link to a folder above the data disk is not followed
(it would scan the disk again, and the machine with it); a link that loops is never followed
twice.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from .blade import Blade, BladeError
from .dfos.layout import FITS_SUFFIXES, is_fits

MAX_FOLLOWED = 200
"""links to folders followed below one folder before the scan gives up (and says so)."""


@dataclass(frozen=True)
class ReachableFits:
    path: str
    """relative to the scanned folder, through the links followed."""
    size: int
    """bytes of a file; 0 for a link."""
    target: str = ""
    """where a FITS-named link points, as written in it; empty for a file."""
    leads_to: str = "f"
    """for a link: ``f`` a file, ``d`` a folder, ``N`` nothing, ``L`` a loop of links."""

    @property
    def is_link(self) -> bool:
        return bool(self.target)

    def __str__(self) -> str:
        if not self.is_link:
            return f"{self.path}  {self.size} bytes"
        there = {"N": "nothing (dangling)", "L": "a loop of links", "d": "a folder"}.get(
            self.leads_to, "a file"
        )
        return f"{self.path} -> {self.target}  a link to {there}"


def reachable_fits(
    blade: Blade, folder: str, judged_elsewhere: Callable[[str], bool], errors: list[str]
) -> list[ReachableFits]:
    """Every FITS file and FITS-named link below folder, and below the links to folders it holds
    that lead off the data disk (``judged_elsewhere`` says which physical paths another row
    scans). Two bulk commands per folder scanned, one ``readlink -f`` per link to a folder; what
    cannot be read is appended to errors."""
    found: list[ReachableFits] = []
    try:
        scanned = [blade.resolve(folder)]
    except BladeError as exc:
        errors.append(str(exc))
        return found
    pending = [("", folder)]
    while pending:
        prefix, where = pending.pop()
        found += [
            ReachableFits(prefix + path, size)
            for path, size in blade.find_files(where, FITS_SUFFIXES, errors)
        ]
        links, problems = blade.links_below(where)
        errors += problems
        for link in links:
            path = prefix + link.path
            if is_fits(posixpath.basename(link.path)):
                found.append(ReachableFits(path, 0, link.target or "?", link.leads_to))
            if link.leads_to != "d":
                continue
            try:
                physical = blade.resolve(f"{where}/{link.path}")
            except BladeError as exc:
                errors.append(str(exc))
                continue
            if judged_elsewhere(physical) or any(within(physical, s) for s in scanned):
                continue
            if len(scanned) > MAX_FOLLOWED:
                errors.append(f"{folder}: more than {MAX_FOLLOWED} links to folders, not followed")
                return found
            scanned.append(physical)
            pending.append((path + "/", f"{where}/{link.path}"))
    return found


def within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def scanned_by_rows(places: list[str]) -> Callable[[str], bool]:
    """Whether a physical folder is left to the rows that scan the given places: one within them
    is scanned there; one above them (``-> /data``) would scan them again, and the whole machine
    with them."""

    def rule(physical: str) -> bool:
        return any(within(physical, place) or within(place, physical) for place in places)

    return rule
