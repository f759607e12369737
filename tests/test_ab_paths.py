"""Clean AB paths: each rule, and the fast scan agreeing with the full parser."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_mucverify.dfos.ab import MAX_DIAGNOSTICS, parse_ab
from pytest_mucverify.dfos.abpaths import (
    AbPathRules,
    blocking_problems,
    fast_scan_is_clean,
    header_instead,
    sof_outsiders,
)

ENV = {
    "DFO_RAW_DIR": "/data/giraffe/raw",
    "DFO_CAL_DIR": "/data/giraffe/calib",
    "GEN_CALDIR": "/data/giraffe/gencal",
    "DFS_PRODUCT": "/data/giraffe/product",
}
RULES = AbPathRules(ENV, "giraffe", ("/fujisan3", "/diska"))


@pytest.mark.parametrize(
    ("qualifier", "flag", "path", "reason"),
    [
        (
            "RAWFILE",
            None,
            "/fujisan3/data/giraffe/raw/2013-02-21/a.fits",
            "physical prefix /fujisan3",
        ),
        ("RAWFILE", None, "/data/giraffe/raw/../raw/a.fits", "'..' in the path"),
        ("RAWFILE", None, "/data/giraffe//raw/a.fits", "'//' in the path"),
        ("RAWFILE", None, "$DFO_NOPE/a.fits", "unknown variable $DFO_NOPE"),
        ("MCALIB", "REAL", "/data/uves/gencal/a.fits", "on another account's disk (uves)"),
        ("RAWFILE", None, "/data/giraffe/calib/a.fits", "not under DFO_RAW_DIR"),
        ("MCALIB", "VIRTUAL", "$DFO_CAL_DIR/a.hdr", "not under DFO_CAL_DIR/VCAL"),
        ("PROD_PATH", None, "/data/giraffe/raw/x", "not under DFS_PRODUCT"),
    ],
)
def test_an_unclean_path_says_why(qualifier: str, flag: str | None, path: str, reason: str) -> None:
    assert any(reason in problem for problem in RULES.problems(qualifier, flag, path))


@pytest.mark.parametrize(
    ("qualifier", "flag", "path"),
    [
        ("RAWFILE", None, "/data/giraffe/raw/2013-02-21/GIRAF.2013-02-21T14:05:12.123.fits"),
        ("RAWFILE", None, "$DFO_RAW_DIR/2013-02-21/a.fits"),
        ("MCALIB", "REAL", "${GEN_CALDIR}/GI_BPM.fits"),
        ("MCALIB", "VIRTUAL", "$DFO_CAL_DIR/VCAL/GI_MBIA_130220A_1x1.hdr"),
        ("PROD_PATH", None, "$DFS_PRODUCT/BIAS/2013-02-21"),
    ],
)
def test_a_clean_path_passes(qualifier: str, flag: str | None, path: str) -> None:
    assert RULES.problems(qualifier, flag, path) == []


CLEAN_AB = (
    "AB_NAME\tGIRAF.2013-02-21T14:05:12.123.ab\n"
    "DATE\t2013-02-21\n"
    "RAWFILE\t/data/giraffe/raw/2013-02-21/GIRAF.2013-02-21T14:05:12.123.fits\tBIAS\n"
    "MCALIB\tREAL\t$GEN_CALDIR/GI_BPM_STATIC_1x1.fits\tBAD_PIXEL_MAP\n"
    "MCALIB\tVIRTUAL\t$DFO_CAL_DIR/VCAL/GI_MBIA_130220A_1x1.hdr\tMASTER_BIAS\n"
    "MASSOC\tREAL\t/data/giraffe/calib/2013-02-20/GI_MBIA_130220A_1x1.fits\tMASTER_BIAS\n"
    "SOF_CONTENT\t/data/giraffe/raw/2013-02-21/GIRAF.2013-02-21T14:05:12.123.fits\tBIAS\n"
    "SOF_CONTENT\t$GEN_CALDIR/GI_BPM_STATIC_1x1.fits\tBAD_PIXEL_MAP\n"
    "PRODUCTS\tr.GIRAF.2013-02-21T14:05:12.123_0000.fits\tMASTER_BIAS\n"
    "PROD_PATH\t$DFS_PRODUCT/BIAS/2013-02-21\n"
)


def test_a_plain_clean_ab_takes_the_fast_path() -> None:
    assert fast_scan_is_clean(CLEAN_AB.encode(), RULES)
    assert RULES.unclean_paths(parse_ab(CLEAN_AB.encode()), "x.ab") == []


def test_an_unclean_ab_gets_the_full_evidence() -> None:
    data = CLEAN_AB.replace("RAWFILE\t/data", "RAWFILE\t/fujisan3/data").encode()
    assert not fast_scan_is_clean(data, RULES)
    (line,) = RULES.unclean_paths_of_file(data, "/data/giraffe/AB/x.ab")
    assert line.startswith("/data/giraffe/AB/x.ab:3  RAWFILE  /fujisan3/data/giraffe/raw/")
    assert "physical prefix /fujisan3" in line


def test_a_binary_ab_is_unclean_not_skipped() -> None:
    found = RULES.unclean_paths_of_file(b"\x00\x01garbage\xff" * 10, "/data/giraffe/AB/bad.ab")
    assert found and "binary" in found[0]


PIECES = [
    "/data/giraffe/raw/2013-02-21/a.fits",
    "$DFO_RAW_DIR/a.fits",
    "${DFO_RAW_DIR}/a.fits",
    "$GEN_CALDIR/b.fits",
    "$DFO_CAL_DIR/VCAL/c.hdr",
    "/data/giraffe/calib/2013-02-20/d.fits",
    "$DFS_PRODUCT/BIAS/2013-02-21",
    "/fujisan3/data/giraffe/raw/a.fits",
    "/data/uves/gencal/b.fits",
    "/data/giraffe/raw/../raw/a.fits",
    "/data/giraffe//raw/a.fits",
    "$DFO_RAW_DIRX/a.fits",
    "$NOPE/a.fits",
    "/data/giraffe/raw",
    "/data/giraffe/rawx/a.fits",
    "#comment",
    "/data/giraffe/raw/a b.fits",
    "/data/giraffe/raw/é.fits",
    "..",
    "",
]
QUALIFIERS = [
    "RAWFILE",
    "MCALIB",
    "MASSOC",
    "SOF_CONTENT",
    "PROD_PATH",
    "PRODUCTS",
    "DATE",
    "# note",
    "  RAWFILE",
]
FLAGS = ["REAL", "VIRTUAL", "FAKE", ""]
SEPARATORS = ["\t", " ", "  \t"]


@st.composite
def ab_texts(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        qualifier = draw(st.sampled_from(QUALIFIERS))
        sep = draw(st.sampled_from(SEPARATORS))
        columns = [draw(st.sampled_from(FLAGS))] if qualifier in ("MCALIB", "MASSOC") else []
        columns += [
            draw(st.sampled_from(PIECES)),
            draw(st.sampled_from(["BIAS", "", "X # c", "MASTER_BIAS"])),
        ]
        lines.append(sep.join([qualifier, *[c for c in columns if c or draw(st.booleans())]]))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))
    return text.encode("utf-8")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ab_texts())
def test_the_fast_scan_never_calls_an_unclean_ab_clean(data: bytes) -> None:
    if fast_scan_is_clean(data, RULES):
        assert RULES.unclean_paths(parse_ab(data), "x.ab") == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_the_fast_scan_agrees_on_any_bytes(data: bytes) -> None:
    if fast_scan_is_clean(data, RULES):
        assert RULES.unclean_paths(parse_ab(data), "x.ab") == []


@pytest.mark.parametrize("word", ["NUL", "binary", "columns", "non-UTF-8", "characters"])
def test_an_unknown_qualifier_named_like_a_problem_is_not_blocking(word: str) -> None:
    """A diagnostic's text quotes what the AB says; only the kind of problem decides."""
    data = f"DATE\t2013-02-22\n{word}\tx\n".encode()
    ab = parse_ab(data)
    assert [d.reason for d in ab.diagnostics] == [f"unknown qualifier {word!r}"]
    assert blocking_problems(ab) == ()
    assert RULES.unclean_paths(ab, "x.ab") == []
    assert RULES.unclean_paths_of_file(data, "x.ab") == []


