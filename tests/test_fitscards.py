"""card_values reads a plain string card by itself and any other by astropy: both as astropy."""

from __future__ import annotations

import warnings

from astropy.io import fits
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mucverify.dfos.fitscards import card_value, card_values

printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
keyword = st.sampled_from(
    ["HIERARCH ESO PRO CATG", "HIERARCH ESO PRO REC1 RAW1 NAME", "PIPEFILE", "ORIGIN", "A"]
)
images = st.builds(
    lambda key, gap, value, quote, comment: (
        f"{key:8}{gap}= {quote}{value}{quote}{comment}"
        if not key.startswith("HIERARCH")
        else f"{key}{gap}= {quote}{value}{quote}{comment}"
    )[:80],
    keyword,
    st.sampled_from(["", " ", "  "]),
    printable,
    st.sampled_from(["'", ""]),
    st.sampled_from(["", " / a comment", "/x'y", " junk"]),
)


def astropy_reads(image: str) -> tuple[str, object] | str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            card = fits.Card.fromstring(image)
            return str(card.keyword).upper(), card.value
        except Exception as exc:
            return type(exc).__name__


def ours(image: str) -> tuple[str, object] | str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return card_value(image)
        except Exception as exc:
            return type(exc).__name__


@settings(max_examples=300, deadline=None)
@given(images)
def test_a_card_reads_as_astropy_reads_it(image: str) -> None:
    assert ours(image) == astropy_reads(image)


def test_card_values_of_a_header_block() -> None:
    cards = [
        "SIMPLE  =                    T",
        "HIERARCH ESO PRO CATG = 'MASTER_BIAS  ' / product category",
        "PIPEFILE= 'GI_MBIA_130205A_1x1.fits'",
        "HIERARCH ESO PRO REC1 RAW1 NAME = 'it''s' / a quote inside",
        "END",
        "PIPEFILE= 'after END'",
    ]
    header = "".join(f"{card:80}" for card in cards).encode()
    found = card_values(header, ["ESO PRO CATG", "PIPEFILE", "ESO PRO REC1 RAW1 NAME", "NONE"])
    assert found == {
        "ESO PRO CATG": "MASTER_BIAS",
        "PIPEFILE": "GI_MBIA_130205A_1x1.fits",
        "ESO PRO REC1 RAW1 NAME": "it's",
    }
