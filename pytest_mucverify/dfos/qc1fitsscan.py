"""The QC cards of FITS headers in their block form: 2880-byte blocks of 80-character cards up to
``END``, each header followed by its data unit.

Only the header blocks are read. A header with no ``END`` card still yields the QC cards before
the bytes end. With ``extensions=True`` the extension headers that follow the primary one are
read too: each data unit is skipped by its size from ``BITPIX``, ``NAXIS``, ``NAXISn``,
``PCOUNT``, ``GCOUNT`` (and ``GROUPS`` for random groups), computed as astropy does.
"""

from __future__ import annotations

import re
import warnings

from .qc1cards import (
    CARD,
    QC1_PREFIX,
    Collector,
    astropy_fits,
    decode_ascii,
    extension_name,
    keyword_guess,
)
from .qc1sources import Source

BLOCK = 2880
"""Bytes in a FITS block."""

_FITS_QC_RE = re.compile(re.escape(QC1_PREFIX))
"""Candidate QC cards in a FITS header; a hit counts only on a card boundary."""

_FITS_END_RE = re.compile(rb"END(?![A-Z0-9_-])")
"""astropy's END card test (``HEADER_END_RE``): on a card boundary, ``END`` not followed by a
keyword character (so also ``END`` with other bytes after it, which astropy accepts with a
warning)."""

_STRUCTURE_RE = re.compile(r"(BITPIX|NAXIS\d{0,3}|PCOUNT|GCOUNT|GROUPS) *=")
"""The cards that size a data unit."""

_INTEGER_RE = re.compile(r"[+-]?\d+")


def _scan_fits_cards(header: bytes, hdu: int, out: Collector) -> str:
    """Collect the QC cards among the card images of ``header`` (the bytes before END).

    Returns the decoded header text (for the structural cards).
    """
    if not header.isascii():
        out.non_ascii(
            hdu,
            [
                number
                for number, start in enumerate(range(0, len(header), CARD), 1)
                if not header[start : start + CARD].isascii()
            ],
        )
    text = decode_ascii(header)
    starts = [start for match in _FITS_QC_RE.finditer(text) if not (start := match.start()) % CARD]
    if not starts:
        return text
    continued = "CONTINUE" in text and any(
        text.startswith("CONTINUE", start + CARD) for start in starts
    )
    if not continued and "\n" not in text:
        lines = "\n".join([text[start : start + CARD] for start in starts])
        if out.simple_cards(hdu, lines, len(starts)):
            return text  # the common case: every QC card simple, parsed in one pass
    for start in starts:
        stop = start + CARD
        while text.startswith("CONTINUE", stop):
            stop += CARD
        out.card(hdu, start // CARD + 1, text[start:stop])
    return text


def _images(text: str, keyword: str) -> list[str]:
    """The card images of ``text`` that start with ``keyword``."""
    start = text.find(keyword)
    found = []
    while start >= 0:
        if not start % CARD:
            found.append(text[start : start + CARD])
        start = text.find(keyword, start + 1)
    return found


def _find_end(block: bytes) -> int | None:
    for match in _FITS_END_RE.finditer(block):
        if match.start() % CARD == 0:
            return match.start()
    return None


def _read_fits_header(source: Source, first: bytes) -> tuple[bytes, bool, bytes]:
    """The card bytes of one header up to its END card, whether END was found, and the END card.

    ``first`` is the header's first block when it was read already (else ``b""``). Reads whole
    blocks only, so after an END card the source stands at the start of the data unit.
    """
    parts: list[bytes] = []
    block = first or source.read(BLOCK)
    while block:
        end = _find_end(block)
        if end is not None:
            parts.append(block[:end])
            return b"".join(parts), True, block[end : end + CARD]
        parts.append(block)
        if len(block) < BLOCK:
            break
        block = source.read(BLOCK)
    return b"".join(parts), False, b""


def _structure(text: str) -> dict[str, int | bool | None]:
    """BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT and GROUPS of a header: the first card of each
    name, its value None when it is not an integer (``T``/``F`` for GROUPS)."""
    found: dict[str, int | bool | None] = {}
    for match in _STRUCTURE_RE.finditer(text):
        start = match.start()
        name = match[1]
        if start % CARD or name in found:
            continue
        image = text[start : start + CARD]
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
            card = astropy_fits()[0].fromstring(image)
            keyword, value = card.keyword, card.value
        except Exception:  # an unreadable structural card: the caller diagnoses it
            return keyword_guess(image), None
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


def scan_fits(
    source: Source, first: bytes, extensions: bool, out: Collector, data_units: bool = True
) -> None:
    """Collect the QC cards of the primary header, and with ``extensions`` of the extension
    headers after it; ``first`` is the first block, already read from ``source``. Without
    ``data_units`` the headers follow each other directly (the form
    :func:`~pytest_mucverify.blade.header_script.header_blocks` gives)."""
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
        if hdu:
            out.extension(hdu, extension_name("\n".join(_images(text, "EXTNAME"))))
        if not found_end:
            cards = -(-len(header) // CARD)
            out.note(hdu, f"truncated header: no END card (the bytes end after {cards} cards)")
            return
        if end_card.rstrip() != b"END":
            out.note(
                hdu, "the END card has other bytes after END (astropy ends the header there too)"
            )
        if not extensions:
            return
        if not data_units:
            hdu += 1
            continue
        size = _data_size(text, primary=hdu == 0)
        if isinstance(size, str):
            out.note(
                hdu, f"cannot size the data unit ({size}): the extensions after it were not read"
            )
            return
        padded = -(-size // BLOCK) * BLOCK
        skipped = source.skip(padded)
        if skipped < size:
            out.note(hdu, f"data unit truncated: {size} bytes expected, {skipped} present")
            return
        if skipped < padded:
            return  # the last data unit lacks its padding: nothing can follow it
        hdu += 1
