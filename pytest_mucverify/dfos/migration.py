"""Comparing what the old blade holds with what reached the muc, listing against listing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..blade.listing import FileStat
from .placement import night_of


def exact_copy_expected(path: str, transition: dt.date | None) -> bool:
    """Whether the muc must hold a copy of the old blade's file. From the transition date on the
    muc processes the nights itself, so a date folder from then holds the muc's own files, not
    copies (and the old blade's may come later than the migration)."""
    night = night_of(path.split("/", 1)[0])
    return night is None or transition is None or night < transition


@dataclass(frozen=True)
class Shortfall:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}  {self.reason}"


def compare_files(
    old: Iterable[FileStat],
    new: Iterable[FileStat],
    wanted: Callable[[str], bool],
    not_older: bool = False,
) -> tuple[list[Shortfall], int]:
    """What of the old blade's wanted files is missing, different in size or older on the muc;
    and how many files were compared."""
    on_muc = {entry.path: entry for entry in new if entry.kind == "f"}
    shortfalls = []
    compared = 0
    for entry in old:
        if entry.kind != "f" or not wanted(entry.path):
            continue
        compared += 1
        copy = on_muc.get(entry.path)
        if copy is None:
            shortfalls.append(
                Shortfall(entry.path, f"missing on the muc ({entry.size} bytes on the old blade)")
            )
        elif copy.size != entry.size:
            shortfalls.append(
                Shortfall(
                    entry.path, f"{copy.size} bytes on the muc, {entry.size} on the old blade"
                )
            )
        elif not_older and copy.mtime_ns < entry.mtime_ns:
            shortfalls.append(Shortfall(entry.path, "older on the muc than on the old blade"))
    return shortfalls, compared
