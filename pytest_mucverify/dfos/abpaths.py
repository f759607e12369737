"""When a path in an AB is clean (DOMAIN.md §3), and which files an AB needs on the blade.

Clean: no physical prefix, no ``..``, no ``//``, every variable known, not another account's
disk, and under the directory its qualifier belongs to once the variables are expanded with the
blade's environment.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping

from .ab import AbPath, AssociationBlock, expand

PLACES: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("RAWFILE", None): ("DFO_RAW_DIR",),
    ("MCALIB", "REAL"): ("DFO_CAL_DIR", "GEN_CALDIR"),
    ("MCALIB", "VIRTUAL"): ("DFO_CAL_DIR/VCAL",),
    ("MASSOC", "REAL"): ("DFO_CAL_DIR", "GEN_CALDIR"),
    ("MASSOC", "VIRTUAL"): ("DFO_CAL_DIR/VCAL",),
    ("SOF_CONTENT", None): ("DFO_RAW_DIR", "DFO_CAL_DIR", "GEN_CALDIR"),
    ("PROD_PATH", None): ("DFS_PRODUCT",),
}
"""Where each kind of AB path must lie: a variable, optionally with a subfolder."""
CHECKED_QUALIFIERS = ("RAWFILE", "MCALIB", "MASSOC", "SOF_CONTENT", "PROD_PATH")
_ACCOUNT_DISK = re.compile(r"^/data/([^/]+)(/|$)")


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/")
    return path == folder or path.startswith(folder + "/")


def _place(spec: str, env: Mapping[str, str]) -> str | None:
    variable, _, sub = spec.partition("/")
    base = env.get(variable)
    if not base:
        return None
    return posixpath.join(base, sub) if sub else base


def path_problems(
    entry: AbPath, env: Mapping[str, str], account: str, prefixes: Iterable[str]
) -> list[str]:
    """Why this AB path is not clean; empty when it is."""
    path = entry.path
    problems = []
    for prefix in prefixes:
        if _under(path, prefix) or f"/{prefix.strip('/')}/" in path:
            problems.append(f"physical prefix {prefix}")
    parts = path.split("/")
    if ".." in parts:
        problems.append("'..' in the path")
    if "//" in path:
        problems.append("'//' in the path")
    expanded, unknown = expand(path, env)
    if unknown:
        problems.append("unknown variable " + ", ".join(f"${name}" for name in unknown))
        return problems
    disk = _ACCOUNT_DISK.match(expanded)
    if disk and disk.group(1) != account:
        problems.append(f"on another account's disk ({disk.group(1)})")
    places = PLACES.get(
        (entry.qualifier, entry.flag if entry.qualifier in ("MCALIB", "MASSOC") else None), ()
    )
    folders = [f for f in (_place(spec, env) for spec in places) if f]
    if folders and not any(_under(expanded, folder) for folder in folders):
        problems.append(f"not under {' or '.join(places)} ({', '.join(folders)})")
    return problems


def unclean_paths(
    ab: AssociationBlock, env: Mapping[str, str], account: str, prefixes: Iterable[str], shown: str
) -> list[str]:
    """Evidence lines ``AB file:line  qualifier  path  reason`` for the AB's unclean paths, and
    for what makes the AB itself unreadable."""
    prefix_list = list(prefixes)
    found = [
        f"{shown}:{d.line}  (AB)  -  {d.reason}" for d in ab.diagnostics if _blocking(d.reason)
    ]
    for entry in ab.paths_of(*CHECKED_QUALIFIERS):
        problems = path_problems(entry, env, account, prefix_list)
        if problems:
            found.append(
                f"{shown}:{entry.line}  {entry.qualifier}  {entry.path}  {'; '.join(problems)}"
            )
    return found


def _blocking(reason: str) -> bool:
    """Diagnostics that mean paths may have been lost: unreadable bytes, binary, cut lines."""
    return any(
        word in reason for word in ("non-UTF-8", "binary", "NUL", "characters (over", "columns")
    )


def sof_outsiders(
    ab: AssociationBlock, env: Mapping[str, str], canonical: Callable[[str], str], shown: str
) -> list[str]:
    """SOF_CONTENT frames that are none of the AB's RAWFILE or MCALIB paths (compared as the
    same physical file, so a prefix problem is left to the clean-path check)."""

    def key(path: str) -> str:
        return canonical(expand(path, env)[0])

    inputs = {key(p.path) for p in ab.paths_of("RAWFILE", "MCALIB")}
    return [
        f"{shown}:{p.line}  SOF_CONTENT  {p.path}  is none of the AB's RAWFILE or MCALIB paths"
        for p in ab.paths_of("SOF_CONTENT")
        if key(p.path) not in inputs
    ]


def required_files(ab: AssociationBlock, env: Mapping[str, str]) -> list[tuple[AbPath, str]]:
    """RAWFILE and REAL MCALIB paths the blade must hold, and VIRTUAL MCALIBs (under VCAL)."""
    return [(p, expand(p.path, env)[0]) for p in ab.paths_of("RAWFILE", "MCALIB")]


def header_instead(path: str) -> str:
    """After cleanup a product is replaced by its ``.hdr``."""
    for suffix in (".fits.gz", ".fits.Z", ".fits"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".hdr"
    return path + ".hdr"
