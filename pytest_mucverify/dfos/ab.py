"""Association blocks (DOMAIN.md §3): parse the text, never raise, say what is wrong.

Format rules implemented here:

- Lines end at ``\\n`` only. A ``\\r`` counts as a column separator, so CRLF files read, but gets one
  diagnostic per file: the DFOS shell tools (awk) would keep it in the last column.
- Columns are separated by tabs or runs of spaces; the first column is the qualifier.
- ``#`` starts a comment where it starts a column (start of line or after whitespace), so a ``#``
  inside a word (``a#1``) is content. A comment after the columns stays on the entry.
- The file is decoded line by line as UTF-8; an undecodable byte becomes U+FFFD and the line is
  still parsed, so one bad byte does not hide the qualifiers around it.
- A NUL byte means binary content, reported once. When the lines before the NUL's line are
  clean UTF-8 text (an AB with a zero-filled tail after a crash) they are kept and the rest is
  not read; otherwise (an image, a FITS file) nothing is read, so the noise before the first NUL
  gives no diagnostics of its own.
- A line over ``LINE_CAP`` characters is skipped (it is kept in ``lines`` as an ``AbSkipped``, so
  line numbers and re-rendering stay aligned).
- Diagnostics stop after ``MAX_DIAGNOSTICS``, so a garbage file gives one screenful, not millions.
- Line 0 in a diagnostic means the whole file.
- Every diagnostic has a kind (:class:`AbProblem`): code decides on the kind, never on the text,
  which quotes what the AB says (an unknown qualifier ``NUL`` is not binary content). The kinds
  of the diagnostics dropped by the cap are still in ``AssociationBlock.problem_kinds``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

LINE_CAP = 4096
MAX_DIAGNOSTICS = 100

LIST_COLUMNS: dict[str, int] = {
    "RAWFILE": 2,
    "MCALIB": 3,
    "MASSOC": 3,
    "SOF_CONTENT": 2,
    "PRODUCTS": 2,
    "PROD_PATH": 1,
}
"""Column count (after the qualifier) of the qualifiers with a fixed layout."""

REPEATED: frozenset[str] = frozenset(
    {"RAW_MATCH_KEY", "RAWFILE", "MCALIB", "MASSOC", "SOF_CONTENT", "PRODUCTS", "RBLOG"}
)
"""Qualifiers that may occur more than once; every other one is single-valued."""

SINGLE: frozenset[str] = frozenset(
    {
        "TOOL_VERSION",
        "CONFIG_VERSION",
        "INSTRUMENT",
        "DATE",
        "DPR_CATG",
        "RAW_TYPE",
        "RECIPE",
        "DRS_TYPE",
        "BATCH_ID",
        "AB_NAME",
        "AB_EVENT",
        "COMPLETENESS",
        "PROCESS_STATUS",
        "OBS_PROG_ID",
        "OBS_MODE",
        "OBS_ID",
        "MJD-OBS",
        "MJD-OBS_MOD",
        "PROD_ROOT_NAME",
        "LOG_NAME",
        "PROD_PATH",
    }
)

QUALIFIERS: frozenset[str] = SINGLE | REPEATED
PATH_QUALIFIERS: tuple[str, ...] = ("RAWFILE", "MCALIB", "MASSOC", "SOF_CONTENT", "PROD_PATH")
FLAGS: tuple[str, ...] = ("REAL", "VIRTUAL")

_TOKEN = re.compile(r"[^ \t\r]+")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


class AbProblem(StrEnum):
    EMPTY = "empty file"
    NON_UTF8 = "non-UTF-8 bytes"
    BINARY = "binary content"
    LONG_LINE = "overlong line"
    CARRIAGE_RETURN = "carriage return"
    UNKNOWN_QUALIFIER = "unknown qualifier"
    REPEATED = "repeated qualifier"
    MISSING_VALUE = "qualifier without a value"
    MALFORMED_VALUE = "malformed value"
    COLUMNS = "wrong column count"
    FLAG = "bad REAL/VIRTUAL flag"
    UNTERMINATED = "last line not terminated"
    NO_QUALIFIERS = "no qualifier lines"
    NOT_LISTED = "further problems not listed"


@dataclass(frozen=True)
class AbDiagnostic:
    line: int
    reason: str
    kind: AbProblem


@dataclass(frozen=True)
class AbEntry:
    line: int
    qualifier: str
    columns: tuple[str, ...]
    comment: str | None = None
    """text after the ``#`` of a comment that follows the columns."""


