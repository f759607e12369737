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


def leaks(env: Mapping[str, str], prefixes: Iterable[str], old_hosts: Iterable[str]) -> list[str]:
    """``NAME=value  reason`` for each value holding a physical prefix or an old blade's name.

    A prefix counts where it starts a path (``/fujisan3/...``, ``:/diska/...``); a host name
    counts as a whole word, so ``dfo23`` is found in ``dfo23.hq.eso.org`` but not in ``xdfo234``.
    """
    prefix_list = [p.rstrip("/") for p in prefixes]
    host_patterns = [
        (h, re.compile(rf"(?<![A-Za-z0-9_]){re.escape(h)}(?![A-Za-z0-9_])"))
        for h in sorted(set(old_hosts))
    ]
    found: list[str] = []
    for name in sorted(env):
        value = env[name]
        for prefix in prefix_list:
            if re.search(rf"(^|[\s:=\"'(]){re.escape(prefix)}(/|$|[\s:\"')])", value):
                found.append(f"{name}={value}  physical prefix {prefix}")
        for host, pattern in host_patterns:
            if pattern.search(value):
                found.append(f"{name}={value}  names the old blade {host}")
    return found
