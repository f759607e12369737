"""The version a DFOS tool script declares (``TOOL_VERSION="2.1"``), and what is wrong with it.

A script can assign ``TOOL_VERSION`` more than once (a patched copy, a block pasted from an
older release); the shell keeps the last assignment, so every one is read and they must agree.
"""

from __future__ import annotations

import re

__all__ = ["as_tuple", "declared_versions", "version_problems"]

_VERSION = re.compile(rb"""^\s*(?:export\s+)?TOOL_VERSION=["']?([^"'\s;]*)["']?""", re.M)


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def declared_versions(script: bytes) -> list[str]:
    """Every ``TOOL_VERSION`` the script assigns, in order (not decoded beyond ASCII)."""
    return [m.group(1).decode("ascii", "backslashreplace") for m in _VERSION.finditer(script)]


def version_problems(
    tool: str, script: bytes, standard: str, minimum: tuple[int, ...] | None = None
) -> list[str]:
    """What keeps the script from being the standard version (empty when it is)."""
    versions = declared_versions(script)
    if not versions:
        return [f"{tool}: no TOOL_VERSION line"]
    if len(set(versions)) > 1:
        return [
            f"{tool}: TOOL_VERSION is set to {', then '.join('v' + v for v in versions)};"
            f" the shell runs with v{versions[-1]}, the standard version is v{standard}"
        ]
    version = versions[-1]
    problems = []
    if not re.fullmatch(r"[0-9][0-9.]*", version):
        problems.append(f"{tool}: TOOL_VERSION {version!r} is not a version number")
    elif version != standard:
        problems.append(f"{tool}: v{version}, the standard version is v{standard}")
    if minimum and as_tuple(version) < minimum:
        problems.append(
            f"{tool}: v{version}, the muc needs v{'.'.join(map(str, minimum))} or later"
        )
    return problems