@dataclass(frozen=True)
class AbComment:
    line: int
    text: str
    """everything after the ``#``."""


@dataclass(frozen=True)
class AbBlank:
    line: int


@dataclass(frozen=True)
class AbSkipped:
    line: int
    reason: str


AbLine = AbEntry | AbComment | AbBlank | AbSkipped


@dataclass(frozen=True)
class AbPath:
    line: int
    qualifier: str
    path: str
    flag: str | None
    """REAL/VIRTUAL (as written) for MCALIB and MASSOC, None for the others."""
    category: str | None
    """DO category, PRO.CATG or SOF tag; None for PROD_PATH."""


@dataclass(frozen=True)
class AssociationBlock:
    name: str
    entries: tuple[AbEntry, ...]
    lines: tuple[AbLine, ...]
    """every line read, in order: entries, comments, blank and skipped lines."""
    diagnostics: tuple[AbDiagnostic, ...]
    paths: tuple[AbPath, ...] = ()
    """the path lines with the right column count, in order."""
    problem_kinds: frozenset[AbProblem] = frozenset()
    """the kind of every problem found, also of those beyond the diagnostics cap."""

    def entries_of(self, qualifier: str) -> tuple[AbEntry, ...]:
        return tuple(e for e in self.entries if e.qualifier == qualifier)

    def paths_of(self, *qualifiers: str) -> tuple[AbPath, ...]:
        return tuple(p for p in self.paths if p.qualifier in qualifiers)

    def value(self, qualifier: str) -> str | None:
        """The columns of the first ``qualifier`` line joined by one space, None if absent."""
        for entry in self.entries:
            if entry.qualifier == qualifier:
                return " ".join(entry.columns)
        return None

    def values(self, qualifier: str) -> tuple[str, ...]:
        return tuple(" ".join(e.columns) for e in self.entries if e.qualifier == qualifier)


class _Diagnostics:
    def __init__(self) -> None:
        self.items: list[AbDiagnostic] = []
        self.dropped = 0
        self.kinds: set[AbProblem] = set()

    def add(self, line: int, kind: AbProblem, reason: str) -> None:
        self.kinds.add(kind)
        if len(self.items) < MAX_DIAGNOSTICS:
            self.items.append(AbDiagnostic(line, reason, kind))
        else:
            self.dropped += 1

    def result(self) -> tuple[AbDiagnostic, ...]:
        items = sorted(self.items, key=lambda d: d.line)
        if self.dropped:
            items.append(
                AbDiagnostic(0, f"{self.dropped} further problems not listed", AbProblem.NOT_LISTED)
            )
        return tuple(items)


