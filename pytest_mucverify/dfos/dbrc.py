"""The database connection file ``.dbrc``: which hosts it names, and nothing else of it.

It holds passwords, so nothing here keeps a line's text: only line numbers and host names.
Convention (DOMAIN.md leaves the columns open): whitespace-separated columns, ``#`` comments; any
column that is a blade name (``dfoNN``, ``qcNN``, ``mucNN``, optionally with a domain) is a host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLADE = re.compile(r"^(?P<name>(?:dfo|qc|muc)\d{2})(?:\.[A-Za-z0-9.-]+)?$")


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
        line = raw.split("#", 1)[0]
        for column in line.split():
            match = _BLADE.match(column)
            if match:
                found.append(DbrcHost(number, match.group("name")))
    return found
