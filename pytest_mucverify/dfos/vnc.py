"""The VNC business rule (plan II.6): each account of a muc owns three display numbers, in groups
1-3, 4-6 and 7-9 handed out in alphabetical order of the accounts on that blade."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

GROUP = 3
DISPLAYS = range(1, 10)
_DISPLAY = re.compile(r"^(?:[A-Za-z0-9_.-]*):(\d+)(?:\.\d+)?$")


def displays_of(account: str, accounts_on_blade: Iterable[str]) -> tuple[int, ...]:
    """The account's three display numbers; () when it has none (a fourth account, or not on the blade)."""
    ordered = sorted(set(accounts_on_blade))
    if account not in ordered or ordered.index(account) * GROUP >= len(DISPLAYS):
        return ()
    first = ordered.index(account) * GROUP + 1
    return tuple(range(first, first + GROUP))


def display_number(value: str) -> int | None:
    """``:4``, ``muc02:4`` or ``:4.0`` -> 4; None for anything else."""
    match = _DISPLAY.match(value.strip())
    return int(match.group(1)) if match else None


def displays_used(environment: Mapping[str, str], command: str) -> list[str]:
    """DISPLAY values a cron job uses: from its environment and from ``DISPLAY=...`` in its command."""
    used = [environment["DISPLAY"]] if environment.get("DISPLAY") else []
    used += re.findall(r"(?:^|[\s;&|(])DISPLAY=(\S+)", command)
    used += re.findall(r"-display\s+(\S+)", command)
    return used
