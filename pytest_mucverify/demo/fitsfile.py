"""FITS files of the demo, with headers built by astropy (one primary HDU, a tiny data unit)."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterable

from astropy.io import fits
from astropy.io.fits.verify import VerifyWarning

Card = tuple[str, object, str]
BLOCK = 2880


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


def header(cards: Iterable[Card], shape: tuple[int, int] = (8, 8)) -> fits.Header:
    head = fits.Header()
    head["SIMPLE"] = (True, "conforms to FITS standard")
    head["BITPIX"] = (16, "array data type")
    head["NAXIS"] = (2, "number of array dimensions")
    head["NAXIS1"] = shape[1]
    head["NAXIS2"] = shape[0]
    for key, value, comment in cards:
        head[key if len(key) <= 8 and " " not in key else f"HIERARCH {key}"] = (value, comment)
    return head


def fits_bytes(head: fits.Header) -> bytes:
    with warnings.catch_warnings():
        # a long PIPEFILE loses its comment, as real products' do
        warnings.simplefilter("ignore", VerifyWarning)
        text = str(head.tostring()).encode("ascii")
    size = 2 * int(head["NAXIS1"]) * int(head["NAXIS2"])
    padded = size + (-size % BLOCK)
    return text + b"\0" * padded


def hdr_text(head: fits.Header) -> str:
    """The ``.hdr`` convention: the header as 80-character card lines, up to END."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VerifyWarning)
        return str(head.tostring(sep="\n", endcard=True, padding=False)) + "\n"


def extension_header(
    extname: str, cards: Iterable[Card], shape: tuple[int, int] = (4, 4)
) -> fits.Header:
    """An image extension of a detector, named by EXTNAME, with its own QC1 cards."""
    head = fits.Header()
    head["XTENSION"] = ("IMAGE", "image extension")
    head["BITPIX"] = (16, "array data type")
    head["NAXIS"] = (2, "number of array dimensions")
    head["NAXIS1"] = shape[1]
    head["NAXIS2"] = shape[0]
    head["PCOUNT"] = 0
    head["GCOUNT"] = 1
    head["EXTNAME"] = (extname, "detector")
    for key, value, comment in cards:
        head[key if len(key) <= 8 and " " not in key else f"HIERARCH {key}"] = (value, comment)
    return head


def mef_bytes(headers: list[fits.Header]) -> bytes:
    """A product of a primary header and its extensions, each with its (zero) data unit."""
    return b"".join(fits_bytes(head) for head in headers)


def mef_hdr_text(headers: list[fits.Header]) -> str:
    """The ``.hdr`` of a product: every header, one card a line, each up to its END line."""
    return "".join(hdr_text(head) for head in headers)
