"""When a path in an AB is clean (DOMAIN.md §3), and which files an AB needs on the blade.

Clean: no physical prefix, no ``..``, no ``//``, every variable known, not another account's
disk, and under the directory its qualifier belongs to once the variables are expanded with the
blade's environment.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping

from .ab import (
    LINE_CAP,
    AbDiagnostic,
    AbPath,
    AbProblem,
    AssociationBlock,
    expand,
    parse_ab,
)

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
BLOCKING: frozenset[AbProblem] = frozenset(
    {
        AbProblem.NON_UTF8,
        AbProblem.BINARY,
        AbProblem.LONG_LINE,
        AbProblem.COLUMNS,
        AbProblem.UNTERMINATED,
    }
)
"""Problems after which an AB's paths may be missing or misread: bytes that are not UTF-8,
binary content, a skipped line, a path line with the wrong number of columns, and an AB cut
short (createAB ends every line: a file that stops mid-line lost the rest). An empty AB has no
DATE and fails as one that belongs to no night."""


def blocking_problems(ab: AssociationBlock) -> tuple[AbDiagnostic, ...]:
    """The AB's diagnostics that mean paths may have been lost, decided by their kind; one more
    (on line 0) when such a problem lies only beyond the diagnostics cap."""
    found = tuple(d for d in ab.diagnostics if d.kind in BLOCKING)
    unlisted = (ab.problem_kinds & BLOCKING) - {d.kind for d in found}
    if unlisted:
        kinds = ", ".join(sorted(unlisted))
        found += (
            AbDiagnostic(
                0,
                f"paths may be missing: the problems not listed include {kinds}",
                min(unlisted),
            ),
        )
    return found


class AbPathRules:
    """The clean-path rules for one account and environment, prepared once for many ABs."""

    def __init__(self, env: Mapping[str, str], account: str, prefixes: Iterable[str]) -> None:
        self.env = env
        self.account = account
        self.prefixes = tuple(prefixes)
        self._prefix_marks = tuple(f"{p.rstrip('/')}/" for p in self.prefixes)
        self.places: dict[tuple[str, str | None], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for key, specs in PLACES.items():
            folders = tuple(f for f in (_place(spec, env) for spec in specs) if f)
            self.places[key] = (specs, folders)
        self.prefix_marks = tuple(p.rstrip("/").encode() for p in self.prefixes)
        self.clean_line_pattern = _clean_line_pattern(self)

    def problems(self, qualifier: str, flag: str | None, path: str) -> list[str]:
        """Why this AB path is not clean; empty when it is."""
        problems = [f"physical prefix {prefix}" for prefix in self.prefixes_in(path)]
        if "/../" in path or path.endswith("/..") or path.startswith("../") or path == "..":
            problems.append("'..' in the path")
        if "//" in path:
            problems.append("'//' in the path")
        expanded = path
        if "$" in path:
            expanded, unknown = expand(path, self.env)
            if unknown:
                problems.append("unknown variable " + ", ".join(f"${name}" for name in unknown))
                return problems
        if expanded.startswith("/data/"):
            disk = _ACCOUNT_DISK.match(expanded)
            if disk and disk.group(1) != self.account:
                problems.append(f"on another account's disk ({disk.group(1)})")
        specs, folders = self.places.get(
            (qualifier, flag if qualifier in ("MCALIB", "MASSOC") else None), ((), ())
        )
        if specs and not folders:
            # the rule cannot be applied: that is a finding, never a pass
            problems.append(f"not placeable: {' and '.join(specs)} not defined on the blade")
        elif folders and not any(_under(expanded, folder) for folder in folders):
            problems.append(f"not under {' or '.join(specs)} ({', '.join(folders)})")
        return problems

    def prefixes_in(self, text: str) -> list[str]:
        """The physical prefixes a path or value starts with or holds (``/fujisan3/...``)."""
        return [
            prefix
            for prefix, mark in zip(self.prefixes, self._prefix_marks, strict=True)
            if text == prefix or text.startswith(mark) or f"/{mark.lstrip('/')}" in text
        ]

    def unclean_paths(self, ab: AssociationBlock, shown: str) -> list[str]:
        """Evidence ``AB file:line  qualifier  path  reason`` for the AB's unclean paths, for a
        physical prefix in any other value of any line the tools read (LOG_NAME, RBLOG,
        PRODUCTS, ...; comments are not read), and for what makes the AB itself unreadable."""
        found = [f"{shown}:{d.line}  (AB)  -  {d.reason}" for d in blocking_problems(ab)]
        judged: dict[int, str] = {}
        for entry in ab.paths_of(*CHECKED_QUALIFIERS):
            judged[entry.line] = entry.path
            problems = self.problems(entry.qualifier, entry.flag, entry.path)
            if problems:
                found.append(
                    f"{shown}:{entry.line}  {entry.qualifier}  {entry.path}  {'; '.join(problems)}"
                )
        for line in ab.entries:
            for value in line.columns:
                prefixes = [] if judged.get(line.line) == value else self.prefixes_in(value)
                if prefixes:
                    found.append(
                        f"{shown}:{line.line}  {line.qualifier}  {value}  physical prefix"
                        f" {', '.join(prefixes)}"
                    )
        return found

    def unclean_paths_of_file(self, data: bytes, shown: str) -> list[str]:
        """The same as unclean_paths(parse_ab(data)), faster: a plain AB is scanned with one
        regular expression, and anything the scan is not sure of goes to the full parser."""
        if fast_scan_is_clean(data, self):
            return []
        return self.unclean_paths(parse_ab(data, posixpath.basename(shown)), shown)


_PATH_QUALIFIER = re.compile(
    rb"^[ \t]*(?:RAWFILE|SOF_CONTENT|PRODUCTS|MCALIB|MASSOC|PROD_PATH)(?=[ \t\n]|$)", re.M
)
_LONG_LINE = re.compile(rb"[^\n]{%d}" % (LINE_CAP + 1))
_COLUMN = rb"[^\s#]\S*"


def count_path_lines(data: bytes) -> int:
    """How many lines of an AB name a path (RAWFILE, MCALIB, MASSOC, SOF_CONTENT, PRODUCTS,
    PROD_PATH): what a clean-path check has looked at."""
    return len(_PATH_QUALIFIER.findall(data))


def _spellings(spec: str, env: Mapping[str, str]) -> list[bytes]:
    """Every way an AB may begin a path in the folder ``spec``: its value, ``$VAR``, ``${VAR}``."""
    variable, _, sub = spec.partition("/")
    value = env.get(variable, "")
    tail = re.escape(f"/{sub}".encode()) if sub else b""
    return [
        re.escape(posixpath.join(value, sub).rstrip("/").encode()),
        rb"\$" + variable.encode() + rb"(?![A-Za-z0-9_])" + tail,
        rb"\$\{" + variable.encode() + rb"\}" + tail,
    ]


def _clean_line_pattern(rules: AbPathRules) -> re.Pattern[bytes] | None:
    """One expression that finds a path line that is not clean (or not of the expected columns)
    for these rules; None where the environment itself is odd (a folder missing, on another
    disk, with a variable), so the fast path is not taken."""
    alternatives = [rb"PRODUCTS[ \t]+" + _COLUMN + rb"[ \t]+" + _COLUMN + rb"[ \t]*$"]
    for (qualifier, flag), specs in PLACES.items():
        for spec in specs:
            folder = _place(spec, rules.env)
            if not folder or not folder.isascii() or "$" in folder or not folder.startswith("/"):
                return None
            disk = _ACCOUNT_DISK.match(folder)
            if disk and disk.group(1) != rules.account:
                return None
        start = (
            rb"(?:"
            + rb"|".join(s for spec in specs for s in _spellings(spec, rules.env))
            + rb")(?:/[^\s$]*)?"
        )
        head = qualifier.encode() + (rb"[ \t]+" + flag.encode() if flag else b"")
        category = b"" if qualifier == "PROD_PATH" else rb"[ \t]+" + _COLUMN
        alternatives.append(head + rb"[ \t]+" + start + category + rb"[ \t]*$")
    # a path line that is not one of the clean forms: no match means every path line is clean
    clean = b"|".join(alternatives)
    # anchored on a newline rather than ^, which lets the engine skip to line starts in C; the
    # data is searched with a newline in front so the first line counts too
    path_line = _PATH_QUALIFIER.pattern.lstrip(b"^")
    return re.compile(rb"\n(?=" + path_line + rb")(?!(?:" + clean + rb"))", re.M)


def fast_scan_is_clean(data: bytes, rules: AbPathRules) -> bool:
    """True only when the AB is plain (ASCII, no NUL or CR, whole last line, short lines), has no
    physical prefix, '..' or '//' anywhere, and every path line is a clean one with exactly the
    expected columns. False means "not sure": the caller asks the full parser. Each test is a
    scan in C over the whole file, which is what keeps the check near ``grep``'s speed."""
    pattern = rules.clean_line_pattern
    if (
        pattern is None
        or not data.endswith(b"\n")
        or b"\0" in data
        or b"\r" in data
        or not data.isascii()
    ):
        return False
    if (len(data) > LINE_CAP and _LONG_LINE.search(data)) or b"//" in data or b".." in data:
        return False
    if any(mark in data for mark in rules.prefix_marks):
        return False
    return pattern.search(b"\n" + data) is None


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/")
    return path == folder or path.startswith(folder + "/")


def _place(spec: str, env: Mapping[str, str]) -> str | None:
    variable, _, sub = spec.partition("/")
    base = env.get(variable)
    if not base:
        return None
    return posixpath.join(base, sub) if sub else base


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
    """RAWFILE and MCALIB paths the blade must hold (REAL ones anywhere, VIRTUAL under VCAL)."""
    return [(p, expand(p.path, env)[0]) for p in ab.paths_of("RAWFILE", "MCALIB")]


def header_instead(path: str) -> str:
    """After cleanup a product is replaced by its ``.hdr``."""
    for suffix in (".fits.gz", ".fits.Z", ".fits"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".hdr"
    return path + ".hdr"
