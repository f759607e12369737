from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mucverify.demo.nights import CalibAB
from pytest_mucverify.demo.world import INSTRUMENTS
from pytest_mucverify.dfos.ab import (
    LINE_CAP,
    MAX_DIAGNOSTICS,
    QUALIFIERS,
    AbBlank,
    AbComment,
    AbEntry,
    AbPath,
    AbSkipped,
    AssociationBlock,
    _parse_any,
    expand,
    parse_ab,
    render_ab,
)

NIGHT = dt.date(2013, 1, 12)


def demo_ab() -> tuple[CalibAB, str]:
    inst = INSTRUMENTS["giraffe"]
    ab = CalibAB(inst, NIGHT, inst.raw_types[0], 0)
    return ab, ab.ab_text("/data/giraffe", True)


def reasons(ab: AssociationBlock) -> list[str]:
    return [d.reason for d in ab.diagnostics]


def shape(ab: AssociationBlock) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(e.line, e.qualifier, e.columns) for e in ab.entries]


# --- the demo AB -------------------------------------------------------------------------------


def test_demo_ab_parses_clean() -> None:
    calib, text = demo_ab()
    ab = parse_ab(text.encode(), calib.name)
    assert ab.name == calib.name
    assert ab.diagnostics == ()
    assert ab.value("AB_NAME") == calib.name
    assert ab.value("TOOL_VERSION") == "createAB v3.2"
    assert ab.value("RAW_TYPE") == "BIAS"
    assert ab.value("NOT_THERE") is None
    assert ab.values("RAW_MATCH_KEY") == ("DET.READ.MODE=normal", "INS.MODE=default")
    raws = ab.paths_of("RAWFILE")
    assert [p.path.rsplit("/", 1)[1] for p in raws] == calib.raw_names
    assert {p.category for p in raws} == {"BIAS"}
    assert [(p.flag, p.category) for p in ab.paths_of("MCALIB")] == [
        ("REAL", "BAD_PIXEL_MAP"),
        ("VIRTUAL", "MASTER_BIAS"),
    ]
    assert ab.paths_of("PROD_PATH") == (
        AbPath(21, "PROD_PATH", "$DFS_PRODUCT/BIAS/2013-01-12", None, None),
    )
    assert len(ab.paths_of("SOF_CONTENT")) == 4
    assert len(ab.paths_of("RAWFILE", "MCALIB")) == 5
    assert ab.paths == tuple(sorted(ab.paths, key=lambda p: p.line))
    assert ab.entries_of("PRODUCTS")[0].columns == (calib.product, "MASTER_BIAS")
    # one entry per qualifier line, numbered as in the file
    text_lines = text.splitlines()
    for entry in ab.entries:
        assert text_lines[entry.line - 1].split("\t")[0] == entry.qualifier
    assert [c.text for c in ab.lines if isinstance(c, AbComment)] == [
        " raw frames",
        " master calibrations",
    ]


def test_demo_ab_renders_back_to_its_text() -> None:
    _, text = demo_ab()
    ab = parse_ab(text.encode())
    # only the two-word values change: their single space becomes a TAB
    assert render_ab(ab) == text.replace("createAB v", "createAB\tv")
    assert shape(parse_ab(render_ab(ab).encode())) == shape(ab)


# --- format rules ------------------------------------------------------------------------------


def test_tabs_and_runs_of_spaces_are_the_same() -> None:
    tabs = parse_ab(b"MCALIB\tREAL\t$GEN_CALDIR/a.fits\tBAD_PIXEL_MAP\n")
    spaces = parse_ab(b"  MCALIB   REAL \t $GEN_CALDIR/a.fits      BAD_PIXEL_MAP   \n")
    assert (
        shape(tabs)
        == shape(spaces)
        == [(1, "MCALIB", ("REAL", "$GEN_CALDIR/a.fits", "BAD_PIXEL_MAP"))]
    )
    assert tabs.diagnostics == spaces.diagnostics == ()


