"""Comparing what the old blade holds with what reached the muc, listing against listing.

Size and modification time come from one bulk listing per tree. Where a same-sized copy can
still differ (small text records: rc and configuration files, ABs, score files, parameter files,
lists and data reports, calibration memory), a content digest computed on each blade decides: the
caller asks each blade for the digests of a tree's files whose names match, in one command, and
hands them in. So does it for the only FITS the plan migrates, GEN_CALDIR's static calibrations,
and for the virtual master calibrations (``$DFO_CAL_DIR/VCAL/*.hdr``) createAB associates by
their content. The other big and binary files (plots, pipeline logs, raw headers) stay with size
and time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..blade.listing import FileStat
from .placement import night_of_path

CONTENT_VARIABLES = frozenset({"DFO_LST_DIR", "GEN_CALDIR"})
"""directories whose every file is compared by content: the lists and data reports, and the
static calibrations (the one place muc_migrate -A copies FITS: a flipped byte keeps the size)."""
TEXT_RECORDS = ("*.ab", "*.score", "*.paf")
"""ABs (archived in DFO_LOG_DIR), score files, QC1 parameter files (beside the certified
calibrations): one changed value keeps the size."""
CONFIG_NAMES = ("config.*", "*.cfg", "*.conf", "*.ini", "*.rc", ".*rc")
"""configuration and rc files, wherever they lie."""
DIGESTED_NAMES = (*TEXT_RECORDS, *CONFIG_NAMES)
"""shell patterns (as ``find -name`` reads them, case counts) of the files compared by content
in every migrated directory."""
MORE_DIGESTED_NAMES = {"DFO_CAL_DIR": ("*.hdr",)}
"""what one directory compares by content beside: DFO_CAL_DIR's headers, the virtual master
calibrations in VCAL that ABs name as ``MCALIB VIRTUAL`` (the few other headers there, of
certified products, are as small)."""
NOT_OLDER_VARIABLES = frozenset({"GEN_CALDIR"})
"""directories whose copies on the muc must not be older than the old blade's: a static
calibration updated on the old blade after the migration is a stale copy on the muc."""


def digested_names(variable: str | None) -> tuple[str, ...] | None:
    """The name patterns of the files of a directory compared by content; None for every file."""
    if variable in CONTENT_VARIABLES:
        return None
    return (*DIGESTED_NAMES, *MORE_DIGESTED_NAMES.get(variable or "", ()))


def content_matters(names: tuple[str, ...] | None, path: str) -> bool:
    """Whether a same-sized copy must also have the same content (digest compared)."""
    name = path.rsplit("/", 1)[-1]
    return names is None or any(fnmatchcase(name, pattern) for pattern in names)


def exact_copy_expected(path: str, transition: dt.date | None) -> bool:
    """Whether the muc must hold a copy of the old blade's file. From the transition date on the
    muc processes the nights itself, so a date folder from then holds the muc's own files, not
    copies (and the old blade's may come later than the migration). Date folders may be nested
    in month folders (``2013-02/2013-02-20``)."""
    night = night_of_path(path)
    return night is None or transition is None or night < transition


@dataclass(frozen=True)
class Shortfall:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}  {self.reason}"


def digest_candidates(
    old: Iterable[FileStat],
    new: Iterable[FileStat],
    wanted: Callable[[str], bool],
    by_content: Callable[[str], bool],
) -> list[str]:
    """The wanted files present on both blades with the same size whose content must be compared:
    the paths to ask each blade's digests for."""
    on_muc = {entry.path: entry for entry in new if entry.kind == "f"}
    return [
        entry.path
        for entry in old
        if entry.kind == "f"
        and wanted(entry.path)
        and by_content(entry.path)
        and entry.path in on_muc
        and on_muc[entry.path].size == entry.size
    ]


def compare_files(
    old: Iterable[FileStat],
    new: Iterable[FileStat],
    wanted: Callable[[str], bool],
    not_older: bool = False,
    old_digests: Mapping[str, str] | None = None,
    new_digests: Mapping[str, str] | None = None,
    reader: str | None = None,
) -> tuple[list[Shortfall], int]:
    """What of the old blade's wanted files and links is missing, different in size or content,
    or older on the muc; and how many were compared.

    A symbolic link on the old blade must be on the muc too (the tools follow it); a relative
    link must point to the same place. Digests (by relative path) decide for the files given in
    both mappings. A copy its mode bits forbid ``reader`` (the account) to read is no copy the
    tools can use."""
    on_muc = {entry.path: entry for entry in new}
    old_digests = old_digests or {}
    new_digests = new_digests or {}
    shortfalls = []
    compared = 0
    for entry in old:
        if entry.kind not in ("f", "l") or not wanted(entry.path):
            continue
        compared += 1
        copy = on_muc.get(entry.path)
        if entry.kind == "l":
            if copy is None:
                shortfalls.append(
                    Shortfall(
                        entry.path, f"a link to {entry.target} on the old blade, missing on the muc"
                    )
                )
            elif (
                copy.kind == "l"
                and not entry.target.startswith("/")
                and copy.target != entry.target
            ):
                shortfalls.append(
                    Shortfall(
                        entry.path,
                        f"links to {copy.target} on the muc, to {entry.target} on the old blade",
                    )
                )
            continue
        if copy is None or copy.kind != "f":
            shortfalls.append(
                Shortfall(entry.path, f"missing on the muc ({entry.size} bytes on the old blade)")
            )
        elif copy.size != entry.size:
            shortfalls.append(
                Shortfall(
                    entry.path, f"{copy.size} bytes on the muc, {entry.size} on the old blade"
                )
            )
        elif (
            entry.path in old_digests
            and entry.path in new_digests
            and old_digests[entry.path] != new_digests[entry.path]
        ):
            shortfalls.append(
                Shortfall(
                    entry.path,
                    f"same size, different content (sha256 {new_digests[entry.path][:12]} on the"
                    f" muc, {old_digests[entry.path][:12]} on the old blade)",
                )
            )
        elif not_older and copy.mtime_ns < entry.mtime_ns:
            shortfalls.append(Shortfall(entry.path, "older on the muc than on the old blade"))
        elif reader is not None and not readable_by(copy, reader):
            shortfalls.append(
                Shortfall(
                    entry.path,
                    f"on the muc owned by {copy.owner}, mode {copy.mode:04o}: {reader} cannot read it",
                )
            )
    return shortfalls, compared


def readable_by(entry: FileStat, user: str) -> bool:
    """Whether the mode bits let user read the file: the owner's bit for its owner; the group's
    or others' for anyone else (group membership is not known, so a group bit counts)."""
    if entry.owner == user:
        return bool(entry.mode & 0o400)
    return bool(entry.mode & 0o044)
