"""The VNC business rule (plan II.6): each account of a muc owns three display numbers, in groups
1-3, 4-6 and 7-9 handed out in alphabetical order of the accounts on that blade."""

from __future__ import annotations

import posixpath
import re
import shlex
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


LOCAL = frozenset({"", "unix", "localhost"})
"""host parts of a DISPLAY that name the blade the job runs on."""


def display_host(value: str) -> str | None:
    """The host part of ``host:4`` (``""`` for ``:4``); None when ``value`` is no display."""
    match = _DISPLAY.match(value.strip())
    return value.strip().rsplit(":", 1)[0] if match else None


def display_number(value: str, blade: str | None = None) -> int | None:
    """``:4``, ``muc02:4`` or ``:4.0`` -> 4; None for anything else and, given the ``blade``
    the job runs on, for a display of another host (``dfo23:1`` is the old blade's ``:1``, not
    the muc's): only no host, ``unix``, ``localhost`` and the blade itself (``muc02``,
    ``muc02.domain``) are the blade's own displays."""
    match = _DISPLAY.match(value.strip())
    if not match:
        return None
    if blade is not None:
        host = display_host(value) or ""
        if host not in LOCAL and host != blade and not host.startswith(f"{blade}."):
            return None
    return int(match.group(1))


def _words(command: str) -> list[str]:
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        return list(lexer)
    except ValueError:
        return command.split()


def displays_used(environment: Mapping[str, str], command: str) -> list[str]:
    """DISPLAY values a cron job uses: from its environment, from ``DISPLAY=...`` and
    ``-display X`` in its command, and the display arguments (``:4``, ``host:4``) of a VNC
    program it runs (``vnc_keepalive :4``, ``vncserver -kill :4``)."""
    used = [environment["DISPLAY"]] if environment.get("DISPLAY") else []
    used += re.findall(r"(?:^|[\s;&|(])DISPLAY=(\S+)", command)
    used += re.findall(r"-display\s+(\S+)", command)
    in_vnc = False
    for word in _words(command):
        if word and all(c in ";&|()" for c in word):
            in_vnc = False
        elif "vnc" in posixpath.basename(word).lower() and ":" not in word:
            in_vnc = True
        elif in_vnc and _DISPLAY.match(word):
            used.append(word)
    return used