def test_comments_blank_lines_and_line_numbers() -> None:
    data = (
        b"# header\n\nAB_NAME x.ab\n   # indented\n\t\nRAWFILE /r/a.fits BIAS # first\nRBLOG a#b\n"
    )
    ab = parse_ab(data)
    assert ab.diagnostics == ()
    assert ab.lines == (
        AbComment(1, " header"),
        AbBlank(2),
        AbEntry(3, "AB_NAME", ("x.ab",)),
        AbComment(4, " indented"),
        AbBlank(5),
        AbEntry(6, "RAWFILE", ("/r/a.fits", "BIAS"), " first"),
        AbEntry(7, "RBLOG", ("a#b",)),
    )
    assert ab.paths == (AbPath(6, "RAWFILE", "/r/a.fits", None, "BIAS"),)
    rendered = render_ab(ab)
    assert rendered == (
        "# header\n\nAB_NAME\tx.ab\n# indented\n\nRAWFILE\t/r/a.fits\tBIAS\t# first\nRBLOG\ta#b\n"
    )
    assert parse_ab(rendered.encode()).lines == ab.lines


def test_repeated_raw_match_key_and_repeated_single_qualifier() -> None:
    ab = parse_ab(
        b"RAW_MATCH_KEY DET.READ.MODE=normal\nRAW_MATCH_KEY INS.MODE=default\n"
        b"AB_NAME a.ab\nAB_NAME b.ab\nRAW_MATCH_KEY nokey\n"
    )
    assert ab.values("RAW_MATCH_KEY") == ("DET.READ.MODE=normal", "INS.MODE=default", "nokey")
    assert ab.value("AB_NAME") == "a.ab"
    assert ab.values("AB_NAME") == ("a.ab", "b.ab")
    assert reasons(ab) == ["AB_NAME repeated (first on line 3)", "RAW_MATCH_KEY is not NAME=value"]
    assert [d.line for d in ab.diagnostics] == [4, 5]


def test_variables_in_paths_are_kept_as_written() -> None:
    ab = parse_ab(
        b"RAWFILE ${DFO_RAW_DIR}/2013-01-12/GIRAF.fits BIAS\n"
        b"MCALIB VIRTUAL $DFO_CAL_DIR/VCAL/GI_MBIA.hdr MASTER_BIAS\n"
    )
    assert [p.path for p in ab.paths] == [
        "${DFO_RAW_DIR}/2013-01-12/GIRAF.fits",
        "$DFO_CAL_DIR/VCAL/GI_MBIA.hdr",
    ]
    env = {"DFO_RAW_DIR": "/data/giraffe/raw", "DFO_CAL_DIR": "/data/giraffe/calib"}
    assert [expand(p.path, env)[0] for p in ab.paths] == [
        "/data/giraffe/raw/2013-01-12/GIRAF.fits",
        "/data/giraffe/calib/VCAL/GI_MBIA.hdr",
    ]


def test_expand() -> None:
    env = {"A": "/a", "B_2": "/b", "EMPTY": "", "LOOP": "$A"}
    assert expand("$A/x/${B_2}/y", env) == ("/a/x//b/y", [])
    assert expand("$Ax", env) == ("$Ax", ["Ax"])  # the name runs as far as the shell's would
    assert expand("${A}x", env) == ("/ax", [])
    assert expand("$NOPE/${NOPE}/$EMPTY/z", env) == ("$NOPE/${NOPE}/$EMPTY/z", ["NOPE", "EMPTY"])
    assert expand("$LOOP", env) == ("$A", [])  # one pass only
    assert expand("cost $5, ${unterminated, $", env) == ("cost $5, ${unterminated, $", [])
    assert expand("", env) == ("", [])


# --- diagnostics -------------------------------------------------------------------------------


def test_empty_file() -> None:
    ab = parse_ab(b"")
    assert ab.entries == ab.lines == ()
    assert [(d.line, d.reason) for d in ab.diagnostics] == [(0, "empty file")]


def test_only_comments_and_blanks() -> None:
    ab = parse_ab(b"# nothing\n\n")
    assert reasons(ab) == ["no qualifier lines"]


def test_non_utf8_byte_is_reported_and_the_line_kept() -> None:
    ab = parse_ab(b"AB_NAME a.ab\nRAWFILE /r/caf\xe9.fits BIAS\nRBLOG x\n")
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (2, "non-UTF-8 byte 0xe9 at byte offset 27 (byte 15 of the line)")
    ]
    assert ab.paths_of("RAWFILE")[0].path == "/r/caf\ufffd.fits"
    assert ab.value("RBLOG") == "x"


def test_nul_byte_stops_reading() -> None:
    ab = parse_ab(b"AB_NAME a.ab\nRBLOG x\nRAWFILE /r/a\x00\x00\x00\xff\nRBLOG y\n")
    assert shape(ab) == [(1, "AB_NAME", ("a.ab",)), (2, "RBLOG", ("x",))]
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (3, "binary content (NUL byte at byte offset 33); the rest is not read")
    ]
    assert "\x00" not in render_ab(ab)


