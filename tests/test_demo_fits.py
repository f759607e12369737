"""The demo's hand-formatted FITS cards are astropy's, byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import string
import warnings

from astropy.io import fits
from astropy.io.fits.verify import VerifyWarning
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mucverify.demo.fitsfile import (
    Header,
    card_image,
    fits_bytes,
    hdr_text,
    header,
    mef_bytes,
)
from pytest_mucverify.demo.nights import abs_of_night
from pytest_mucverify.demo.world import INSTRUMENTS


def astropy_header(head: Header) -> fits.Header:
    built = fits.Header()
    for key, value, comment in head.cards.values():
        built[key if len(key) <= 8 and " " not in key else f"HIERARCH {key}"] = (value, comment)
    return built


def astropy_bytes(head: Header) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VerifyWarning)
        text = str(astropy_header(head).tostring()).encode("ascii")
    size = 2 * head.shape[0] * head.shape[1]
    return text + b"\0" * (size + (-size % 2880))


def astropy_image(key: str, value: object, comment: str) -> str:
    head = Header()
    head.set(key, value, comment)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VerifyWarning)
        return str(astropy_header(head).tostring(endcard=False, padding=False))


def test_every_header_of_a_demo_night_is_astropys() -> None:
    headers: list[Header] = []
    for inst in INSTRUMENTS.values():
        for ab in abs_of_night(inst, dt.date(2013, 2, 1)):
            for n, name in enumerate(ab.products):
                headers += ab.product_headers(n, ab.certified_name(n))
                headers += ab.product_headers(n, "x" * 70 + name)  # past one line
            headers += [header(ab.raw_cards(n)) for n in range(len(ab.raw_names))]
    assert len(headers) > 50
    for head in headers:
        assert fits_bytes(head) == astropy_bytes(head)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VerifyWarning)
            expected = astropy_header(head).tostring(sep="\n", endcard=True, padding=False)
        assert hdr_text(head) == expected + "\n"


def test_a_demo_product_reads_back_with_astropy() -> None:
    inst = INSTRUMENTS["giraffe"]
    ab = abs_of_night(inst, dt.date(2013, 2, 1))[0]
    headers = ab.product_headers(0, ab.certified_name(0))
    with fits.open(io.BytesIO(mef_bytes(headers))) as hdus:
        assert len(hdus) == len(headers)
        for hdu, head in zip(hdus, headers, strict=True):
            for key, value, _ in head.cards.values():
                if key not in ("PIPEFILE",):
                    assert hdu.header[key] == value


KEYS = st.one_of(
    st.text(string.ascii_uppercase + string.digits + "-_", min_size=1, max_size=8),
    st.lists(
        st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=12),
        min_size=2,
        max_size=7,
    ).map(" ".join),
)
VALUES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(
        string.printable.replace("\n", "")
        .replace("\r", "")
        .replace("\t", "")
        .replace("\x0b", "")
        .replace("\x0c", ""),
        max_size=90,
    ),
)
COMMENTS = st.text(string.ascii_letters + string.digits + " .,'/=-", max_size=70)


@settings(max_examples=400, deadline=None)
@given(KEYS, VALUES, COMMENTS)
def test_a_card_is_formatted_as_astropy_formats_it(key: str, value: object, comment: str) -> None:
    try:
        expected = astropy_image(key, value, comment)
    except ValueError:
        return  # astropy refuses the card (a keyword of only spaces and the like)
    assert card_image(key, value, comment) == expected
