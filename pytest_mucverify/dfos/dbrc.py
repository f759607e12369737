"""The database connection file ``.dbrc``: which hosts it names, and nothing else of it.

It holds passwords, so nothing here keeps a line's text: only line numbers and host names.
Convention (DOMAIN.md leaves the columns open): whitespace-separated columns, ``#`` comments; a
blade name (``dfoNN``, ``qcNN``, ``mucNN``) anywhere in a column is a host: alone, with a domain,
with a port (``dfo23:4100``), as ``user@dfo23`` or in a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLADE = re.compile(
    r"(?<![A-Za-z0-9_-])(?P<name>(?:dfo|qc|muc)\d{2})(?![A-Za-z0-9_])", re.IGNORECASE
)
_COMMENT = re.compile(r"(?:^|(?<=\s))#")


@dataclass(frozen=True)
class DbrcHost:
    line: int
    host: str

    @property
    def is_muc(self) -> bool:
        return self.host.startswith("muc")


def hosts_named(text: str) -> list[DbrcHost]:
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        # a comment starts a line or a column: a '#' inside a password is part of it
        line = _COMMENT.split(raw, 1)[0]
        for column in line.split():
            found += [DbrcHost(number, m.group("name").lower()) for m in _BLADE.finditer(column)]
    return found