def test_binary_file_is_reported_once_and_not_read() -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(40)
    ab = parse_ab(png, "x.png")
    assert ab.lines == ab.entries == ()
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (3, "binary content (NUL byte at byte offset 8)")
    ]
    assert render_ab(ab) == ""


def test_enormous_line_is_skipped() -> None:
    data = b"AB_NAME a.ab\nRAWFILE /r/" + b"x" * 100_000 + b" BIAS\nRBLOG x\n"
    ab = parse_ab(data)
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (2, "line of 100016 characters (over 4096)")
    ]
    assert shape(ab) == [(1, "AB_NAME", ("a.ab",)), (3, "RBLOG", ("x",))]
    assert isinstance(ab.lines[1], AbSkipped)
    again = parse_ab(render_ab(ab).encode())
    assert shape(again) == shape(ab)
    # the cap counts characters, not bytes
    wide = "é" * LINE_CAP
    assert reasons(parse_ab(f"RBLOG {wide}\n".encode())) == [
        "no qualifier lines",
        "line of 4102 characters (over 4096)",
    ]
    assert parse_ab(f"RBLOG {wide[6:]}\n".encode()).diagnostics == ()


def test_truncated_last_line_is_kept() -> None:
    ab = parse_ab(b"AB_NAME a.ab\nRAWFILE /r/a.fits BI")
    assert shape(ab)[-1] == (2, "RAWFILE", ("/r/a.fits", "BI"))
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (2, "last line not terminated (truncated file?)")
    ]


def test_wrong_column_count() -> None:
    ab = parse_ab(
        b"RAWFILE /r/a.fits\nMCALIB /c/a.fits MASTER_BIAS\nSOF_CONTENT a b c\n"
        b"PRODUCTS r.a.fits\nPROD_PATH\nRAWFILE /r/b.fits BIAS\n"
    )
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (1, "RAWFILE has 1 columns, expected 2"),
        (2, "MCALIB has 2 columns, expected 3"),
        (3, "SOF_CONTENT has 3 columns, expected 2"),
        (4, "PRODUCTS has 1 columns, expected 2"),
        (5, "PROD_PATH without a value"),
        (5, "PROD_PATH has 0 columns, expected 1"),
    ]
    assert len(ab.entries) == 6
    assert ab.paths == (AbPath(6, "RAWFILE", "/r/b.fits", None, "BIAS"),)


def test_bad_flag() -> None:
    ab = parse_ab(b"MCALIB real /c/a.fits MASTER_BIAS\nMASSOC VIRTUAL /c/b.hdr MASTER_BIAS\n")
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (1, "MCALIB flag 'real' is not REAL or VIRTUAL")
    ]
    assert [p.flag for p in ab.paths] == ["real", "VIRTUAL"]


def test_unknown_qualifier_is_kept() -> None:
    ab = parse_ab(b"AB_NAME a.ab\nRAWFIEL /r/a.fits BIAS\n\xef\xbb\xbfDATE x\n")
    assert [(d.line, d.reason) for d in ab.diagnostics] == [
        (2, "unknown qualifier 'RAWFIEL'"),
        (3, "unknown qualifier '\\ufeffDATE'"),
    ]
    assert ab.entries[1] == AbEntry(2, "RAWFIEL", ("/r/a.fits", "BIAS"))
    assert ab.paths == ()


def test_dos_line_ends() -> None:
    ab = parse_ab(b"AB_NAME a.ab\r\nRAWFILE /r/a.fits BIAS\r\n# c\r\n")
    assert shape(ab) == [(1, "AB_NAME", ("a.ab",)), (2, "RAWFILE", ("/r/a.fits", "BIAS"))]
    assert ab.lines[2] == AbComment(3, " c")
    assert reasons(ab) == ["carriage return in the line (DOS line ends?)"]


def test_diagnostics_are_capped() -> None:
    ab = parse_ab(b"X\n" * 5000)
    assert len(ab.diagnostics) == MAX_DIAGNOSTICS + 1
    assert ab.diagnostics[-1].reason == f"{5000 - MAX_DIAGNOSTICS} further problems not listed"
    assert len(ab.entries) == 5000


# --- properties --------------------------------------------------------------------------------