def test_a_lost_path_line_beyond_the_diagnostics_cap_still_blocks() -> None:
    noise = "".join(f"UNKNOWN_{n}\tx\n" for n in range(MAX_DIAGNOSTICS + 20))
    data = (noise + "RAWFILE\t/data/giraffe/raw/a.fits\tBIAS\textra\n").encode()
    ab = parse_ab(data)
    assert not any("columns" in d.reason for d in ab.diagnostics)  # dropped by the cap
    assert blocking_problems(ab)
    (line,) = RULES.unclean_paths(ab, "x.ab")
    assert line.startswith("x.ab:0  (AB)  -  ")
    assert "paths may be missing" in line


# Words and bytes the parser and the scan treat specially, mixed with arbitrary bytes: qualifiers
# (known, unknown and ones spelled like the diagnostics), path pieces, comments, separators, NUL,
# bytes that are not UTF-8, carriage returns, and files without their last newline.
HOSTILE_WORDS = [
    *(q.encode() for q in QUALIFIERS),
    *(p.encode() for p in PIECES),
    *(f.encode() for f in FLAGS),
    b"MCALIB",
    b"SOF_CONTENT",
    b"DATE",
    b"2013-02-22",
    b"NUL",
    b"binary",
    b"columns",
    b"non-UTF-8",
    b"BIAS",
    b"#",
    b"\t",
    b" ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xe9",
    b"\xc3",
    b"\xc3\xa9",
    b"\x80",
    b"\x0b",
    b"/",
    b"//",
    b"..",
    b"$",
]
hostile_ab_bytes = st.lists(
    st.one_of(st.sampled_from(HOSTILE_WORDS), st.binary(max_size=8)), max_size=60
).map(b"".join) | st.builds(
    lambda text, end: text.rstrip(b"\n") + end,
    ab_texts(),
    st.sampled_from([b"", b"\n", b"\r\n", b"\x00\n", b"\xff\n"]),
)


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(hostile_ab_bytes)
def test_the_fast_scan_never_calls_a_hostile_ab_clean(data: bytes) -> None:
    if fast_scan_is_clean(data, RULES):
        ab = parse_ab(data)
        assert blocking_problems(ab) == ()
        assert RULES.unclean_paths(ab, "x.ab") == []


