"""QC1 parameters of ESO FITS products: the ``HIERARCH ESO QC …`` cards of a header, read fast.

Pipelines write their QC1 parameters as ``HIERARCH ESO QC …`` header cards. This module reads
just those cards, never the data unit, and agrees with astropy on every value.

Public API
    :func:`qc1_from_header_bytes` ``(data, source="", extensions=False) -> Qc1Result`` takes the
    bytes of a FITS file (2880-byte blocks of 80-character cards up to ``END``), of a
    gzip-compressed FITS file (recognised by the gzip magic and inflated block by block only as
    far as the scan needs) or of a ``.hdr`` header file (one card per text line, lines may be
    shorter than 80 characters, up to the ``END`` line). It does no I/O and never raises on bad
    input. :func:`read_qc1_file` ``(path, extensions=False)`` is the thin file helper: it streams
    the file through the same scanner, so it reads only the header blocks of a FITS file (and
    seeks over the data units with ``extensions=True``). :func:`parse_qc1_card` ``(image)``
    parses one card image the same way.

Where the rules live
    :mod:`.qc1cards`: keys, value types, the fast path and the astropy fallback, and the
    diagnostics of a card. :mod:`.qc1sources`: the byte sources (memory, file, gzip).
    :mod:`.qc1fitsscan`: the FITS block form and how data units are sized.
    :mod:`.qc1hdrscan`: the ``.hdr`` text form.

Extensions
    By default only the primary header is read. With ``extensions=True`` the extension headers
    that follow are read too. The values of extension *n* (primary = 0) are keyed with the prefix
    ``"[n] "``, e.g. ``"[1] ESO QC FLUX MEAN"``; primary keys have no prefix, so
    ``extensions=True`` only adds keys.

Parameter names
    :attr:`Qc1Result.parameters` names each value as the reports, the comparison and the
    command-line tools name it: ``QC.BIAS.MASTER.MEDIAN`` in the primary header, and
    ``CHIP2:QC.BIAS.MASTER.MEDIAN`` in an extension, by its ``EXTNAME`` (``#3:QC…`` by its index
    when it has none, ``CHIP2#3:QC…`` when two extensions share the name). The HDU comes first
    so that one product's parameters sort by detector.

Headers only
    With ``data_units=False`` the headers are taken to follow each other with no data unit
    between them: the form in which a blade hands over every header of a file
    (:func:`pytest_mucverify.blade.header_script.header_blocks`), which also unpacks ``.fits.Z``.

Diagnostics
    Bad input never raises and never loses a parameter silently: every problem is one line of
    :attr:`Qc1Result.diagnostics`, prefixed ``"[n] "`` when it concerns extension *n*. Cards are
    numbered from 1 within their header (in a ``.hdr`` file: its lines, counted from the
    header's first line). What can be read is kept: a header with no ``END`` card still yields
    the QC cards before the bytes end.

Thread safety: astropy's warnings on an unusual card are captured with
``warnings.catch_warnings``, which is process-global; only the astropy fallback does that.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from .qc1cards import CARD, QC1_PREFIX, Collector, Qc1CardError, Qc1Value, parse_qc1_card
from .qc1fitsscan import BLOCK, scan_fits
from .qc1hdrscan import scan_text
from .qc1sources import GZIP_MAGIC, BytesSource, FileSource, GzipSource, Prefixed, Source, read_all

__all__ = [
    "QC1_PREFIX",
    "Qc1CardError",
    "Qc1Result",
    "Qc1Value",
    "parse_qc1_card",
    "qc1_from_header_bytes",
    "read_qc1_file",
]


@dataclass(frozen=True)
class Qc1Result:
    """The QC1 parameters of one header (or file) and what went wrong reading them."""

    values: dict[str, Qc1Value]
    """``"ESO QC …"`` (primary) or ``"[n] ESO QC …"`` (extension *n*) → value, in card order."""
    diagnostics: tuple[str, ...] = ()
    """One line per problem; empty when the input was clean."""
    source: str = ""
    """What the bytes came from (a path, for messages), as passed in."""
    extension_names: dict[int, str] = field(default_factory=dict)
    """The EXTNAME of each extension read (``""`` where it has none)."""

    @property
    def ok(self) -> bool:
        """True when nothing had to be diagnosed."""
        return not self.diagnostics

    @property
    def parameters(self) -> dict[str, Qc1Value]:
        """The values by parameter name (``QC.X.Y``, ``CHIP2:QC.X.Y``; see the module notes)."""
        if not self.values:
            return {}
        keys = "\n" + "\n".join(self.values)
        if "  " in keys or "\n" in "".join(self.values):
            return self._parameters_one_by_one()
        # every key renamed by a few string operations over all of them (C loops, not Python)
        names = keys.replace(" ", ".").replace("\nESO.", "\n")
        for hdu, label in hdu_labels(self.extension_names).items():
            names = names.replace(f"\n[{hdu}].ESO.", f"\n{label}:")
        if "\n[" in names:  # an extension whose EXTNAME was not recorded
            return self._parameters_one_by_one()
        return dict(zip(names[1:].split("\n"), self.values.values(), strict=True))

    def _parameters_one_by_one(self) -> dict[str, Qc1Value]:
        labels = hdu_labels(self.extension_names)
        named: dict[str, Qc1Value] = {}
        for key, value in self.values.items():
            if not key.startswith("["):
                named[_dotted(key)] = value
                continue
            index, keyword = key[1:].split("] ", 1)
            hdu = int(index)
            named[f"{labels.get(hdu, f'#{hdu}')}:{_dotted(keyword)}"] = value
        return named


def _dotted(keyword: str) -> str:
    """``ESO QC BIAS MEDIAN`` -> ``QC.BIAS.MEDIAN``."""
    return ".".join(keyword.split()[1:])


def hdu_labels(extension_names: dict[int, str]) -> dict[int, str]:
    """How each extension is named in parameter names: its EXTNAME, ``#n`` without one, and
    ``NAME#n`` when several extensions share the name."""
    shared = Counter(name for name in extension_names.values() if name)
    return {
        hdu: (name if shared[name] == 1 else f"{name}#{hdu}") if name else f"#{hdu}"
        for hdu, name in extension_names.items()
    }