FAST = settings(max_examples=150, deadline=None)


def check_block(ab: object) -> None:
    assert isinstance(ab, AssociationBlock)
    for line in ab.lines:
        assert line.line >= 1
    assert all(d.line >= 0 for d in ab.diagnostics)
    assert len(ab.diagnostics) <= MAX_DIAGNOSTICS + 1


@FAST
@given(st.binary(max_size=2000))
def test_never_raises_on_bytes(data: bytes) -> None:
    ab = parse_ab(data, "x.ab")
    check_block(ab)
    # and whatever was read renders to text that reads back the same
    rendered = render_ab(ab)
    assert shape(parse_ab(rendered.encode())) == shape(ab)
    assert render_ab(parse_ab(rendered.encode())) == rendered


ab_chars = st.sampled_from("ABCDMRS_/.$={}#\\-\t \r\n\x00\x0b\xe9é€#")


@FAST
@given(st.one_of(st.text(max_size=2000), st.text(ab_chars, max_size=500)))
def test_never_raises_on_text(text: str) -> None:
    ab = parse_ab(text.encode("utf-8", "surrogatepass"))
    check_block(ab)
    assert shape(parse_ab(render_ab(ab).encode())) == shape(ab)


column = st.text(
    st.characters(codec="utf-8", exclude_characters=" \t\r\n\x00"), min_size=1, max_size=20
).filter(lambda c: not c.startswith("#"))
comment_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=30)
ab_line = st.one_of(
    st.builds(
        AbEntry,
        st.just(0),
        st.sampled_from(sorted(QUALIFIERS | {"UNKNOWN_Q"})),
        st.lists(column, max_size=4).map(tuple),
        st.none() | comment_text,
    ),
    st.builds(AbComment, st.just(0), comment_text),
    st.builds(AbBlank, st.just(0)),
)


@FAST
@given(st.lists(ab_line, max_size=30))
def test_render_then_parse_gives_the_same_entries(
    drawn: list[AbEntry | AbComment | AbBlank],
) -> None:
    lines = tuple(replace(line, line=n) for n, line in enumerate(drawn, start=1))
    entries = tuple(e for e in lines if isinstance(e, AbEntry))
    ab = AssociationBlock("gen.ab", entries, lines, ())
    again = parse_ab(render_ab(ab).encode())
    assert again.entries == entries
    assert again.lines == lines
    # an AB built from entries alone renders too
    bare = parse_ab(render_ab(AssociationBlock("gen.ab", entries, (), ())).encode())
    assert [(e.qualifier, e.columns, e.comment) for e in bare.entries] == [
        (e.qualifier, e.columns, e.comment) for e in entries
    ]


@FAST
@given(
    st.text(max_size=200) | st.text(st.sampled_from("$_{}AB9/x"), max_size=40),
    st.dictionaries(
        st.text(st.sampled_from("AB_9x"), min_size=1, max_size=3), st.text(max_size=10)
    ),
)
def test_expand_never_raises(path: str, env: dict[str, str]) -> None:
    expanded, missing = expand(path, env)
    assert isinstance(expanded, str)
    assert all(isinstance(name, str) and f"{name}" in path for name in missing)
    assert len(set(missing)) == len(missing)
    if "$" not in path:
        assert (expanded, missing) == (path, [])


plain_chars = st.sampled_from("ABCDMRS_/.$={}#\\-\t \n\x0b\x0c\x1c\x1f\r\x00")


@FAST
@given(st.text(plain_chars, max_size=500) | st.text(max_size=300))
def test_the_plain_path_reads_as_the_general_parser(text: str) -> None:
    """An ASCII AB with ended lines is split by str.split; whatever the text, the answer is the
    one of the parser that decodes and tokenises line by line."""
    for data in (
        text.encode("utf-8", "surrogatepass"),
        (text + "\n").encode("utf-8", "surrogatepass"),
    ):
        assert parse_ab(data, "x.ab") == _parse_any(data, "x.ab")


def test_a_demo_ab_and_an_overlong_line_read_as_the_general_parser() -> None:
    _ab, text = demo_ab()
    long_line = "RAWFILE\t/" + "x" * LINE_CAP + "\tBIAS\n"
    for data in (text.encode(), (text + long_line).encode(), (text + "#c\n\n  \t\n").encode()):
        assert parse_ab(data, "x.ab") == _parse_any(data, "x.ab")
