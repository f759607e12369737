"""QC1 card images parsed into keywords and typed values, with astropy as the authority, and the
collector that keeps the values of one scan and writes its diagnostics.

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

Diagnostics of a card
    A keyword met twice in a header keeps its first value, as astropy's ``header[keyword]``
    does, and the repeat is reported. A card with no value (astropy's ``UNDEFINED``) is reported
    and left out of the values. Non-ASCII bytes are reported by card number and read as ``?``,
    as astropy reads them.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable
from typing import Any, TypeAlias

Qc1Value: TypeAlias = bool | int | float | str | complex
"""A QC1 value as astropy reads it (``complex`` only for the rare ``(re, im)`` form)."""

QC1_PREFIX = "HIERARCH ESO QC "
"""The card prefix that marks a QC1 parameter."""

CARD = 80
"""Characters in a card image."""

_MAX_LISTED = 10
"""At most this many card numbers are listed in one diagnostic."""

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


# --------------------------------------------------------------------------------------------
# astropy: imported on first need, so that importing this module stays cheap


@functools.cache
def astropy_fits() -> tuple[Any, Any, type[Any]]:
    """astropy's ``Card`` class, ``fits.conf`` and ``Undefined`` class."""
    from astropy.io.fits import Card, conf
    from astropy.io.fits.card import Undefined

    return Card, conf, Undefined


_told_strip: list[bool] = []


def tell_strip_header_whitespace(strip: bool) -> None:
    """Take astropy's ``conf.strip_header_whitespace`` as told (an xdist worker is told the
    controller's), so that a padded string value does not import astropy and numpy."""
    _told_strip[:] = [strip]


def strip_header_whitespace() -> bool:
    """astropy's ``conf.strip_header_whitespace`` (default True): drop a string's trailing
    blanks."""
    return _told_strip[0] if _told_strip else bool(astropy_fits()[1].strip_header_whitespace)


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
    stripped = text.rstrip()
    return stripped if stripped == text or strip() else text


def _simple_card(image: str, strip: Callable[[], bool]) -> tuple[str, Qc1Value] | None:
    """Keyword and value of one card image in a simple form; None for any other card."""
    if len(image) > CARD:
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
    card_class, _conf, undefined = astropy_fits()
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
                keyword if read and isinstance(keyword, str) else keyword_guess(image),
                f"astropy rejects it: {_one_line(exc)}",
                keyword_read=read,
            ) from exc
    notes = [f"astropy warns: {_one_line(warning.message)}" for warning in caught]
    if not qc or not isinstance(keyword, str):
        raise Qc1CardError(
            "",
            f"astropy reads no ESO QC keyword from it (keyword {keyword!r}; a HIERARCH card "
            f"needs '='): {image[:CARD].rstrip()!r}",
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


def keyword_guess(image: str) -> str:
    """The keyword of a card image as far as it can be told without astropy (for messages)."""
    head = image[:CARD].split("=", 1)[0]
    return head[9:].strip() if head.startswith("HIERARCH ") else head.strip()


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def parse_qc1_card(image: str) -> tuple[str, Qc1Value]:
    """Keyword and value of one ``HIERARCH ESO QC`` card image (80 characters, or a card joined
    with its CONTINUE cards), exactly as astropy reads them.

    Raises :class:`Qc1CardError` when astropy rejects the card or reads no value from it.
    """
    simple = _simple_card(image, strip_header_whitespace)
    if simple is not None:
        return simple
    keyword, value, _notes = _astropy_card(image)
    return keyword, value


# --------------------------------------------------------------------------------------------
# collecting the QC cards of a header


class Collector:
    """Values and diagnostics of one scan."""

    def __init__(self) -> None:
        self.values: dict[str, Qc1Value] = {}
        self.diagnostics: list[str] = []
        self.extension_names: dict[int, str] = {}
        """EXTNAME of each extension that has one (``""`` when it has none)."""
        self._first_card: dict[tuple[int, str], int] = {}
        self._strip: bool | None = None

    def extension(self, hdu: int, extname: str) -> None:
        """Record the EXTNAME of extension ``hdu`` (``""`` for none)."""
        self.extension_names[hdu] = extname

    def note(self, hdu: int, message: str) -> None:
        self.diagnostics.append(f"[{hdu}] {message}" if hdu else message)

    def strip_strings(self) -> bool:
        """astropy's ``conf.strip_header_whitespace``, looked up once per scan."""
        if self._strip is None:
            self._strip = strip_header_whitespace()
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


def decode_ascii(header: bytes) -> str:
    """ASCII text of header bytes, each non-ASCII byte as ``?`` (astropy's ``decode_ascii``);
    one character per byte, so offsets stay card offsets."""
    if header.isascii():
        return header.decode("ascii")
    return header.decode("ascii", "replace").replace("\ufffd", "?")


_EXTNAME_RE = re.compile(r"^EXTNAME = +'((?:[^']|'')*)'", re.MULTILINE)


def extension_name(cards: str) -> str:
    """The EXTNAME of a header given as card images one a line (or 80 characters apart with
    ``"\\n"`` inserted by the caller), blanks stripped as astropy strips them; ``""`` when none."""
    found = _EXTNAME_RE.search(cards)
    return found.group(1).replace("''", "'").strip() if found else ""
