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

Keys and values
    Keys are astropy's keyword without ``HIERARCH``: ``"ESO QC BIAS MASTER MEDIAN"``. Values keep
    their FITS types as astropy reads them: ``T``/``F`` → ``bool``, ``5`` → ``int``, ``1.0`` →
    ``float``, ``'text'`` → ``str`` (trailing blanks dropped, per astropy's
    ``conf.strip_header_whitespace``), and ``(1, 2)`` → ``complex`` (the one type beyond
    float/int/str/bool, kept because astropy reads it so). Dicts keep card order.

Fast path, with astropy as the authority
    Only cards that begin with exactly ``HIERARCH ESO QC `` (the ESO dictionary form that ESO
    pipelines write) are looked at; the others are never parsed. The kept cards of a header in
    the common simple forms — an int, a float with an upper-case ``E`` exponent, ``T``/``F``, a
    quoted string with no quote inside, then an optional ``/`` comment — are parsed together by
    one regular expression. Any other card goes to ``astropy.io.fits.Card.fromstring(image)``
    and astropy's answer is taken: ``''`` escapes, ``CONTINUE`` long strings, complex values,
    ``D`` or lower-case exponents, odd spacing, a value cut by the 80-column limit, control
    characters. A QC card followed by ``CONTINUE`` cards is joined with them exactly as
    ``astropy.io.fits.Header`` joins them. The tests prove that both paths agree with astropy.

Extensions
    By default only the primary header is read. With ``extensions=True`` the extension headers
    that follow are read too. FITS form: each data unit is skipped by its size from ``BITPIX``,
    ``NAXIS``, ``NAXISn``, ``PCOUNT``, ``GCOUNT`` (and ``GROUPS`` for random groups), computed
    as astropy does. ``.hdr`` form: the next header starts after the previous ``END`` line
    (blank lines between headers are skipped). The values of extension *n* (primary = 0) are
    keyed with the prefix ``"[n] "``, e.g. ``"[1] ESO QC FLUX MEAN"``; primary keys have no
    prefix, so ``extensions=True`` only adds keys.

