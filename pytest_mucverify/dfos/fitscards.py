"""A few named cards of a FITS header (blocks of 80-character cards, or a ``.hdr`` text of one
card a line), parsed by astropy; the rest of the header is not parsed."""

from __future__ import annotations

from collections.abc import Iterable

from astropy.io import fits


def card_images(header: bytes) -> list[str]:
    text = header.decode("ascii", "replace")
    if "\n" in text[:81]:
        return [line.rstrip("\r") for line in text.splitlines()]
    return [text[i : i + 80] for i in range(0, len(text), 80)]


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
                card = fits.Card.fromstring(image)
                keyword = str(card.keyword).upper()
                if keyword in wanted and keyword not in found:
                    found[keyword] = card.value
            except Exception:
                continue
    return found
