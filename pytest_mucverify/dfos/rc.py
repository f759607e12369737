"""Rules on the environment that bash gives after sourcing an account's rc files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .layout import STANDARD_VARIABLES


def missing_variables(
    env: Mapping[str, str], names: Iterable[str] = STANDARD_VARIABLES
) -> list[str]:
    return [name for name in names if not env.get(name)]


def defined_by_rc(after: Mapping[str, str], before: Mapping[str, str]) -> dict[str, str]:
    """The variables the rc files set or changed."""
    return {k: v for k, v in after.items() if before.get(k) != v}


_DOUBLE_SLASH = re.compile(r"/{2,}")
_DOT_SEGMENT = re.compile(r"/\.(?=/|$)")
_UP_SEGMENT = re.compile(r"/(?!\.\.(?:/|$))[^/\s:,;=\"'()]+/\.\.(?=/|$)")


def _normalised_paths(value: str) -> str:
    """The value with each path in it written the short way: ``//`` is ``/``, ``/./`` is ``/``
    and ``dir/..`` goes, so ``/data/../fujisan3`` and ``file:///fujisan3`` show their prefix."""
    value = _DOUBLE_SLASH.sub("/", value)
    value = _DOT_SEGMENT.sub("", value)
    while True:
        shorter = _UP_SEGMENT.sub("", value, count=1)
        if shorter == value:
            return value
        value = shorter


def leaks(env: Mapping[str, str], prefixes: Iterable[str], old_hosts: Iterable[str]) -> list[str]:
    """``NAME=value  reason`` for each value holding a physical prefix or an old blade's name.

    A prefix counts where it starts a path (``/fujisan3/...``, ``:/diska/...``, ``a,/diska``,
    ``file:///diska``, ``/data/../diska``), not inside one (``/data/fujisan3``); a host name
    counts as a whole word in any case, so ``dfo23`` is found in ``DFO23.hq.eso.org`` but not in
    ``xdfo234``.
    """
    prefix_patterns = [
        (p, re.compile(rf"(?<![\w.\-~]){re.escape(p)}(?=/|$|[^\w.\-])"))
        for p in (prefix.rstrip("/") for prefix in prefixes)
        if p
    ]
    host_patterns = [
        (h, re.compile(rf"(?<![A-Za-z0-9_]){re.escape(h)}(?![A-Za-z0-9_])", re.IGNORECASE))
        for h in sorted(set(old_hosts))
    ]
    found: list[str] = []
    for name in sorted(env):
        value = env[name]
        paths = _normalised_paths(value)
        for prefix, pattern in prefix_patterns:
            if pattern.search(paths):
                found.append(f"{name}={value}  physical prefix {prefix}")
        for host, pattern in host_patterns:
            if pattern.search(value):
                found.append(f"{name}={value}  names the old blade {host}")
    return found


XV_CALL = re.compile(
    r"(?:^|[\s;&|(`\"'{]|=[\"']?|:[-=+])(?:/\S+/)?(?P<xv>xv)(?=\s|$|[;&|)`\"'<>},])", re.M
)
"""xv as a command (``xv file``, ``"xv" f``, ``xv>/dev/null``, ``/usr/bin/xv``) or as a value
(``VIEWER=xv``, ``VIEWER="xv"``, ``${VIEWER:-xv}``, ``PLOT_VIEWER "xv"``)."""


def xv_calls(where: str, text: str, first_line: int = 1) -> list[str]:
    """``<where> line N: <line>`` for each call of xv in the text (its first line numbered
    ``first_line``)."""
    lines = text.splitlines()
    calls = []
    for match in XV_CALL.finditer(text):
        index = text.count("\n", 0, match.start("xv"))
        calls.append(f"{where} line {first_line + index}: {lines[index].strip()}")
    return calls