COMPRESS_MAGIC = b"\x1f\x9d"
"""The first two bytes of a Unix ``compress`` (.Z) file."""


def _extract(raw: Source, source: str, extensions: bool, data_units: bool = True) -> Qc1Result:
    """Scan ``raw`` in its form: gzip by its magic, ``.hdr`` text by a newline within the first
    card (and its line end), else FITS blocks."""
    out = Collector()
    first = raw.read(BLOCK)
    gzip: GzipSource | None = None
    stream: Source = raw
    if not first:
        out.note(0, "empty input")
    elif first[:2] == COMPRESS_MAGIC:
        out.note(0, "a compress (.Z) stream: read it through the blade's header_blocks")
        first = b""
    elif first[:2] == GZIP_MAGIC:
        gzip = GzipSource(Prefixed(first, raw))
        stream = gzip
        first = gzip.read(BLOCK)
        if not first and gzip.error is None:
            out.note(0, "empty input: the gzip stream inflates to nothing")
    if first:
        if b"\n" in first[: CARD + 2]:
            scan_text(first + read_all(stream), extensions, out)
        else:
            scan_fits(stream, first, extensions, out, data_units)
    if gzip is not None and gzip.error is not None:
        out.note(0, gzip.error)
    return Qc1Result(out.values, tuple(out.diagnostics), source, dict(out.extension_names))


def qc1_from_header_bytes(
    data: bytes, source: str = "", extensions: bool = False, data_units: bool = True
) -> Qc1Result:
    """The ``ESO QC`` values of a FITS file, ``.fits.gz`` file or ``.hdr`` text given as bytes.

    Reads the primary header only, or with ``extensions=True`` every extension header as well
    (values keyed ``"[n] ESO QC …"``). ``data_units=False``: the bytes hold headers only, one
    after the other. Never raises on bad input; see the module documentation.
    """
    return _extract(BytesSource(bytes(data)), source, extensions, data_units)


def read_qc1_file(path: str | os.PathLike[str], extensions: bool = False) -> Qc1Result:
    """:func:`qc1_from_header_bytes` of a file, reading only what the scan needs.

    Its content never makes it raise; a file that cannot be opened or read does (``OSError``).
    """
    with open(path, "rb") as file:
        return _extract(FileSource(file), os.fspath(path), extensions)
