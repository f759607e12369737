"""The QC cards of ``.hdr`` header files: one card per text line (lines may be shorter than 80
characters), up to the ``END`` line.

A header with no ``END`` line still yields the QC cards before the text ends. With
``extensions=True`` the next header starts after the previous ``END`` line (blank lines between
headers are skipped). Cards are numbered by their line, counted from the header's first line.
"""

from __future__ import annotations

import re

from .qc1cards import CARD, QC1_PREFIX, Collector, decode_ascii, extension_name

_TEXT_END_RE = re.compile(rb"\nEND[ \t\r\x0b\x0c]*$", re.MULTILINE)
"""The END line of a ``.hdr`` header, with the newline before it (astropy's test is
``line.rstrip() == "END"``). The leading newline, not ``^``, lets the search skip ahead fast."""

_TEXT_END_LINE_RE = re.compile(rb"END[ \t\r\x0b\x0c]*$", re.MULTILINE)
"""An END line, matched at a line start."""

_TEXT_QC_RE = re.compile(r"\n" + re.escape(QC1_PREFIX) + r"[^\n]*(?:\nCONTINUE[^\n]*)*")
"""A QC line of a ``.hdr`` header with the newline before it and the CONTINUE lines after it."""

_BLANK_LINES_RE = re.compile(rb"(?:[ \t\r\x0b\x0c]*\n)*")


def _end_line(data: bytes, start: int) -> tuple[int, int] | None:
    """Where the first END line at or after the line start ``start`` begins and ends."""
    if (first := _TEXT_END_LINE_RE.match(data, start)) is not None:
        return start, first.end()
    found = _TEXT_END_RE.search(data, start)
    return None if found is None else (found.start() + 1, found.end())


def scan_text(data: bytes, extensions: bool, out: Collector) -> None:
    """Collect the QC cards of the first header of the ``.hdr`` text ``data``, and with
    ``extensions`` of the headers after it."""
    start = 0
    hdu = 0
    while True:
        end = _end_line(data, start)
        raw = data[start : end[0] if end else len(data)]
        if not raw.isascii():
            lines = raw.split(b"\n")
            out.non_ascii(hdu, [n for n, line in enumerate(lines, 1) if not line.isascii()])
        text = decode_ascii(raw)
        expected = "XTENSION" if hdu else "SIMPLE"
        if not text.startswith(expected):
            out.note(hdu, f"the header's first line is not {expected}")
        _text_cards(text, hdu, out)
        if hdu:
            out.extension(hdu, extension_name(text))
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


def _text_cards(text: str, hdu: int, out: Collector) -> None:
    """Collect the QC cards among the lines of a ``.hdr`` header."""
    matches = list(_TEXT_QC_RE.finditer("\n" + text))  # offsets in text: match.start()
    if not matches:
        return
    groups = [match.group()[1:] for match in matches]
    lines = "\n".join(groups)
    single_lines = lines.count("\n") == len(groups) - 1 and max(map(len, groups)) <= CARD
    if single_lines and out.simple_cards(hdu, lines, len(groups)):
        return  # the common case: every QC line simple, parsed in one pass
    line, counted = 1, 0
    for match, group in zip(matches, groups, strict=True):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        cards = [card.removesuffix("\r") for card in group.split("\n")]
        longest = max(map(len, cards))
        if longest > CARD:
            out.note(
                hdu,
                f"card {line}: a line longer than 80 characters ({longest}); astropy reads it "
                "as more than one card image",
            )
            image = "".join(cards)
        else:
            image = "".join(card.ljust(CARD) for card in cards)  # as in a FITS file
        out.card(hdu, line, image)
