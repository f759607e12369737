"""The QC1 reader (pytest_mucverify.dfos.qc1): agreement with astropy, on real ESO headers and on
built ones, and bad input that must never crash nor lose a parameter silently."""

from __future__ import annotations

import gzip
import io
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_mucverify import astropysetting
from pytest_mucverify.astropysetting import AstropyStripSetting
from pytest_mucverify.dfos import qc1cards
from pytest_mucverify.dfos.fitscards import card_values
from pytest_mucverify.dfos.qc1 import (
    Qc1CardError,
    Qc1Result,
    parse_qc1_card,
    qc1_from_header_bytes,
    read_qc1_file,
)

# --------------------------------------------------------------------------------------------
# the real-header corpus: ../shared/corpus/fits, or $MUCVERIFY_CORPUS (that folder, or a
# corpus folder holding fits/). Read in place, never copied: its licences are not ours.


def _corpus_dir() -> Path:
    override = os.environ.get("MUCVERIFY_CORPUS")
    if override:
        folder = Path(override)
        return folder / "fits" if (folder / "fits").is_dir() else folder
    return Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fits"


CORPUS = _corpus_dir()
CORPUS_FILES = sorted(path.stem for path in CORPUS.glob("*.fits")) if CORPUS.is_dir() else []
NO_CORPUS = (
    f"the real ESO header corpus is not at {CORPUS} (set MUCVERIFY_CORPUS to its folder to run "
    "the agreement tests on real data)"
)
corpus_names = pytest.mark.parametrize(
    "name", CORPUS_FILES or [pytest.param("", marks=pytest.mark.skip(reason=NO_CORPUS))]
)


