"""Plain records of files on a blade, and the parser for the bulk ``find -printf`` listing.

One ``find`` per tree replaces one ``stat`` per file: on a remote blade that is the difference
between one round trip and thousands.
"""

from __future__ import annotations

import stat as statmod
from dataclasses import dataclass, field

# Every field ends in NUL, which no file name or link target can contain, so a record of
# FIND_FIELDS fields parses without ambiguity whatever the names hold.
FIND_FORMAT = r"%y\0%m\0%U\0%u\0%s\0%T@\0%l\0%P\0"
FIND_FIELDS = 8


@dataclass(frozen=True)
class FileStat:
    path: str
    """relative to the listed tree for tree entries, the asked path for a single stat."""
    kind: str
    """``f`` file, ``d`` directory, ``l`` symbolic link, other letters as find's ``%y``."""
    mode: int
    """permission bits including setuid, setgid and sticky (``st_mode & 0o7777``)."""
    uid: int
    owner: str
    size: int
    mtime_ns: int
    target: str = ""
    """where a symbolic link points, as written in the link."""

    @property
    def sticky(self) -> bool:
        return bool(self.mode & statmod.S_ISVTX)

    @property
    def is_dir(self) -> bool:
        return self.kind == "d"

    @property
    def is_file(self) -> bool:
        return self.kind == "f"


@dataclass
class TreeListing:
    root: str
    entries: list[FileStat] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """what could not be read, one line each (``path: reason``)."""


def kind_of(mode: int) -> str:
    if statmod.S_ISREG(mode):
        return "f"
    if statmod.S_ISDIR(mode):
        return "d"
    if statmod.S_ISLNK(mode):
        return "l"
    if statmod.S_ISFIFO(mode):
        return "p"
    if statmod.S_ISSOCK(mode):
        return "s"
    if statmod.S_ISCHR(mode):
        return "c"
    if statmod.S_ISBLK(mode):
        return "b"
    return "?"


def seconds_to_ns(text: str) -> int:
    """``1700000000.1234567890`` (find's ``%T@``) to integer nanoseconds, without float rounding."""
    whole, _, fraction = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return int(whole) * 1_000_000_000 + sign * int((fraction + "000000000")[:9])


def parse_find_output(data: bytes) -> list[FileStat]:
    """Records printed with FIND_FORMAT, in find's order (the root itself has an empty path)."""
    fields = data.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    if len(fields) % FIND_FIELDS:
        raise ValueError(
            f"find listing cut short: {len(fields)} fields is not a multiple of {FIND_FIELDS}"
        )
    return [
        _record(fields[start : start + FIND_FIELDS]) for start in range(0, len(fields), FIND_FIELDS)
    ]


def parse_rooted_find_output(data: bytes) -> dict[str, list[FileStat]]:
    """Records printed with ``%H\\0`` before FIND_FORMAT (find with many starting points), by
    starting point, each in find's order (a root's own record first, with an empty path)."""
    fields = data.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    width = FIND_FIELDS + 1
    if len(fields) % width:
        raise ValueError(
            f"find listing cut short: {len(fields)} fields is not a multiple of {width}"
        )
    found: dict[str, list[FileStat]] = {}
    for start in range(0, len(fields), width):
        root = fields[start].decode("utf-8", "surrogateescape")
        found.setdefault(root, []).append(_record(fields[start + 1 : start + width]))
    return found


def _record(fields: list[bytes]) -> FileStat:
    kind, mode, uid, owner, size, mtime, target, path = (
        f.decode("utf-8", "surrogateescape") for f in fields
    )
    return FileStat(
        path=path,
        kind=kind,
        mode=int(mode, 8),
        uid=int(uid),
        owner=owner,
        size=int(size),
        mtime_ns=seconds_to_ns(mtime),
        target=target,
    )
