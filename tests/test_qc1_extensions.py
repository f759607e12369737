"""QC1 cards of every HDU: the fast scan agrees with astropy on multi-extension products, in
every form a blade holds them (.fits, .fits.gz, .fits.Z, the .hdr left by cleanup), read as
the checks read them (every header through ``header_blocks``, then the scan)."""

from __future__ import annotations

import gzip
import io
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.io.fits.verify import VerifyWarning
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lzw import compress_lzw

from pytest_mucverify.blade import header_script
from pytest_mucverify.blade.header_script import HeaderProblem, header_blocks, unlzw
from pytest_mucverify.dfos.qc1 import hdu_labels, qc1_from_header_bytes

WORDS = st.sampled_from(["BIAS", "MASTER", "MEDIAN", "RON", "CHIP", "FLUX", "OUT1", "NX", "DID"])
KEYWORDS = st.lists(WORDS, min_size=1, max_size=4).map(lambda w: "ESO QC " + " ".join(w))
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=150)
VALUES = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    TEXT,
    st.just(-999.0),
)
HDU_CARDS = st.dictionaries(KEYWORDS, VALUES, max_size=6)


def build(primary: dict[str, Any], extensions: list[tuple[str, dict[str, Any], str]]) -> bytes:
    """A product: the primary header's QC cards, then image and table extensions, each with a
    small data unit, named by EXTNAME (or not, when the name is empty)."""
    hdus: list[Any] = [fits.PrimaryHDU(np.zeros((3, 5), dtype=np.int16))]
    for index, (name, _cards, kind) in enumerate(extensions, 1):
        if kind == "table":
            column = fits.Column(name="x", format="E", array=np.arange(index + 2, dtype=float))
            hdus.append(fits.BinTableHDU.from_columns([column]))
        else:
            hdus.append(fits.ImageHDU(np.ones((index, 7), dtype=np.float32)))
        if name:
            hdus[-1].header["EXTNAME"] = name
    for hdu, cards in zip(hdus, [primary, *(c for _n, c, _k in extensions)], strict=True):
        for keyword, value in cards.items():
            hdu.header[f"HIERARCH {keyword}"] = value
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VerifyWarning)
        fits.HDUList(hdus).writeto(out)
    return out.getvalue()


def hdr_form(data: bytes) -> bytes:
    """The ``.hdr`` of a product: every header as card lines up to its END line."""
    with fits.open(io.BytesIO(data)) as hdul:
        return b"".join(
            hdu.header.tostring(sep="\n", endcard=True, padding=False).encode() + b"\n"
            for hdu in hdul
        )


def astropy_parameters(data: bytes) -> dict[str, Any]:
    """astropy's QC1 values of every HDU, named as the project names them."""
    with fits.open(io.BytesIO(data)) as hdul:
        names = {n: str(hdu.header.get("EXTNAME", "")).strip() for n, hdu in enumerate(hdul) if n}
        labels = hdu_labels(names)
        found: dict[str, Any] = {}
        for n, hdu in enumerate(hdul):
            for card in hdu.header.cards:
                if card.keyword.startswith("ESO QC ") and card.keyword not in ("",):
                    name = ".".join(card.keyword.split()[1:])
                    found.setdefault(f"{labels[n]}:{name}" if n else name, hdu.header[card.keyword])
        return found


def scanned(data: bytes) -> dict[str, Any]:
    result = qc1_from_header_bytes(
        header_blocks(io.BytesIO(data)), "p", extensions=True, data_units=False
    )
    assert result.diagnostics == ()
    return result.parameters


def same(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    return {k: (type(v), v) for k, v in ours.items()} == {
        k: (type(v), v) for k, v in theirs.items()
    }


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    HDU_CARDS,
    st.lists(
        st.tuples(
            st.sampled_from(["CHIP1", "CHIP2", "DET1.DATA", "", "CHIP1"]),
            HDU_CARDS,
            st.sampled_from(["image", "table"]),
        ),
        max_size=4,
    ),
    st.sampled_from(["fits", "gz", "Z", "hdr"]),
)
def test_every_hdu_agrees_with_astropy(
    primary: dict[str, Any], extensions: list[tuple[str, dict[str, Any], str]], form: str
) -> None:
    data = build(primary, extensions)
    expected = astropy_parameters(data)
    packed = {
        "fits": data,
        "gz": gzip.compress(data),
        "Z": compress_lzw(data),
        "hdr": hdr_form(data),
    }[form]
    assert same(scanned(packed), expected)
    # the whole file, data units and all, gives the same values
    whole = qc1_from_header_bytes(data, "p", extensions=True)
    assert same(whole.parameters, expected)