def typed(values: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Values with their type names, so that True != 1 and 1 != 1.0 in comparisons."""
    return {key: (type(value).__name__, value) for key, value in values.items()}


def astropy_qc(header: fits.Header) -> dict[str, Any]:
    """What astropy reads for the ESO QC keywords of a header (first card of each keyword;
    keywords whose value astropy cannot read, or reads as UNDEFINED, left out)."""
    found: dict[str, Any] = {}
    seen: set[str] = set()  # astropy's keyword lookups ignore case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for keyword in header:
            if not keyword.startswith("ESO QC ") or keyword.upper() in seen:
                continue
            seen.add(keyword.upper())
            try:
                value = header[keyword]
            except Exception:
                continue
            if value is not None:  # header[keyword] gives None for an UNDEFINED value
                found[keyword] = value
    return found


def expected(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((CORPUS / f"{name}.qc.json").read_text())
    return loaded


@corpus_names
def test_corpus_fits_agrees_with_json_and_astropy(name: str) -> None:
    path = CORPUS / f"{name}.fits"
    result = qc1_from_header_bytes(path.read_bytes(), source=path.name)
    assert result.diagnostics == ()
    assert typed(result.values) == typed(expected(name))
    assert typed(result.values) == typed(astropy_qc(fits.getheader(path)))
    assert list(result.values) == list(expected(name))  # card order
    assert typed(read_qc1_file(path).values) == typed(result.values)


@corpus_names
def test_corpus_hdr_agrees_with_json_and_astropy(name: str) -> None:
    path = CORPUS / f"{name}.hdr"
    result = qc1_from_header_bytes(path.read_bytes(), source=path.name)
    assert result.diagnostics == ()
    assert typed(result.values) == typed(expected(name))
    assert typed(result.values) == typed(astropy_qc(fits.getheader(CORPUS / f"{name}.fits")))
    assert typed(read_qc1_file(path).values) == typed(result.values)


@corpus_names
def test_corpus_gzipped_and_with_extensions(name: str) -> None:
    data = (CORPUS / f"{name}.fits").read_bytes()
    result = qc1_from_header_bytes(gzip.compress(data), extensions=True)
    assert typed(result.values) == typed(expected(name))  # primary HDUs only: nothing is added
    assert result.diagnostics == ()


def test_corpus_is_complete() -> None:
    if not CORPUS_FILES:
        pytest.skip(NO_CORPUS)
    index = json.loads((CORPUS / "INDEX.json").read_text())
    assert sorted(Path(entry["file"]).stem for entry in index) == CORPUS_FILES
    total = 0
    for name in CORPUS_FILES:
        assert (CORPUS / f"{name}.hdr").is_file()
        count = len(qc1_from_header_bytes((CORPUS / f"{name}.fits").read_bytes()).values)
        assert count == len(expected(name))
        total += count
    assert total == sum(entry["n_qc"] for entry in index)
    assert total >= 1400  # the README's 1,450 values: the corpus was read, not skipped


# --------------------------------------------------------------------------------------------
# building FITS products with astropy


QC_OF_EVERY_TYPE: dict[str, Any] = {
    "HIERARCH ESO QC BIAS MASTER MEDIAN": 199.25,
    "HIERARCH ESO QC BIAS MASTER RMS": 3.0e-12,
    "HIERARCH ESO QC STRUCT": 1.0,  # a float that looks whole stays a float
    "HIERARCH ESO QC NEG": -42.5,
    "HIERARCH ESO QC FRAMES USED": 5,  # an int stays an int
    "HIERARCH ESO QC BIG INT": -1234567890123,
    "HIERARCH ESO QC ZERO": 0,
    "HIERARCH ESO QC SATURATED": False,
    "HIERARCH ESO QC PASSED": True,
    "HIERARCH ESO QC CHECK MSG": "all ports within limits",
    "HIERARCH ESO QC EMPTY": "",
    "HIERARCH ESO QC QUOTE": "it's the 'best' frame",  # written with '' escapes
    "HIERARCH ESO QC SLASH": "a/b / c",
    "HIERARCH ESO QC LONG": "calibration " * 12,  # needs CONTINUE cards
    "HIERARCH ESO QC LEAD": "  leading blanks",
}


def product(
    qc: dict[str, Any] | None = None, data: Any = None, extensions: tuple[fits.ImageHDU, ...] = ()
) -> bytes:
    primary = fits.PrimaryHDU(data=data)
    for keyword, value in (QC_OF_EVERY_TYPE if qc is None else qc).items():
        primary.header[keyword] = value
    primary.header["HIERARCH ESO PRO CATG"] = "MASTER_BIAS"
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "card is too long", HIERARCH notes
        fits.HDUList([primary, *extensions]).writeto(buffer)
    return buffer.getvalue()


def astropy_of(data: bytes, extensions: bool = False) -> dict[str, Any]:
    """astropy's reading of the same bytes, keyed like ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not extensions:
            return astropy_qc(fits.getheader(io.BytesIO(data)))
        found: dict[str, Any] = {}
        with fits.open(io.BytesIO(data)) as hdus:
            for index, hdu in enumerate(hdus):
                prefix = f"[{index}] " if index else ""
                found.update({prefix + key: value for key, value in astropy_qc(hdu.header).items()})
        return found


def cards(*images: str, end: bool = True) -> bytes:
    """A primary header of these card images (each padded to 80), padded to a block."""
    text = "".join(image.ljust(80) for image in ("SIMPLE  =                    T", *images))
    if end:
        text += "END".ljust(80)
    return text.ljust(-(-len(text) // 2880) * 2880).encode("latin-1")


def test_values_keep_their_fits_types() -> None:
    data = product(data=np.arange(64 * 64, dtype=np.float32).reshape(64, 64))
    result = qc1_from_header_bytes(data)
    assert result.diagnostics == ()
    assert result.ok
    assert typed(result.values) == typed(astropy_of(data))
    values = result.values
    assert type(values["ESO QC FRAMES USED"]) is int and values["ESO QC FRAMES USED"] == 5
    assert type(values["ESO QC STRUCT"]) is float and values["ESO QC STRUCT"] == 1.0
    assert values["ESO QC SATURATED"] is False and values["ESO QC PASSED"] is True
    assert values["ESO QC QUOTE"] == "it's the 'best' frame"
    assert values["ESO QC LONG"] == ("calibration " * 12).rstrip()
    assert values["ESO QC LEAD"] == "  leading blanks"
    assert "ESO PRO CATG" not in values


def test_gzip_is_read_and_agrees() -> None:
    data = product(data=np.arange(64 * 64, dtype=np.int32).reshape(64, 64))
    result = qc1_from_header_bytes(gzip.compress(data), source="bias.fits.gz")
    assert result.diagnostics == ()
    assert result.source == "bias.fits.gz"
    assert typed(result.values) == typed(astropy_of(data))


def test_gzip_inflates_only_the_header() -> None:
    """The data unit sits in a second gzip member that is corrupt: reading the primary header
    never touches it; reading the extensions (which needs the data unit skipped) does."""
    data = product(data=np.zeros((64, 64), dtype=np.float32))
    header_end = data.index(b"END" + b" " * 77) // 2880 * 2880 + 2880
    corrupt_member = bytearray(gzip.compress(data[header_end:]))
    corrupt_member[12:40] = b"\xff" * 28
    stream = gzip.compress(data[:header_end]) + bytes(corrupt_member)
    primary = qc1_from_header_bytes(stream)
    assert primary.diagnostics == ()
    assert typed(primary.values) == typed(astropy_of(data))
    everything = qc1_from_header_bytes(stream, extensions=True)
    assert any("gzip" in line for line in everything.diagnostics)
    assert typed(everything.values) == typed(primary.values)


def test_read_qc1_file_streams_fits_gzip_and_hdr(tmp_path: Path) -> None:
    data = product(data=np.ones((8, 8)), extensions=(qc_extension(1, np.ones((5, 7))),))
    plain = tmp_path / "product.fits"
    plain.write_bytes(data)
    packed = tmp_path / "product.fits.gz"
    packed.write_bytes(gzip.compress(data))
    text = tmp_path / "product.hdr"
    text.write_bytes(hdr_text(data))
    for path in (plain, packed, text):
        primary = read_qc1_file(path)
        assert primary.source == str(path)
        assert primary.diagnostics == ()
        assert typed(primary.values) == typed(astropy_of(data))
    for path in (plain, packed):
        assert typed(read_qc1_file(path, extensions=True).values) == typed(
            astropy_of(data, extensions=True)
        )
    with pytest.raises(OSError):
        read_qc1_file(tmp_path / "missing.fits")


# --------------------------------------------------------------------------------------------
# extension headers


def qc_extension(index: int, data: Any, hdu: type[Any] = fits.ImageHDU) -> Any:
    extension = hdu(data=data, name=f"EXT{index}")
    extension.header[f"HIERARCH ESO QC EXT{index} MEAN"] = 0.5 * index
    extension.header[f"HIERARCH ESO QC EXT{index} NPIX"] = 100 * index
    extension.header["HIERARCH ESO QC FLAG"] = bool(index % 2)
    return extension


def test_extension_headers_are_keyed_by_index() -> None:
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column(name="flux", format="E", array=np.arange(10, dtype=np.float32)),
            # a variable-length column: a heap, so PCOUNT > 0 sizes the data unit
            fits.Column(
                name="spec",
                format="PJ()",
                array=np.array([np.arange(n) for n in range(1, 11)], dtype=object),
            ),
        ]
    )
    table.header["HIERARCH ESO QC TABLE ROWS"] = 10
    data = product(
        data=np.arange(30, dtype=np.int16).reshape(5, 6),
        extensions=(
            qc_extension(1, np.ones((3, 7, 11), dtype=np.float64)),
            table,
            qc_extension(3, None),  # no data unit at all
            qc_extension(4, np.ones(1, dtype=np.uint8)),
        ),
    )
    assert fits.getheader(io.BytesIO(data), 2)["PCOUNT"] > 0
    result = qc1_from_header_bytes(data, extensions=True)
    assert result.diagnostics == ()
    assert typed(result.values) == typed(astropy_of(data, extensions=True))
    assert result.values["[1] ESO QC EXT1 NPIX"] == 100
    assert result.values["[2] ESO QC TABLE ROWS"] == 10
    assert result.values["[4] ESO QC FLAG"] is False
    assert set(qc1_from_header_bytes(data).values) == {
        key for key in result.values if not key.startswith("[")
    }


def test_random_groups_primary_is_sized_without_naxis1(tmp_path: Path) -> None:
    groups = fits.GroupsHDU(
        fits.GroupData(
            np.zeros((3, 2, 2), dtype=np.float32),
            parnames=["u", "v"],
            pardata=[np.zeros(3), np.ones(3)],
            bitpix=-32,
        )
    )
    groups.header["HIERARCH ESO QC VIS MEAN"] = 0.25
    path = tmp_path / "groups.fits"  # astropy cannot write random groups to a BytesIO
    fits.HDUList([groups, qc_extension(1, np.ones(4))]).writeto(path)
    data = path.read_bytes()
    result = qc1_from_header_bytes(data, extensions=True)
    assert result.diagnostics == ()
    assert typed(result.values) == typed(astropy_of(data, extensions=True))


def test_truncated_data_unit_and_garbage_after_it() -> None:
    data = product(data=np.ones((64, 64)), extensions=(qc_extension(1, np.ones((9, 9))),))
    cut = qc1_from_header_bytes(data[:5000], extensions=True)
    assert typed(cut.values) == typed(astropy_of(data))
    assert any("data unit truncated" in line for line in cut.diagnostics)
    garbage = qc1_from_header_bytes(data + b"\x00garbage" * 400, extensions=True)
    assert typed(garbage.values) == typed(astropy_of(data, extensions=True))
    assert any("no XTENSION card" in line for line in garbage.diagnostics)


def test_unsizable_data_unit_is_diagnosed() -> None:
    header = cards(
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                   10",
        "HIERARCH ESO QC A = 1",
    )
    result = qc1_from_header_bytes(header, extensions=True)
    assert result.values == {"ESO QC A": 1}
    assert any("NAXIS2 is missing" in line for line in result.diagnostics)


# --------------------------------------------------------------------------------------------
# the .hdr form


def hdr_text(data: bytes, newline: str = "\n") -> bytes:
    """The .hdr convention of a FITS file's headers: one card per line, trailing blanks cut."""
    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(io.BytesIO(data)) as hdus:
            for hdu in hdus:
                image = hdu.header.tostring(endcard=True, padding=False)
                lines += [image[i : i + 80].rstrip() for i in range(0, len(image), 80)]
    return (newline.join(lines) + newline).encode("ascii")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_hdr_form_agrees_with_the_fits_form(newline: str) -> None:
    data = product(data=np.ones((4, 4)), extensions=(qc_extension(1, np.ones(3)),))
    text = hdr_text(data, newline)
    assert b"CONTINUE" in text and b"''" in text
    result = qc1_from_header_bytes(text)
    assert result.diagnostics == ()
    assert typed(result.values) == typed(astropy_of(data))
    both = qc1_from_header_bytes(text, extensions=True)
    assert both.diagnostics == ()
    assert typed(both.values) == typed(astropy_of(data, extensions=True))


def test_hdr_form_problems() -> None:
    text = (
        "SIMPLE  =                    T\n"
        "HIERARCH ESO QC GOOD = 2.5 / fine\n"
        "HIERARCH ESO QC WIDE = 'abc' / a comment that makes this line longer than eighty chars\n"
        "HIERARCH ESO QC BAD = 2.5.5\n"
        "HIERARCH ESO QC CAF\xc9 = 'caf\xc9'\n"
        "HIERARCH ESO QC LAST = 7\n"
    ).encode("latin-1")
    result = qc1_from_header_bytes(text)
    assert result.values["ESO QC GOOD"] == 2.5
    assert result.values["ESO QC LAST"] == 7
    assert "ESO QC WIDE" not in result.values  # not a card: astropy rejects it, and we say so
    assert result.values["ESO QC CAF?"] == "caf?"
    diagnostics = "\n".join(result.diagnostics)
    assert "card 3: a line longer than 80 characters (86)" in diagnostics
    assert "card 3 (ESO QC WIDE): astropy rejects it: Long card images" in diagnostics
    assert "card 4 (ESO QC BAD): astropy rejects it" in diagnostics
    assert "non-ASCII bytes in card 5" in diagnostics
    assert "truncated header: no END card" in diagnostics


# --------------------------------------------------------------------------------------------
# bad input


def test_empty_input() -> None:
    assert qc1_from_header_bytes(b"").diagnostics == ("empty input",)
    assert qc1_from_header_bytes(b"", extensions=True).values == {}
    assert "empty input" in qc1_from_header_bytes(gzip.compress(b"")).diagnostics[0]


def test_truncated_header_keeps_what_was_read() -> None:
    data = product()
    end = data.index(b"END" + b" " * 77)
    full = astropy_of(data)
    for cut in (end, end - 40, 800, 100, 5):
        result = qc1_from_header_bytes(data[:cut])
        assert any("truncated header: no END card" in line for line in result.diagnostics)
        read_so_far = {key: value for key, value in full.items() if key in result.values}
        assert typed(result.values) == typed(read_so_far)
    assert len(qc1_from_header_bytes(data[:end]).values) == len(full)


def test_header_without_end_card() -> None:
    result = qc1_from_header_bytes(
        cards("HIERARCH ESO QC A = 1", "HIERARCH ESO QC B = T", end=False)
    )
    assert result.values == {"ESO QC A": 1, "ESO QC B": True}
    assert result.diagnostics == ("truncated header: no END card (the bytes end after 36 cards)",)


def test_non_ascii_bytes_name_the_card_and_read_as_astropy_does() -> None:
    data = bytearray(
        cards("HIERARCH ESO QC A = 1.5 / comment", "COMMENT x", "HIERARCH ESO QC NAME = 'detector'")
    )
    data[80 + 30] = 0xE9  # in the comment of card 2
    data[3 * 80 + 26] = 0xFC  # inside the string value of card 4
    result = qc1_from_header_bytes(bytes(data))
    assert result.values == {"ESO QC A": 1.5, "ESO QC NAME": "de?ector"}
    assert typed(result.values) == typed(astropy_of(bytes(data)))
    assert result.diagnostics == ("non-ASCII bytes in cards 2, 4 (read as '?', as astropy does)",)


def test_cards_astropy_rejects_are_diagnosed_by_keyword_and_reason() -> None:
    cut = "HIERARCH ESO QC CUT = '" + "x" * 57  # 80 columns, the closing quote cut off
    assert len(cut) == 80
    data = cards(
        "HIERARCH ESO QC GOOD = 1",
        "HIERARCH ESO QC BAD = 1.5 abc",
        cut,
        "HIERARCH ESO QC UNDEF =",
        "HIERARCH ESO QC NOEQUALS",
        "HIERARCH ESO QC GOOD = 2 / repeated",
        "HIERARCH ESO QC AFTER = 'ok'",
    )
    result = qc1_from_header_bytes(data)
    assert result.values == {"ESO QC GOOD": 1, "ESO QC AFTER": "ok"}
    assert typed(result.values) == typed(astropy_of(data))
    diagnostics = result.diagnostics
    assert len(diagnostics) == 5
    assert diagnostics[0].startswith("card 3 (ESO QC BAD): astropy rejects it: Unparsable card")
    assert diagnostics[1].startswith("card 4 (ESO QC CUT): astropy rejects it")
    assert (
        diagnostics[2]
        == "card 5 (ESO QC UNDEF): no value after '=' (astropy: UNDEFINED), not returned"
    )
    assert diagnostics[3].startswith("card 6: astropy reads no ESO QC keyword from it")
    assert diagnostics[4].startswith("card 7 (ESO QC GOOD): repeats the keyword of card 2")


def test_repeated_keywords_follow_astropys_header_lookup() -> None:
    """astropy's header[keyword] reads the first card of a keyword, compared without case, even
    when that card is unreadable: a later card of the keyword is never used."""
    data = cards(
        "HIERARCH ESO QC A = 1",
        "HIERARCH ESO QC a = 2",
        "HIERARCH ESO QC B = 1.5 junk",
        "HIERARCH ESO QC B = 3",
        "HIERARCH ESO QC C =",
        "HIERARCH ESO QC C = 4",
    )
    result = qc1_from_header_bytes(data)
    assert result.values == {"ESO QC A": 1}
    assert typed(result.values) == typed(astropy_of(data))
    assert [line.split(":")[0] for line in result.diagnostics] == [
        "card 3 (ESO QC a)",
        "card 4 (ESO QC B)",
        "card 5 (ESO QC B)",
        "card 6 (ESO QC C)",
        "card 7 (ESO QC C)",
    ]
    assert "repeats the keyword of card 4" in result.diagnostics[2]


def test_extension_diagnostics_carry_the_hdu_index() -> None:
    extension = fits.ImageHDU(np.ones(3))
    extension.header["HIERARCH ESO QC X"] = 1
    data = bytearray(product(data=np.ones(2), extensions=(extension,)))
    card = data.index(b"HIERARCH ESO QC X =")
    data[card : card + 80] = b"HIERARCH ESO QC X = Z".ljust(80)  # astropy cannot read it
    result = qc1_from_header_bytes(bytes(data), extensions=True)
    assert any(line.startswith("[1] card ") and "ESO QC X" in line for line in result.diagnostics)


def test_corrupt_and_cut_gzip_streams() -> None:
    data = product(data=np.arange(400, dtype=np.float64).reshape(20, 20))
    packed = gzip.compress(data)
    bad_method = bytearray(packed)
    bad_method[2] = 7
    garbage_body = packed[:10] + b"\xff" * 60
    bad_checksum = bytearray(packed)
    bad_checksum[-8] ^= 0xFF
    for stream, extensions in (
        (bytes(bad_method), False),
        (garbage_body, False),
        (packed[:25], False),
        (bytes(bad_checksum), True),
        (packed + b"trailing junk", True),
    ):
        result = qc1_from_header_bytes(stream, extensions=extensions)
        assert any("gzip" in line for line in result.diagnostics), result.diagnostics
    cut = qc1_from_header_bytes(packed[: len(packed) // 2], extensions=True)
    assert typed(cut.values) == typed(astropy_of(data))
    assert any("gzip stream cut short" in line for line in cut.diagnostics)
    assert qc1_from_header_bytes(packed + b"\0" * 100, extensions=True).diagnostics == ()


def test_random_binary_is_diagnosed() -> None:
    noise = np.random.default_rng(7).integers(0, 256, 10_000, dtype=np.uint8).tobytes()
    result = qc1_from_header_bytes(noise)
    assert result.values == {}
    assert result.diagnostics
    assert not result.ok


def test_end_card_forms_follow_astropy() -> None:
    """astropy ends a header at ``END`` followed by anything but a keyword character."""
    data = cards("HIERARCH ESO QC A = 1", end=False).replace(
        b"HIERARCH ESO QC A = 1".ljust(80),
        b"HIERARCH ESO QC A = 1".ljust(80) + b"END junk".ljust(80),
        1,
    )[:2880]
    result = qc1_from_header_bytes(data + cards("HIERARCH ESO QC B = 2"))
    assert result.values == {"ESO QC A": 1}
    assert any("other bytes after END" in line for line in result.diagnostics)
    ender = qc1_from_header_bytes(cards("ENDER   = 1", "HIERARCH ESO QC B = 2"))
    assert ender.values == {"ESO QC B": 2}


def test_qc_text_inside_other_cards_is_not_a_qc_card() -> None:
    data = cards(
        "COMMENT HIERARCH ESO QC FAKE = 1",
        "HISTORY " + "x" * 72,
        "HIERARCH ESO QC REAL = 2 / HIERARCH ESO QC FAKE2 = 3",
    )
    assert qc1_from_header_bytes(data).values == {"ESO QC REAL": 2}


# --------------------------------------------------------------------------------------------
# the hand parser agrees with astropy, card by card


PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def float_text(value: float, style: int) -> str:
    forms = [
        repr(value),
        f"{value:.6E}",
        f"{value:.3e}",
        f"{value:.8G}",
        f"{value:.4E}".replace("E", "D"),
        f"{value:.2f}",
    ]
    return forms[style]


values_text = st.one_of(
    st.integers(-(10**15), 10**15).map(str),
    st.integers(0, 999).map(lambda n: f"+{n:05d}"),
    st.builds(float_text, st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 5)),
    st.sampled_from(
        [
            "T",
            "F",
            "1.",
            ".5",
            "-.5E-3",
            "+1.5E+03",
            "1E5",
            "0",
            "-0",
            "1.5.5",
            "TRUE",
            "(1, 2)",
            "(1.5,-2E3)",
            "NAN",
            "'",
            "''",
            "'a''b'",
            "'a'b'",
            "''''",
            "1 E5",
            "- 5",
            "1.5e3",
            "1.5d3",
            "1_000",
            "0x10",
            "inf",
            "T F",
            "'a'/'b'",
            "'' ''",
            "''/'",
        ]
    ),
    st.text(PRINTABLE, max_size=40).map(lambda text: "'" + text.replace("'", "''") + "'"),
    st.text(PRINTABLE, max_size=40).map(lambda text: f"'{text}'"),
    st.text(PRINTABLE, max_size=12),
)

card_images = st.builds(
    lambda key, before, after, value, comment: (
        f"HIERARCH ESO QC {key}{before}={after}{value}{comment}"
    ),
    st.from_regex(r"[A-Z0-9_-]{1,10}( [A-Za-z0-9_-]{1,10}){0,3}", fullmatch=True),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from(["", " ", "    "]),
    values_text,
    st.one_of(
        st.just(""),
        st.text(PRINTABLE, max_size=40).map(lambda c: " / " + c),
        st.text(PRINTABLE, max_size=5).map(lambda c: "/" + c),
        st.text(PRINTABLE, max_size=5),
    ),
).map(lambda image: image[:80])


def astropy_card(image: str) -> tuple[str, Any] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            card = fits.Card.fromstring(image)
            keyword, value = card.keyword, card.value
        except Exception:
            return None
    if not keyword.startswith("ESO QC ") or isinstance(value, fits.card.Undefined):
        return None
    return keyword, (type(value).__name__, value)


def ours(image: str) -> tuple[str, Any] | None:
    try:
        keyword, value = parse_qc1_card(image)
    except Qc1CardError:
        return None
    return keyword, (type(value).__name__, value)


@settings(max_examples=1500, deadline=None)
@given(card_images)
def test_card_parser_agrees_with_astropy(image: str) -> None:
    assert ours(image) == astropy_card(image)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(card_images, min_size=1, max_size=12), st.booleans())
def test_header_scan_agrees_with_astropy(images: list[str], continued: bool) -> None:
    """Whole headers: the one-pass parse of simple cards, the card-by-card path and repeats."""
    if continued:
        images = [*images, "HIERARCH ESO QC LONG = 'abc&'", "CONTINUE  'def'"]
    data = cards(*images)
    assert typed(qc1_from_header_bytes(data).values) == typed(astropy_of(data))


def test_simple_cards_never_reach_astropy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path parses the common forms by itself (astropy is only the fallback)."""

    def no_astropy(image: str) -> Any:
        raise AssertionError(f"astropy asked for {image!r}")

    monkeypatch.setattr(qc1cards, "_astropy_card", no_astropy)
    data = cards(
        "HIERARCH ESO QC A = 5",
        "HIERARCH ESO QC B = -1.25E-03 / [ADU] comment with 'quotes' and = signs",
        "HIERARCH ESO QC C = T",
        "HIERARCH ESO QC D=  'text   ' / c",
        "HIERARCH ESO QC E F G = 1.",
        "HIERARCH ESO QC H = ''",
    )
    result = qc1_from_header_bytes(data)
    assert typed(result.values) == typed(
        {
            "ESO QC A": 5,
            "ESO QC B": -1.25e-3,
            "ESO QC C": True,
            "ESO QC D": "text",
            "ESO QC E F G": 1.0,
            "ESO QC H": "",
        }
    )
    assert parse_qc1_card("HIERARCH ESO QC I = 7") == ("ESO QC I", 7)


def test_parse_qc1_card_rejects_what_astropy_rejects() -> None:
    with pytest.raises(Qc1CardError) as caught:
        parse_qc1_card("HIERARCH ESO QC X = 1 2")
    assert caught.value.keyword == "ESO QC X"
    assert "Unparsable card" in caught.value.reason
    assert parse_qc1_card("HIERARCH ESO QC X = 1.0D2") == ("ESO QC X", 100.0)
    assert parse_qc1_card("HIERARCH ESO QC X = (1, 2)") == ("ESO QC X", 1 + 2j)
    long = "HIERARCH ESO QC L = '" + "a" * 57 + "&'" + "CONTINUE  'bc'".ljust(80)
    assert parse_qc1_card(long) == ("ESO QC L", "a" * 57 + "bc")


# --------------------------------------------------------------------------------------------
# never raises


def prefixed(prefix: bytes) -> st.SearchStrategy[bytes]:
    return st.binary(max_size=6000).map(lambda tail: prefix + tail)


header_like = st.one_of(
    st.binary(),
    st.binary(max_size=20_000),
    prefixed(b"\x1f\x8b"),
    prefixed(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"),
    prefixed(b"SIMPLE  =                    T".ljust(80) + b"HIERARCH ESO QC "),
    prefixed(b"SIMPLE  = T\nHIERARCH ESO QC A = 1\n"),
    st.lists(
        st.sampled_from(
            [
                b"HIERARCH ESO QC A = 1".ljust(80),
                b"CONTINUE  'x&'".ljust(80),
                b"NAXIS   =                    1".ljust(80),
                b"NAXIS1  =           1000000000".ljust(80),
                b"XTENSION= 'IMAGE   '".ljust(80),
                b"END".ljust(80),
                b"\xff" * 80,
                b"\n",
            ]
        ),
        max_size=80,
    ).map(b"".join),
)


@settings(max_examples=500, deadline=None)
@given(header_like, st.booleans())
def test_never_raises(data: bytes, extensions: bool) -> None:
    result = qc1_from_header_bytes(data, extensions=extensions)
    assert isinstance(result, Qc1Result)
    assert all(isinstance(line, str) and line for line in result.diagnostics)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_never_raises_on_any_bytes(data: bytes) -> None:
    qc1_from_header_bytes(data)
    qc1_from_header_bytes(data, extensions=True)
    qc1_from_header_bytes(gzip.compress(data), extensions=True)


def _files(root: Path) -> Iterator[Path]:
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        yield from (Path(folder) / name for name in names)


def test_nothing_of_the_corpus_is_copied_into_the_project() -> None:
    project = Path(__file__).resolve().parents[1]
    corpus_names_here = {
        f"{name}{suffix}" for name in CORPUS_FILES for suffix in (".fits", ".hdr", ".qc.json")
    }
    copied = [path for path in _files(project) if path.name in corpus_names_here]
    assert copied == []


@pytest.mark.parametrize("strip", [True, False])
def test_a_padded_string_follows_the_strip_setting_told_without_astropy(
    monkeypatch: pytest.MonkeyPatch, strip: bool
) -> None:
    """An xdist worker is told astropy's ``strip_header_whitespace`` by the controller and
    reads padded strings by it without asking astropy (whose import costs every worker 0.4 s
    and 30 MiB)."""

    def no_astropy() -> Any:
        raise AssertionError("astropy asked")

    monkeypatch.setattr(qc1cards, "_told_strip", [])
    monkeypatch.setattr(qc1cards, "astropy_fits", no_astropy)
    qc1cards.tell_strip_header_whitespace(strip)
    data = cards("HIERARCH ESO QC D = 'OK      ' / c", "HIERARCH ESO PRO CATG = 'BIAS    '")
    assert qc1_from_header_bytes(data).values["ESO QC D"] == ("OK" if strip else "OK      ")
    assert card_values(data, ["ESO PRO CATG"]) == {"ESO PRO CATG": "BIAS" if strip else "BIAS    "}


def test_unpadded_strings_never_ask_astropy(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_astropy() -> Any:
        raise AssertionError("astropy asked")

    monkeypatch.setattr(qc1cards, "_told_strip", [])
    monkeypatch.setattr(qc1cards, "astropy_fits", no_astropy)
    data = cards("HIERARCH ESO QC D = 'OK' / c", "HIERARCH ESO PRO CATG = 'MASTER_BIAS'")
    assert qc1_from_header_bytes(data).values["ESO QC D"] == "OK"
    assert card_values(data, ["ESO PRO CATG"]) == {"ESO PRO CATG": "MASTER_BIAS"}


def test_the_untold_setting_is_astropys() -> None:
    assert qc1cards.strip_header_whitespace() is bool(fits.conf.strip_header_whitespace)
    with fits.conf.set_temp("strip_header_whitespace", False):
        data = cards("HIERARCH ESO QC D = 'OK      '")
        assert qc1_from_header_bytes(data).values["ESO QC D"] == "OK      "


def test_the_controller_asks_a_child_python_for_the_strip_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert AstropyStripSetting().answer() is bool(fits.conf.strip_header_whitespace)
    monkeypatch.setattr(astropysetting.sys, "executable", "/bin/false")
    assert AstropyStripSetting().answer() is None  # the workers then ask astropy themselves
    monkeypatch.setattr(astropysetting.sys, "executable", "/nonexistent/python")
    assert AstropyStripSetting().answer() is None
