"""FITS files of the demo: a primary header (and detector extensions), each with a tiny data unit.

A dense year writes millions of cards, and astropy spends about a millisecond building and
formatting each header (its configuration lookups per card). The cards here are formatted by
hand, as astropy formats them (``card_image``); any card the hand path is not sure of (too long
for one line, a value type it does not know, a commentary keyword) is formatted by astropy.
``tests/test_demo_fits.py`` shows both give the same bytes.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

Card = tuple[str, object, str]
BLOCK = 2880
CARD = 80
KEYWORD_LENGTH = 8
COMMENTARY = frozenset({"", "COMMENT", "HISTORY", "END"})


def qc_value(kind: str, typical: float, seed: str) -> object:
    """A deterministic, realistic value scattered around the typical one."""
    rnd = random.Random(seed)
    if kind == "float":
        return round(typical * (1 + rnd.uniform(-0.02, 0.02)), 6)
    if kind == "int":
        return int(typical) + rnd.randint(0, 2) if typical > 10 else int(typical)
    if kind == "bool":
        return bool(typical)
    return f"DID{rnd.randint(100, 999)}"


@dataclass
class Header:
    """Cards by keyword, in order; setting a keyword again replaces its card where it stands."""

    cards: dict[str, Card] = field(default_factory=dict)
    shape: tuple[int, int] = (8, 8)

    def set(self, key: str, value: object, comment: str = "") -> None:
        self.cards[key] = (key, value, comment)

    def images(self) -> list[str]:
        return [card_image(*card) for card in self.cards.values()]


def header(cards: Iterable[Card], shape: tuple[int, int] = (8, 8)) -> Header:
    head = Header(shape=shape)
    head.set("SIMPLE", True, "conforms to FITS standard")
    head.set("BITPIX", 16, "array data type")
    head.set("NAXIS", 2, "number of array dimensions")
    head.set("NAXIS1", shape[1])
    head.set("NAXIS2", shape[0])
    for key, value, comment in cards:
        head.set(key, value, comment)
    return head


def extension_header(
    extname: str, cards: Iterable[Card], shape: tuple[int, int] = (4, 4)
) -> Header:
    """An image extension of a detector, named by EXTNAME, with its own QC1 cards."""
    head = Header(shape=shape)
    head.set("XTENSION", "IMAGE", "image extension")
    head.set("BITPIX", 16, "array data type")
    head.set("NAXIS", 2, "number of array dimensions")
    head.set("NAXIS1", shape[1])
    head.set("NAXIS2", shape[0])
    head.set("PCOUNT", 0)
    head.set("GCOUNT", 1)
    head.set("EXTNAME", extname, "detector")
    for key, value, comment in cards:
        head.set(key, value, comment)
    return head


def _plain_value(value: object) -> str | None:
    """astropy's fixed-format value field, or None where the hand path leaves it to astropy."""
    if isinstance(value, bool):
        return f"{'T' if value else 'F':>20}"
    if isinstance(value, int):
        return f"{value:>20d}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = str(value).replace("e", "E")
        return f"{text:>20}" if len(text) <= 20 else None
    if isinstance(value, str):
        if not value:
            return "''"
        if not value.isascii() or not value.isprintable():
            return None
        quoted = "'{:8}'".format(value.replace("'", "''"))
        return f"{quoted:20}"
    return None


def card_image(key: str, value: object, comment: str = "") -> str:
    """The 80 characters of a card, exactly as astropy writes ``header[key] = (value, comment)``
    (keys longer than 8 characters or with spaces as HIERARCH cards)."""
    hierarch = len(key) > KEYWORD_LENGTH or " " in key
    formatted = _plain_value(value)
    plain = (
        formatted is not None
        and key == key.upper()
        and key.isascii()
        and key not in COMMENTARY
        and comment.isascii()
        and comment.isprintable()
    )
    if plain and formatted is not None:
        keyword = f"HIERARCH {key} " if hierarch else f"{key:8}"
        shown = formatted.strip() if len(key) > KEYWORD_LENGTH else formatted
        remark = f" / {comment}" if comment else ""
        image = f"{keyword}= {shown}{remark}"
        if hierarch and len(keyword) + 2 + len(shown) == CARD + 1:
            image = f"{keyword[:-1]}= {shown}{remark}"
        if len(image) <= CARD:
            return f"{image:80}"
        if not (isinstance(value, str) and len(shown) > CARD - len(keyword) - 2):
            return image[:CARD]  # the value fits: astropy truncates the comment
    return _astropy_image(key, value, comment)


def _astropy_image(key: str, value: object, comment: str) -> str:
    from astropy.io import fits
    from astropy.io.fits.verify import VerifyWarning

    head = fits.Header()
    head[f"HIERARCH {key}" if len(key) > KEYWORD_LENGTH or " " in key else key] = (value, comment)
    with warnings.catch_warnings():
        # a long PIPEFILE loses its comment, as real products' do
        warnings.simplefilter("ignore", VerifyWarning)
        return str(head.tostring(endcard=False, padding=False))


def _lines(head: Header) -> list[str]:
    """Every 80-character line of the header, a long string's CONTINUE cards included."""
    return [image[i : i + CARD] for image in head.images() for i in range(0, len(image), CARD)]


def fits_bytes(head: Header) -> bytes:
    lines = [*_lines(head), f"{'END':80}"]
    text = "".join(lines)
    text += " " * (-len(text) % BLOCK)
    size = 2 * head.shape[0] * head.shape[1]
    return text.encode("ascii") + b"\0" * (size + (-size % BLOCK))


def hdr_text(head: Header) -> str:
    """The ``.hdr`` convention: the header as 80-character card lines, up to END."""
    return "\n".join([*_lines(head), f"{'END':80}"]) + "\n"


def mef_bytes(headers: list[Header]) -> bytes:
    """A product of a primary header and its extensions, each with its (zero) data unit."""
    return b"".join(fits_bytes(head) for head in headers)


def mef_hdr_text(headers: list[Header]) -> str:
    """The ``.hdr`` of a product: every header, one card a line, each up to its END line."""
    return "".join(hdr_text(head) for head in headers)