def test_sof_frames_are_compared_as_the_same_file() -> None:
    data = CLEAN_AB.replace(
        "SOF_CONTENT\t/data/giraffe/raw", "SOF_CONTENT\t/fujisan3/data/giraffe/raw"
    ).encode()

    def canonical(path: str) -> str:
        return path.replace("/fujisan3/data/giraffe", "/data/giraffe")

    assert sof_outsiders(parse_ab(data), ENV, canonical, "x.ab") == []
    outsider = CLEAN_AB + "SOF_CONTENT\t/data/giraffe/raw/2013-02-21/other.fits\tBIAS\n"
    (line,) = sof_outsiders(parse_ab(outsider.encode()), ENV, canonical, "x.ab")
    assert "other.fits  is none of the AB's RAWFILE or MCALIB paths" in line


def test_a_cleaned_product_is_found_by_its_header() -> None:
    assert header_instead("GI_MBIA_130221A_1x1.fits") == "GI_MBIA_130221A_1x1.hdr"
    assert header_instead("x.fits.gz") == "x.hdr"


def test_a_path_whose_directory_variable_is_unset_is_not_placeable_rather_than_clean() -> None:
    rules = AbPathRules(
        {k: v for k, v in ENV.items() if k != "DFO_RAW_DIR"}, "giraffe", ("/fujisan3",)
    )
    problems = rules.problems("RAWFILE", None, "/data/giraffe/raw/2013-02-21/a.fits")
    assert problems == ["not placeable: DFO_RAW_DIR not defined on the blade"]
    assert not fast_scan_is_clean(b"RAWFILE\t/data/giraffe/raw/2013-02-21/a.fits\tBIAS\n", rules)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("AB_NAME\tGIRAF", "AB_NAME\t/fujisan3/data/giraffe/AB/GIRAF"),
        ("PRODUCTS\tr.GIRAF", "PRODUCTS\t/diska/data/giraffe/product/r.GIRAF"),
        ("DATE\t2013-02-21\n", "DATE\t2013-02-21\nLOG_NAME\t/fujisan3/data/giraffe/logs/x.log\n"),
        ("DATE\t2013-02-21\n", "DATE\t2013-02-21\nRBLOG\t/fujisan3\n"),
    ],
)
def test_a_physical_prefix_in_any_line_the_tools_read_is_unclean(before: str, after: str) -> None:
    data = CLEAN_AB.replace(before, after, 1).encode()
    found = RULES.unclean_paths_of_file(data, "x.ab")
    assert len(found) == 1 and "physical prefix" in found[0], found
    assert RULES.unclean_paths(parse_ab(data), "x.ab") == found


def test_a_physical_prefix_in_a_comment_is_not_read_by_the_tools() -> None:
    data = (CLEAN_AB + "# made on /fujisan3/data/giraffe\n").encode()
    assert RULES.unclean_paths_of_file(data, "x.ab") == []


def test_a_prefixed_path_line_is_reported_once() -> None:
    data = CLEAN_AB.replace("RAWFILE\t/data", "RAWFILE\t/fujisan3/data").encode()
    assert len(RULES.unclean_paths_of_file(data, "x.ab")) == 1
