"""A few named cards of a FITS header (blocks of 80-character cards, or a ``.hdr`` text of one
card a line); the rest of the header is not parsed.

A card whose value is a plain quoted string (no quote inside, as pipelines write PRO.CATG and
PIPEFILE) is read by one regular expression; any other card of the named ones is read by
astropy, which is imported only then (or for a string padded with blanks, to read astropy's
``strip_header_whitespace``, unless the process was told it: see ``qc1cards``).
``tests/test_qc1_compare.py`` shows both agree with astropy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .qc1cards import CARD, astropy_fits, strip_header_whitespace

_PLAIN_STRING = re.compile(
    r"(?:HIERARCH ([A-Z0-9_-]+(?: [A-Z0-9_-]+)*) *|([A-Z0-9_-]{1,8}) *(?<=^.{8}))= *"
    r"'([ -&(-~]*)' *(?:/.*)?"
)
"""a HIERARCH card, or a standard one with its ``=`` in column 9, whose value is a quoted string
with no quote inside."""


def card_images(header: bytes) -> list[str]:
    text = header.decode("ascii", "replace")
    if "\n" in text[:81]:
        return [line.rstrip("\r") for line in text.splitlines()]
    return [text[i : i + 80] for i in range(0, len(text), 80)]


def card_value(image: str) -> tuple[str, object]:
    """astropy's keyword and value of one card image (raises what astropy raises)."""
    plain = _PLAIN_STRING.fullmatch(image) if len(image) <= CARD else None
    if plain is not None:
        hierarch, standard, text = plain.groups()
        stripped = text.rstrip()
        if stripped != text and not strip_header_whitespace():
            stripped = text
        return hierarch or standard, stripped
    card_class, _conf, _undefined = astropy_fits()
    card = card_class.fromstring(image)
    return str(card.keyword).upper(), card.value


def card_values(header: bytes, keywords: Iterable[str]) -> dict[str, object]:
    """The values of the given keywords (``ESO PRO CATG``: HIERARCH ones by their name)."""
    wanted = {k.upper() for k in keywords}
    starts = tuple({f"HIERARCH {k}" if len(k) > 8 or " " in k else k for k in wanted})
    found: dict[str, object] = {}
    for image in card_images(header):
        if image.startswith("END") and not image[3:].strip():
            break
        if image.startswith(starts):
            try:
                keyword, value = card_value(image)
            except Exception:
                continue
            if keyword in wanted and keyword not in found:
                found[keyword] = value
    return found