Diagnostics
    Bad input never raises and never loses a parameter silently: every problem is one line of
    :attr:`Qc1Result.diagnostics`, prefixed ``"[n] "`` when it concerns extension *n*. Cards are
    numbered from 1 within their header (in a ``.hdr`` file: its lines, counted from the
    header's first line). What can be read is kept: a header with no ``END`` card still yields
    the QC cards before the bytes end. A keyword met twice in a header keeps its first value, as
    astropy's ``header[keyword]`` does, and the repeat is reported. A card with no value
    (astropy's ``UNDEFINED``) is reported and left out of ``values``. Non-ASCII bytes are
    reported by card number and read as ``?``, as astropy reads them.

Thread safety: astropy's warnings on an unusual card are captured with
``warnings.catch_warnings``, which is process-global; only the astropy fallback does that.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol, TypeAlias

__all__ = [
    "QC1_PREFIX",
    "Qc1CardError",
    "Qc1Result",
    "Qc1Value",
    "parse_qc1_card",
    "qc1_from_header_bytes",
    "read_qc1_file",
]

Qc1Value: TypeAlias = bool | int | float | str | complex
"""A QC1 value as astropy reads it (``complex`` only for the rare ``(re, im)`` form)."""

QC1_PREFIX = "HIERARCH ESO QC "
"""The card prefix that marks a QC1 parameter."""

_BLOCK = 2880
_CARD = 80
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_LISTED = 10
"""At most this many card numbers are listed in one diagnostic."""

_FITS_QC_RE = re.compile(re.escape(QC1_PREFIX))
"""Candidate QC cards in a FITS header; a hit counts only on a card boundary."""

_FITS_END_RE = re.compile(rb"END(?![A-Z0-9_-])")
"""astropy's END card test (``HEADER_END_RE``): on a card boundary, ``END`` not followed by a
keyword character (so also ``END`` with other bytes after it, which astropy accepts with a
warning)."""

_TEXT_END_RE = re.compile(rb"\nEND[ \t\r\x0b\x0c]*$", re.MULTILINE)
"""The END line of a ``.hdr`` header, with the newline before it (astropy's test is
``line.rstrip() == "END"``). The leading newline, not ``^``, lets the search skip ahead fast."""

_TEXT_END_LINE_RE = re.compile(rb"END[ \t\r\x0b\x0c]*$", re.MULTILINE)
"""An END line, matched at a line start."""

_TEXT_QC_RE = re.compile(r"\n" + re.escape(QC1_PREFIX) + r"[^\n]*(?:\nCONTINUE[^\n]*)*")
"""A QC line of a ``.hdr`` header with the newline before it and the CONTINUE lines after it."""

_BLANK_LINES_RE = re.compile(rb"(?:[ \t\r\x0b\x0c]*\n)*")

_STRUCTURE_RE = re.compile(r"(BITPIX|NAXIS\d{0,3}|PCOUNT|GCOUNT|GROUPS) *=")
"""The cards that size a data unit."""

_INTEGER_RE = re.compile(r"[+-]?\d+")

_SIMPLE_CARD_RE = re.compile(
    r"^HIERARCH (ESO QC [!-<>-`{-~][ -<>-`{-~]*)= *"
    r"(?:([+-]?(?:\d+\.?\d*|\.\d+)(?:E[+-]?\d+)?)|([TF])|'([ -&(-~]+)'|''(?=[^'\n]*$))"
    r" *(?:/.*)?$",
    re.MULTILINE,
)
"""A QC card in one of the common simple forms, as one line (cards joined by newlines).

The keyword runs to the first ``=`` (its trailing blanks are stripped later, as astropy strips
them), does not start with a blank after ``ESO QC `` and is printable ASCII without lower-case
letters (so a keyword repeated in another case, which astropy's ``header[keyword]`` treats as
the same, takes the card-by-card path); the value is a number (an int, or a float with ``.``
and/or an upper-case ``E`` exponent), ``T`` or ``F``, or a string with no quote inside; then blanks to the end of the card or a ``/`` and any comment
(whose text does not matter, as for astropy). The empty string ``''`` only when no quote
follows in the card: astropy's string pattern prefers a longer string, so it reads
``'' / it's'`` as the string ``"' / it's"``. Groups: keyword, number, flag, string (an empty
string matches none of them)."""


class Qc1CardError(ValueError):
    """A card from which astropy reads no ``ESO QC`` keyword with a value."""

    def __init__(self, keyword: str, reason: str, keyword_read: bool = False) -> None:
        super().__init__(f"{keyword}: {reason}" if keyword else reason)
        self.keyword = keyword
        """The keyword as far as it can be told ("" when there is none)."""
        self.reason = reason
        self.keyword_read = keyword_read
        """Whether astropy read this ``ESO QC`` keyword (only its value failed): the card then
        holds the keyword's place in astropy's header, and a later card of the same keyword is
        not used."""


@dataclass(frozen=True)
class Qc1Result:
    """The QC1 parameters of one header (or file) and what went wrong reading them."""

    values: dict[str, Qc1Value]
    """``"ESO QC …"`` (primary) or ``"[n] ESO QC …"`` (extension *n*) → value, in card order."""
    diagnostics: tuple[str, ...] = ()
    """One line per problem; empty when the input was clean."""
    source: str = ""
    """What the bytes came from (a path, for messages), as passed in."""

    @property
    def ok(self) -> bool:
        """True when nothing had to be diagnosed."""
        return not self.diagnostics


# --------------------------------------------------------------------------------------------
# astropy: imported on first need, so that importing this module stays cheap


@functools.cache
def _astropy() -> tuple[Any, Any, type[Any]]:
    """astropy's ``Card`` class, ``fits.conf`` and ``Undefined`` class."""
    from astropy.io.fits import Card, conf
    from astropy.io.fits.card import Undefined

    return Card, conf, Undefined


def _strip_strings() -> bool:
    """astropy's ``conf.strip_header_whitespace`` (default True): drop a string's trailing
    blanks."""
    return bool(_astropy()[1].strip_header_whitespace)


# --------------------------------------------------------------------------------------------
# one card


def _typed(number: str, flag: str, text: str, strip: Callable[[], bool]) -> Qc1Value:
    """The value of a ``_SIMPLE_CARD_RE`` match (from its number, flag and string groups), as
    astropy reads it."""
    if number:
        # astropy: int(text), and float(text) when that fails
        return float(number) if "." in number or "E" in number else int(number)
    if flag:
        return flag == "T"
    return text.rstrip() if strip() else text


def _simple_card(image: str, strip: Callable[[], bool]) -> tuple[str, Qc1Value] | None:
    """Keyword and value of one card image in a simple form; None for any other card."""
    if len(image) > _CARD:
        return None
    match = _SIMPLE_CARD_RE.fullmatch(image)
    if match is None:
        return None
    keyword, number, flag, text = match.groups("")
    return keyword.rstrip(), _typed(number, flag, text, strip)


def _astropy_card(image: str) -> tuple[str, Qc1Value, list[str]]:
    """astropy's keyword and value of a card image, and the warnings it gave on the way.

    Raises :class:`Qc1CardError` when astropy rejects the card, reads no ``ESO QC`` keyword from
    it, or reads no value.
    """
    card_class, _conf, undefined = _astropy()
    keyword: object = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            card = card_class.fromstring(image)
            keyword = card.keyword
            qc = isinstance(keyword, str) and keyword.startswith("ESO QC ")
            value = card.value if qc else None
        except Exception as exc:  # VerifyError, ValueError, …: all mean "rejected"
            read = isinstance(keyword, str) and keyword.startswith("ESO QC ")
            raise Qc1CardError(
                keyword if read and isinstance(keyword, str) else _keyword_guess(image),
                f"astropy rejects it: {_one_line(exc)}",
                keyword_read=read,
            ) from exc
    notes = [f"astropy warns: {_one_line(warning.message)}" for warning in caught]
    if not qc or not isinstance(keyword, str):
        raise Qc1CardError(
            "",
            f"astropy reads no ESO QC keyword from it (keyword {keyword!r}; a HIERARCH card "
            f"needs '='): {image[:_CARD].rstrip()!r}",
        )
    if isinstance(value, undefined):
        raise Qc1CardError(
            keyword, "no value after '=' (astropy: UNDEFINED), not returned", keyword_read=True
        )
    if not isinstance(value, bool | int | float | str | complex):
        raise Qc1CardError(
            keyword, f"astropy reads an unexpected {type(value).__name__}", keyword_read=True
        )
    return keyword, value, notes


def _keyword_guess(image: str) -> str:
    head = image[:_CARD].split("=", 1)[0]
    return head[9:].strip() if head.startswith("HIERARCH ") else head.strip()


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def parse_qc1_card(image: str) -> tuple[str, Qc1Value]:
    """Keyword and value of one ``HIERARCH ESO QC`` card image (80 characters, or a card joined
    with its CONTINUE cards), exactly as astropy reads them.

    Raises :class:`Qc1CardError` when astropy rejects the card or reads no value from it.
    """
    simple = _simple_card(image, _strip_strings)
    if simple is not None:
        return simple
    keyword, value, _notes = _astropy_card(image)
    return keyword, value


# --------------------------------------------------------------------------------------------
# collecting the QC cards of a header


class _Collector:
    """Values and diagnostics of one scan."""

    def __init__(self) -> None:
        self.values: dict[str, Qc1Value] = {}
        self.diagnostics: list[str] = []
        self._first_card: dict[tuple[int, str], int] = {}
        self._strip: bool | None = None

    def note(self, hdu: int, message: str) -> None:
        self.diagnostics.append(f"[{hdu}] {message}" if hdu else message)

    def strip_strings(self) -> bool:
        """astropy's ``conf.strip_header_whitespace``, looked up once per scan."""
        if self._strip is None:
            self._strip = _strip_strings()
        return self._strip

    def simple_cards(self, hdu: int, lines: str, count: int) -> bool:
        """Take the values of ``count`` QC cards, one per line of ``lines``, when every one is in
        a simple form and no keyword repeats; else take nothing and return False."""
        found = _SIMPLE_CARD_RE.findall(lines)
        if len(found) != count:
            return False
        prefix = f"[{hdu}] " if hdu else ""
        strip = self.strip_strings
        taken = {
            prefix + keyword.rstrip(): _typed(number, flag, text, strip)
            for keyword, number, flag, text in found
        }
        if len(taken) != count:
            return False  # a repeated keyword: the card-by-card path reports it
        self.values.update(taken)
        return True

    def card(self, hdu: int, number: int, image: str) -> None:
        """Parse one QC card image (with its CONTINUE cards joined) and keep its value."""
        simple = _simple_card(image, self.strip_strings)
        if simple is not None:
            keyword, value = simple
        else:
            try:
                keyword, value, notes = _astropy_card(image)
            except Qc1CardError as exc:
                where = f"card {number} ({exc.keyword})" if exc.keyword else f"card {number}"
                self.note(hdu, f"{where}: {exc.reason}")
                if exc.keyword_read:
                    self._claim(hdu, number, exc.keyword)
                return
            for note in notes:
                self.note(hdu, f"card {number} ({keyword}): {note}")
        if self._claim(hdu, number, keyword):
            self.values[f"[{hdu}] {keyword}" if hdu else keyword] = value

    def _claim(self, hdu: int, number: int, keyword: str) -> bool:
        """Whether this is the first card of its keyword in its header (compared without case,
        as astropy's ``header[keyword]`` compares); a repeat is reported."""
        first = self._first_card.setdefault((hdu, keyword.upper()), number)
        if first != number:
            self.note(
                hdu,
                f"card {number} ({keyword}): repeats the keyword of card {first}; astropy's "
                f"header[keyword] reads card {first}, so this card is not used",
            )
        return first == number

    def non_ascii(self, hdu: int, numbers: list[int]) -> None:
        listed = ", ".join(map(str, numbers[:_MAX_LISTED]))
        if len(numbers) == 1:
            where = f"card {listed}"
        elif len(numbers) <= _MAX_LISTED:
            where = f"cards {listed}"
        else:
            where = f"{len(numbers)} cards: {listed}, …"
        self.note(hdu, f"non-ASCII bytes in {where} (read as '?', as astropy does)")


def _decode(header: bytes) -> str:
    """ASCII text of header bytes, each non-ASCII byte as ``?`` (astropy's ``decode_ascii``);
    one character per byte, so offsets stay card offsets."""
    if header.isascii():
        return header.decode("ascii")
    return header.decode("ascii", "replace").replace("\ufffd", "?")


def _scan_fits_cards(header: bytes, hdu: int, out: _Collector) -> str:
    """Collect the QC cards among the card images of ``header`` (the bytes before END).

    Returns the decoded header text (for the structural cards).
    """
    if not header.isascii():
        out.non_ascii(
            hdu,
            [
                number
                for number, start in enumerate(range(0, len(header), _CARD), 1)
                if not header[start : start + _CARD].isascii()
            ],
        )
    text = _decode(header)
    starts = [start for match in _FITS_QC_RE.finditer(text) if not (start := match.start()) % _CARD]
    if not starts:
        return text
    continued = "CONTINUE" in text and any(
        text.startswith("CONTINUE", start + _CARD) for start in starts
    )
    if not continued and "\n" not in text:
        lines = "\n".join([text[start : start + _CARD] for start in starts])
        if out.simple_cards(hdu, lines, len(starts)):
            return text  # the common case: every QC card simple, parsed in one pass
    for start in starts:
        stop = start + _CARD
        while text.startswith("CONTINUE", stop):
            stop += _CARD
        out.card(hdu, start // _CARD + 1, text[start:stop])
    return text


# --------------------------------------------------------------------------------------------
# byte sources: the scanner reads sequentially and skips data units


class _Source(Protocol):
    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the stream."""

    def skip(self, size: int) -> int:
        """Skip ``size`` bytes; returns how many there were."""


class _BytesSource:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, size: int) -> bytes:
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk

    def skip(self, size: int) -> int:
        skipped = max(0, min(size, len(self._data) - self._pos))
        self._pos += skipped
        return skipped


class _FileSource:
    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def read(self, size: int) -> bytes:
        return self._file.read(size)

    def skip(self, size: int) -> int:
        here = self._file.tell()
        skipped = max(0, min(size, os.fstat(self._file.fileno()).st_size - here))
        self._file.seek(here + skipped)
        return skipped


class _Prefixed:
    """A source whose first bytes were already read (to look at the magic)."""

    def __init__(self, first: bytes, rest: _Source) -> None:
        self._first = first
        self._rest = rest

    def read(self, size: int) -> bytes:
        if not self._first:
            return self._rest.read(size)
        chunk, self._first = self._first[:size], self._first[size:]
        if len(chunk) < size:
            chunk += self._rest.read(size - len(chunk))
        return chunk

    def skip(self, size: int) -> int:
        taken = min(size, len(self._first))
        self._first = self._first[taken:]
        return taken + (self._rest.skip(size - taken) if size > taken else 0)


class _GzipSource:
    """The inflated stream of gzip members, inflated only as far as it is read."""

    _INPUT = 16384
    _SKIP = 1 << 20

    def __init__(self, compressed: _Source) -> None:
        self._compressed = compressed
        self._inflate = zlib.decompressobj(wbits=31)
        self._pending = b""
        self._done = False
        self.error: str | None = None

    def _more_input(self) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
            return chunk
        return self._compressed.read(self._INPUT)

    def _next_member(self) -> None:
        rest = self._inflate.unused_data or self._compressed.read(self._INPUT)
        if len(rest) < 2:
            rest += self._compressed.read(self._INPUT)
        if rest[:2] == _GZIP_MAGIC:
            self._inflate = zlib.decompressobj(wbits=31)
            self._pending = rest
            return
        self._done = True
        if rest.strip(b"\0"):
            self.error = "bytes after the end of the gzip stream were ignored"

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        wanted = size
        while wanted > 0 and not self._done:
            if self._inflate.eof:
                self._next_member()
                continue
            data = self._inflate.unconsumed_tail or self._more_input()
            try:
                chunk = self._inflate.decompress(data, wanted)
            except zlib.error as exc:
                self.error = f"corrupt gzip stream: {exc}"
                self._done = True
                break
            if chunk:
                parts.append(chunk)
                wanted -= len(chunk)
            elif not data and not self._inflate.eof:
                self.error = "gzip stream cut short: it ends before its end marker"
                self._done = True
        return b"".join(parts)

    def skip(self, size: int) -> int:
        skipped = 0
        while skipped < size:
            chunk = self.read(min(size - skipped, self._SKIP))
            if not chunk:
                break
            skipped += len(chunk)
        return skipped


def _read_all(source: _Source) -> bytes:
    parts = []
    while chunk := source.read(1 << 20):
        parts.append(chunk)
    return b"".join(parts)


# --------------------------------------------------------------------------------------------
# FITS form


def _find_end(block: bytes) -> int | None:
    for match in _FITS_END_RE.finditer(block):
        if match.start() % _CARD == 0:
            return match.start()
    return None


def _read_fits_header(source: _Source, first: bytes) -> tuple[bytes, bool, bytes]:
    """The card bytes of one header up to its END card, whether END was found, and the END card.

    ``first`` is the header's first block when it was read already (else ``b""``). Reads whole
    blocks only, so after an END card the source stands at the start of the data unit.
    """
    parts: list[bytes] = []
    block = first or source.read(_BLOCK)
    while block:
        end = _find_end(block)
        if end is not None:
            parts.append(block[:end])
            return b"".join(parts), True, block[end : end + _CARD]
        parts.append(block)
        if len(block) < _BLOCK:
            break
        block = source.read(_BLOCK)
    return b"".join(parts), False, b""


def _structure(text: str) -> dict[str, int | bool | None]:
    """BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT and GROUPS of a header: the first card of each
    name, its value None when it is not an integer (``T``/``F`` for GROUPS)."""
    found: dict[str, int | bool | None] = {}
    for match in _STRUCTURE_RE.finditer(text):
        start = match.start()
        name = match[1]
        if start % _CARD or name in found:
            continue
        image = text[start : start + _CARD]
        value: int | bool | None = None
        raw = image[9:].split("/", 1)[0].strip()
        if image[:8].rstrip() == name and image[8:9] == "=" and _INTEGER_RE.fullmatch(raw):
            value = int(raw)
        elif image[:8].rstrip() == name and image[8:9] == "=" and raw in ("T", "F"):
            value = raw == "T"
        else:  # unusual spacing or value: astropy decides what the card is
            keyword, value = _astropy_structural(image)
            if keyword != name:
                continue
        found[name] = value
    return found


def _astropy_structural(image: str) -> tuple[str, int | bool | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            card = _astropy()[0].fromstring(image)
            keyword, value = card.keyword, card.value
        except Exception:  # an unreadable structural card: the caller diagnoses it
            return _keyword_guess(image), None
    return str(keyword), value if isinstance(value, int) else None


class _SizeError(Exception):
    """Why a data unit cannot be sized."""


def _data_size(text: str, primary: bool) -> int | str:
    """Bytes in the data unit after this header (as astropy sizes it), or why that is unknown.

    ``abs(BITPIX) * GCOUNT * (PCOUNT + NAXIS1 * … * NAXISn) / 8``, 0 when NAXIS is 0; for random
    groups (primary, ``GROUPS = T``, ``NAXIS1 = 0``) NAXIS1 is left out of the product.
    """
    cards = _structure(text)

    def integer(name: str, default: int | None = None, signed: bool = False) -> int:
        value = cards.get(name, default)
        if name in cards and (value is None or isinstance(value, bool)):
            raise _SizeError(f"{name} is not an integer")
        if value is None:
            raise _SizeError(f"{name} is missing")
        if value < 0 and not signed:
            raise _SizeError(f"{name} = {value} is negative")
        return int(value)

    try:
        naxis = integer("NAXIS", 0)
        if naxis == 0:
            return 0
        groups = primary and cards.get("GROUPS") is True and cards.get("NAXIS1") == 0
        size = 1
        for axis in range(2 if groups else 1, naxis + 1):
            size *= integer(f"NAXIS{axis}")
        bitpix = abs(integer("BITPIX", signed=True))
        return bitpix * integer("GCOUNT", 1) * (integer("PCOUNT", 0) + size) // 8
    except _SizeError as exc:
        return str(exc)


def _scan_fits(source: _Source, first: bytes, extensions: bool, out: _Collector) -> None:
    hdu = 0
    while True:
        header, found_end, end_card = _read_fits_header(source, first if hdu == 0 else b"")
        if hdu and not header and not found_end:
            return  # the bytes end after the last data unit
        if hdu == 0 and not header.startswith(b"SIMPLE  ="):
            out.note(hdu, "not a FITS primary header: the first card is not SIMPLE")
        elif hdu and not header.startswith(b"XTENSION="):
            out.note(
                hdu,
                "no XTENSION card where an extension header should start: the bytes "
                "after the last data unit were not read",
            )
            return
        text = _scan_fits_cards(header, hdu, out)
        if not found_end:
            cards = -(-len(header) // _CARD)
            out.note(hdu, f"truncated header: no END card (the bytes end after {cards} cards)")
            return
        if end_card.rstrip() != b"END":
            out.note(
                hdu, "the END card has other bytes after END (astropy ends the header there too)"
            )
        if not extensions:
            return
        size = _data_size(text, primary=hdu == 0)
        if isinstance(size, str):
            out.note(
                hdu, f"cannot size the data unit ({size}): the extensions after it were not read"
            )
            return
        padded = -(-size // _BLOCK) * _BLOCK
        skipped = source.skip(padded)
        if skipped < size:
            out.note(hdu, f"data unit truncated: {size} bytes expected, {skipped} present")
            return
        if skipped < padded:
            return  # the last data unit lacks its padding: nothing can follow it
        hdu += 1


# --------------------------------------------------------------------------------------------
# .hdr form


def _end_line(data: bytes, start: int) -> tuple[int, int] | None:
    """Where the first END line at or after the line start ``start`` begins and ends."""
    if (first := _TEXT_END_LINE_RE.match(data, start)) is not None:
        return start, first.end()
    found = _TEXT_END_RE.search(data, start)
    return None if found is None else (found.start() + 1, found.end())


def _scan_text(data: bytes, extensions: bool, out: _Collector) -> None:
    start = 0
    hdu = 0
    while True:
        end = _end_line(data, start)
        raw = data[start : end[0] if end else len(data)]
        if not raw.isascii():
            lines = raw.split(b"\n")
            out.non_ascii(hdu, [n for n, line in enumerate(lines, 1) if not line.isascii()])
        text = _decode(raw)
        expected = "XTENSION" if hdu else "SIMPLE"
        if not text.startswith(expected):
            out.note(hdu, f"the header's first line is not {expected}")
        _text_cards(text, hdu, out)
        if end is None:
            out.note(hdu, "truncated header: no END card (no END line before the text ends)")
            return
        if not extensions:
            return
        blank = _BLANK_LINES_RE.match(data, end[1] + 1)  # blank lines between headers
        start = blank.end() if blank else end[1] + 1
        if not data[start:].strip():
            return
        hdu += 1


def _text_cards(text: str, hdu: int, out: _Collector) -> None:
    """Collect the QC cards among the lines of a ``.hdr`` header."""
    matches = list(_TEXT_QC_RE.finditer("\n" + text))  # offsets in text: match.start()
    if not matches:
        return
    groups = [match.group()[1:] for match in matches]
    lines = "\n".join(groups)
    single_lines = lines.count("\n") == len(groups) - 1 and max(map(len, groups)) <= _CARD
    if single_lines and out.simple_cards(hdu, lines, len(groups)):
        return  # the common case: every QC line simple, parsed in one pass
    line, counted = 1, 0
    for match, group in zip(matches, groups, strict=True):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        cards = [card.removesuffix("\r") for card in group.split("\n")]
        longest = max(map(len, cards))
        if longest > _CARD:
            out.note(
                hdu,
                f"card {line}: a line longer than 80 characters ({longest}); astropy reads it "
                "as more than one card image",
            )
            image = "".join(cards)
        else:
            image = "".join(card.ljust(_CARD) for card in cards)  # as in a FITS file
        out.card(hdu, line, image)


# --------------------------------------------------------------------------------------------
# entry points


def _extract(raw: _Source, source: str, extensions: bool) -> Qc1Result:
    out = _Collector()
    first = raw.read(_BLOCK)
    gzip: _GzipSource | None = None
    stream: _Source = raw
    if not first:
        out.note(0, "empty input")
    elif first[:2] == _GZIP_MAGIC:
        gzip = _GzipSource(_Prefixed(first, raw))
        stream = gzip
        first = gzip.read(_BLOCK)
        if not first and gzip.error is None:
            out.note(0, "empty input: the gzip stream inflates to nothing")
    if first:
        if b"\n" in first[: _CARD + 2]:
            _scan_text(first + _read_all(stream), extensions, out)
        else:
            _scan_fits(stream, first, extensions, out)
    if gzip is not None and gzip.error is not None:
        out.note(0, gzip.error)
    return Qc1Result(out.values, tuple(out.diagnostics), source)


def qc1_from_header_bytes(data: bytes, source: str = "", extensions: bool = False) -> Qc1Result:
    """The ``ESO QC`` values of a FITS file, ``.fits.gz`` file or ``.hdr`` text given as bytes.

    Reads the primary header only, or with ``extensions=True`` every extension header as well
    (values keyed ``"[n] ESO QC …"``). Never raises on bad input; see the module documentation.
    """
    return _extract(_BytesSource(bytes(data)), source, extensions)


def read_qc1_file(path: str | os.PathLike[str], extensions: bool = False) -> Qc1Result:
    """:func:`qc1_from_header_bytes` of a file, reading only what the scan needs.

    Its content never makes it raise; a file that cannot be opened or read does (``OSError``).
    """
    with open(path, "rb") as file:
        return _extract(_FileSource(file), os.fspath(path), extensions)