def test_extension_parameters_are_named_by_extname_or_index() -> None:
    data = build(
        {"ESO QC NCOMB": 5},
        [
            ("CHIP1", {"ESO QC BIAS MEDIAN": 1.5}, "image"),
            ("", {"ESO QC BIAS MEDIAN": 2.5}, "table"),
            ("CHIP1", {"ESO QC BIAS MEDIAN": 3.5}, "image"),
            ("CHIP4", {"ESO QC BIAS MEDIAN": 4.5}, "image"),
        ],
    )
    assert scanned(data) == {
        "QC.NCOMB": 5,
        "CHIP1#1:QC.BIAS.MEDIAN": 1.5,
        "#2:QC.BIAS.MEDIAN": 2.5,
        "CHIP1#3:QC.BIAS.MEDIAN": 3.5,
        "CHIP4:QC.BIAS.MEDIAN": 4.5,
    }


def test_only_header_blocks_are_handed_over() -> None:
    data = build({"ESO QC A": 1}, [("CHIP1", {"ESO QC B": 2.0}, "image")])
    headers = header_blocks(io.BytesIO(data))
    assert len(headers) == 2 * 2880 and headers.count(b"END" + b" " * 77) == 2


def test_a_cut_data_unit_is_a_problem_not_a_silent_loss() -> None:
    data = build({"ESO QC A": 1}, [("CHIP1", {"ESO QC B": 2.0}, "image")])
    with pytest.raises(HeaderProblem, match="data unit of HDU 0 is cut short"):
        header_blocks(io.BytesIO(data[: 2880 + 10]))


@pytest.mark.skipif(shutil.which("gzip") is None, reason="no gzip to check the .Z writer")
@pytest.mark.parametrize("size", [0, 1, 2880, 70_000, 400_000])
def test_compress_form_round_trips(size: int) -> None:
    data = (b"HIERARCH ESO QC BIAS MEDIAN = 1.5 " * (size // 30 + 1))[:size]
    packed = compress_lzw(data, maxbits=12 if size > 100_000 else 16)
    assert subprocess.run(["gzip", "-dc"], input=packed, capture_output=True).stdout == data
    assert unlzw(packed) == data


def test_the_blade_script_under_python_2_hands_over_the_same_headers(tmp_path: Path) -> None:
    """An old dfo blade runs the header script with its own Python 2: every form gives the same
    headers as here."""
    from test_corrupt_gzip import _python27

    python = _python27()
    if python is None:
        pytest.skip("no Python 2.7 here (pyenv 2.7.18)")
    data = build(
        {"ESO QC A": 1},
        [("CHIP1", {"ESO QC B": 2.5, "ESO QC S": "x" * 120}, "image"), ("", {}, "table")],
    )
    forms = {
        "p.fits": data,
        "p.fits.gz": gzip.compress(data),
        "p.fits.Z": compress_lzw(data),
        "p.hdr": hdr_form(data),
    }
    for name, content in forms.items():
        (tmp_path / name).write_bytes(content)
    source = Path(header_script.__file__).read_text()
    paths = [str(tmp_path / name) for name in forms]
    out = subprocess.run([*python, "-c", source, *paths], capture_output=True, check=True).stdout
    for path in paths:
        head = out.split(b"\0", 3)
        assert head[0].decode() == path and head[1] == b"ok"
        length = int(head[2])
        with open(path, "rb") as handle:
            assert head[3][:length] == header_blocks(handle)
        out = head[3][length:]


def test_a_data_unit_that_cannot_be_sized_is_a_problem() -> None:
    data = build({"ESO QC A": 1}, [("CHIP1", {"ESO QC B": 2.0}, "image")])
    negative = data.replace(b"NAXIS1  =                    5", b"NAXIS1  =                   -5")
    assert negative != data
    with pytest.raises(HeaderProblem, match="NAXIS1 = -5 is negative"):
        header_blocks(io.BytesIO(negative))