def _show(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(raw: bytes, number: int, offset: int, diags: _Diagnostics) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        diags.add(
            number,
            AbProblem.NON_UTF8,
            f"non-UTF-8 byte 0x{bad:02x} at byte offset {offset + exc.start} "
            f"(byte {exc.start + 1} of the line)",
        )
        return raw.decode("utf-8", errors="replace")


def _split(text: str) -> tuple[list[str], str | None]:
    columns: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.group().startswith("#"):
            return columns, text[match.start() + 1 :]
        columns.append(match.group())
    return columns, None


def _check(entry: AbEntry, seen: dict[str, int], diags: _Diagnostics) -> AbPath | None:
    """Diagnostics for one entry; its path view when it is a well-formed path line."""
    q, cols, n = entry.qualifier, entry.columns, entry.line
    if q not in QUALIFIERS:
        diags.add(n, AbProblem.UNKNOWN_QUALIFIER, f"unknown qualifier {_show(q)}")
        return None
    if q in SINGLE:
        if q in seen:
            diags.add(n, AbProblem.REPEATED, f"{q} repeated (first on line {seen[q]})")
        else:
            seen[q] = n
        if not cols:
            diags.add(n, AbProblem.MISSING_VALUE, f"{q} without a value")
    if q == "RAW_MATCH_KEY" and (not cols or "=" not in cols[0]):
        diags.add(n, AbProblem.MALFORMED_VALUE, "RAW_MATCH_KEY is not NAME=value")
    if q == "RBLOG" and not cols:
        diags.add(n, AbProblem.MISSING_VALUE, "RBLOG without a value")
    expected = LIST_COLUMNS.get(q)
    if expected is None:
        return None
    if len(cols) != expected:
        diags.add(n, AbProblem.COLUMNS, f"{q} has {len(cols)} columns, expected {expected}")
        return None
    if q in ("MCALIB", "MASSOC"):
        if cols[0] not in FLAGS:
            diags.add(n, AbProblem.FLAG, f"{q} flag {_show(cols[0])} is not REAL or VIRTUAL")
        return AbPath(n, q, cols[1], cols[0], cols[2])
    if q in PATH_QUALIFIERS:
        return AbPath(n, q, cols[0], None, cols[1] if expected == 2 else None)
    return None


_NOT_PLAIN = re.compile(rb"[\x00\r\x0b\x0c\x1c-\x1f]")
"""what keeps an ASCII AB off the plain path: a NUL, a carriage return, or a character that
``str.split`` takes for whitespace but the AB format does not."""


class _Reading:
    """What the lines of one AB have given so far."""

    def __init__(self) -> None:
        self.diags = _Diagnostics()
        self.lines: list[AbLine] = []
        self.entries: list[AbEntry] = []
        self.paths: list[AbPath] = []
        self.seen: dict[str, int] = {}

    def add(self, number: int, columns: list[str], comment: str | None) -> None:
        if columns:
            entry = AbEntry(number, columns[0], tuple(columns[1:]), comment)
            self.entries.append(entry)
            self.lines.append(entry)
            path = _check(entry, self.seen, self.diags)
            if path is not None:
                self.paths.append(path)
        elif comment is not None:
            self.lines.append(AbComment(number, comment))
        else:
            self.lines.append(AbBlank(number))

    def block(self, name: str) -> AssociationBlock:
        return AssociationBlock(
            name,
            tuple(self.entries),
            tuple(self.lines),
            self.diags.result(),
            tuple(self.paths),
            frozenset(self.diags.kinds),
        )


def _is_plain(data: bytes) -> bool:
    """ASCII, every line ended, none over LINE_CAP, none of ``_NOT_PLAIN``."""
    return (
        data.endswith(b"\n")
        and data.isascii()
        and _NOT_PLAIN.search(data) is None
        and (len(data) <= LINE_CAP or max(map(len, data.split(b"\n"))) <= LINE_CAP)
    )


def parse_ab(data: bytes, name: str = "") -> AssociationBlock:
    """Parse an AB; whatever ``data`` holds, the answer is an AssociationBlock (see module doc)."""
    if _is_plain(data):
        return _parse_plain(data.decode("ascii"), name)
    return _parse_any(data, name)


def _parse_plain(text: str, name: str) -> AssociationBlock:
    """An AB as the DFOS tools write it (ASCII, every line ended, none overlong, no NUL or
    carriage return): decoded at once, and a line without ``#`` split by ``str.split``, which
    then cuts exactly where the AB format does. Gives what :func:`_parse_any` gives."""
    reading = _Reading()
    for number, line in enumerate(text.split("\n")[:-1], start=1):
        columns, comment = _split(line) if "#" in line else (line.split(), None)
        reading.add(number, columns, comment)
    if not reading.entries:
        reading.diags.add(0, AbProblem.NO_QUALIFIERS, "no qualifier lines")
    return reading.block(name)


def _parse_any(data: bytes, name: str) -> AssociationBlock:
    """Whatever the bytes hold: decoded line by line, every problem of the module doc found."""
    reading = _Reading()
    diags, lines = reading.diags, reading.lines
    if not data:
        diags.add(0, AbProblem.EMPTY, "empty file")
        return AssociationBlock(name, (), (), diags.result(), (), frozenset(diags.kinds))
    nul = data.find(b"\x00")
    text_part = data if nul < 0 else data[: data.rfind(b"\n", 0, nul) + 1]
    binary = nul >= 0 and not _is_utf8(text_part)
    raws = [] if binary else text_part.split(b"\n")
    # The piece after the last newline: empty when the file ends properly (and always when there
    # is a NUL, since text_part then stops before the NUL's line), else an unterminated last line.
    tail = raws.pop() if raws else b""
    offset = 0
    carriage_return = False
    number = 0
    for number, raw in enumerate([*raws, tail] if tail else raws, start=1):
        start, offset = offset, offset + len(raw) + 1
        # A line of at most LINE_CAP bytes has at most LINE_CAP characters: only longer ones
        # need counting.
        if len(raw) > LINE_CAP and (length := len(raw.decode("utf-8", "replace"))) > LINE_CAP:
            reason = f"line of {length} characters (over {LINE_CAP})"
            diags.add(number, AbProblem.LONG_LINE, reason)
            lines.append(AbSkipped(number, reason))
            continue
        text = _decode(raw, number, start, diags)
        if "\r" in text and not carriage_return:
            carriage_return = True
            diags.add(
                number, AbProblem.CARRIAGE_RETURN, "carriage return in the line (DOS line ends?)"
            )
        text = text.rstrip("\r")
        columns, comment = _split(text)
        reading.add(number, columns, comment)
    if binary:
        diags.add(
            data.count(b"\n", 0, nul) + 1,
            AbProblem.BINARY,
            f"binary content (NUL byte at byte offset {nul})",
        )
    elif nul >= 0:
        diags.add(
            len(raws) + 1,
            AbProblem.BINARY,
            f"binary content (NUL byte at byte offset {nul}); the rest is not read",
        )
    elif tail:
        diags.add(number, AbProblem.UNTERMINATED, "last line not terminated (truncated file?)")
    if not reading.entries and not binary:
        diags.add(0, AbProblem.NO_QUALIFIERS, "no qualifier lines")
    return reading.block(name)


def _render_line(line: AbLine) -> str:
    if isinstance(line, AbEntry):
        text = "\t".join((line.qualifier, *line.columns))
        return text if line.comment is None else f"{text}\t#{line.comment}"
    if isinstance(line, AbComment):
        return f"#{line.text}"
    if isinstance(line, AbSkipped):
        return f"# skipped: {line.reason}"
    return ""


def render_ab(ab: AssociationBlock) -> str:
    """The AB as text: qualifier and columns joined by TABs, comments and blank lines in place.

    A skipped line becomes a comment saying why, so the other lines keep their numbers. An AB
    built by hand with no ``lines`` is rendered from its ``entries``.
    """
    rendered = ab.lines if ab.lines or not ab.entries else ab.entries
    return "".join(_render_line(line) + "\n" for line in rendered)


def expand(path: str, env: Mapping[str, str]) -> tuple[str, list[str]]:
    """``path`` with ``$NAME`` and ``${NAME}`` replaced from ``env``, and the names left as written.

    One pass, like the shell: a value holding ``$X`` is not expanded again. An empty value counts
    as missing (as in ``rc.missing_variables``): expanding it would turn ``$DFO_RAW_DIR/x`` into
    ``/x``, a path that looks clean but is wrong.
    """
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        value = env.get(name)
        if value:
            return value
        if name not in missing:
            missing.append(name)
        return match.group()

    return _VARIABLE.sub(substitute, path), missing
