"""PAF files (ESO parameter files) in which some pipelines write their QC1 parameters beside the
products: a ``PAF.HDR.START`` … ``PAF.HDR.END`` header, then one ``KEYWORD value`` record a line,
optionally ended by ``;`` and followed by a ``#`` comment. Keywords are dotted
(``PRO.CATG``, ``QC.BIAS.MASTER.MEDIAN``); values are a double-quoted string, an integer, a float
or ``T``/``F``.

A record that cannot be read is a problem naming its line, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .qc1 import Qc1Value

_RECORD_RE = re.compile(
    r'^(?P<key>[A-Za-z][A-Za-z0-9_.\-]*)\s+(?P<value>"(?:[^"\\]|\\.)*"|[^\s;#"]+)\s*;?\s*(?:#.*)?$'
)
_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][+-]?\d+)?|[+-]?(?:nan|inf)", re.I)


@dataclass(frozen=True)
class PafFile:
    records: dict[str, Qc1Value] = field(default_factory=dict)
    """every record after the PAF header, by keyword, typed."""
    problems: tuple[str, ...] = ()

    @property
    def qc1(self) -> dict[str, Qc1Value]:
        """The QC1 parameters (``QC.…`` records), named as in product headers."""
        return {key: value for key, value in self.records.items() if key.startswith("QC.")}

    def text(self, key: str) -> str | None:
        value = self.records.get(key)
        return value if isinstance(value, str) else None


def paf_value(raw: str) -> Qc1Value | None:
    """The typed value of a record (None when it is none of the PAF forms)."""
    if raw.startswith('"'):
        return raw[1:-1].replace('\\"', '"').rstrip()
    if raw in ("T", "F"):
        return raw == "T"
    if _INT_RE.fullmatch(raw):
        return int(raw)
    if _FLOAT_RE.fullmatch(raw):
        return float(raw.replace("D", "E").replace("d", "e"))
    return None


def parse_paf(text: str, source: str = "") -> PafFile:
    """The records of a PAF file; each line that is not a record, a comment or blank is a
    problem ``source:line: …``."""
    records: dict[str, Qc1Value] = {}
    problems: list[str] = []
    in_header = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword = line.split(None, 1)[0].rstrip(";")
        if keyword == "PAF.HDR.START":
            in_header = True
            continue
        if keyword == "PAF.HDR.END":
            in_header = False
            continue
        if in_header or keyword.startswith("PAF."):
            continue
        found = _RECORD_RE.match(line)
        value = paf_value(found["value"]) if found else None
        if found is None or value is None:
            problems.append(f"{source}:{number}: cannot read the PAF record {line[:80]!r}")
            continue
        if found["key"] in records:
            problems.append(f"{source}:{number}: {found['key']} repeats an earlier record")
            continue
        records[found["key"]] = value
    return PafFile(records, tuple(problems))
