"""Pure DFOS rules: rc leaks, .dbrc hosts, condor slots, config.muc_migrate, listings, verdicts."""

from __future__ import annotations

import pytest

from pytest_mucverify.blade.listing import FIND_FIELDS, parse_find_output, seconds_to_ns
from pytest_mucverify.dfos.condor import slot_names
from pytest_mucverify.dfos.dbrc import hosts_named
from pytest_mucverify.dfos.layout import parse_muc_migrate_config
from pytest_mucverify.dfos.rc import (
    defined_by_rc,
    foreign_disks,
    leaks,
    missing_variables,
    xv_calls,
)
from pytest_mucverify.report.rows import ResultRow, verdict

PREFIXES = ("/fujisan3", "/diska")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("/fujisan3/data/giraffe/raw", "physical prefix /fujisan3"),
        ("/bin:/diska/data/giraffe/bin", "physical prefix /diska"),
        ("dfo23.hq.eso.org", "names the old blade dfo23"),
        ("ssh giraffe@dfo23", "names the old blade dfo23"),
        ("DFO23.hq.eso.org", "names the old blade dfo23"),
        ("$DFO_CAL_DIR,/fujisan3/data/giraffe/gencal", "physical prefix /fujisan3"),
        ("/data/../fujisan3/data/giraffe/gencal", "physical prefix /fujisan3"),
        ("/data/giraffe/./../../diska/x", "physical prefix /diska"),
        ("//fujisan3/data/giraffe", "physical prefix /fujisan3"),
        ("file:///fujisan3/data/giraffe/plots", "physical prefix /fujisan3"),
    ],
)
def test_a_leak_is_found(value: str, reason: str) -> None:
    found = leaks({"X": value}, PREFIXES, {"dfo23"})
    assert found == [f"X={value}  {reason}"]


@pytest.mark.parametrize(
    "value",
    [
        "/data/giraffe/raw",
        "/data/fujisan3x",
        "xdfo234",
        "/home/giraffe/diskarray",
        "/data/fujisan3/x",
        "/a/b/../../..",
        "~/fujisan3",
    ],
)
def test_a_clean_value_is_not_a_leak(value: str) -> None:
    assert leaks({"X": value}, PREFIXES, {"dfo23"}) == []


def test_what_the_rc_defined_and_what_is_missing() -> None:
    before = {"HOME": "/home/g", "PATH": "/bin"}
    after = {"HOME": "/home/g", "PATH": "/home/g/bin:/bin", "DFO_RAW_DIR": "/data/g/raw"}
    assert defined_by_rc(after, before) == {
        "PATH": "/home/g/bin:/bin",
        "DFO_RAW_DIR": "/data/g/raw",
    }
    assert "DFO_HDR_DIR" in missing_variables(after)
    assert "DFO_RAW_DIR" not in missing_variables(after)


def test_dbrc_hosts_keep_no_secret() -> None:
    text = "# old blades\nqc1 SYBASE qcdb u s3cret dfo23\nhotfly SYBASE h u pw muc02.hq.eso.org\n"
    named = hosts_named(text)
    assert [(h.line, h.host, h.is_muc) for h in named] == [(2, "dfo23", False), (3, "muc02", True)]
    assert "s3cret" not in repr(named)


def test_dbrc_hosts_with_a_port_user_or_url_are_found() -> None:
    text = "qc1 SYBASE dfo23:4100 u pw x\nh SYBASE giraffe@muc05 u pw-dfo24 x\nw URL http://qc03.hq:80/ u p\n"
    assert [(h.line, h.host) for h in hosts_named(text)] == [
        (1, "dfo23"),
        (2, "muc05"),
        (3, "qc03"),
    ]


def test_condor_slots_are_counted_from_the_listing() -> None:
    listing = "\nName OpSys\n\nslot1@muc02.hq.eso.org LINUX X86_64\nslot1_2@muc02 LINUX X86_64\n   Total 2\n"
    assert slot_names(listing) == ["slot1@muc02.hq.eso.org", "slot1_2@muc02"]


def test_muc_migrate_config_names_and_problems() -> None:
    names, problems = parse_muc_migrate_config(
        "# answers\nDFO_LST_DIR lists_g\nDFO_PLT_DIR\nDFO_RAW_DIR r\n"
    )
    assert names == {"DFO_LST_DIR": "lists_g"}
    assert [p.split(":")[1] for p in problems] == ["3", "4"]


def test_find_output_parses_names_with_any_character() -> None:
    record = ["f", "1755", "100", "giraffe", "12", "1700000000.1234567890", "", "a b\tc'$(x)\n"]
    data = b"".join(field.encode() + b"\0" for field in record)
    (entry,) = parse_find_output(data)
    assert entry.path == "a b\tc'$(x)\n"
    assert entry.mode == 0o1755 and entry.sticky
    assert entry.mtime_ns == 1_700_000_000_123_456_789
    assert len(record) == FIND_FIELDS


def test_a_cut_find_listing_is_refused() -> None:
    with pytest.raises(ValueError, match="cut short"):
        parse_find_output(b"f\x001755\x00")


def test_seconds_to_ns_keeps_every_digit() -> None:
    assert seconds_to_ns("5") == 5_000_000_000
    assert seconds_to_ns("5.5") == 5_500_000_000


def row(status: str, required: bool = True) -> ResultRow:
    return ResultRow("g", "muc02", "dfo23", "x.y", "setup", "I.3", "t", status, required=required)


@pytest.mark.parametrize(
    ("statuses", "complete", "expected"),
    [
        (["passed", "not-applicable"], True, "READY"),
        (["passed", "failed"], True, "NOT READY"),
        (["passed", "error"], True, "NOT READY"),
        (["passed", "not-run"], True, "INCOMPLETE"),
        (["passed"], False, "INCOMPLETE"),
        ([], True, "INCOMPLETE"),
    ],
)
def test_the_verdict_is_fail_closed(statuses: list[str], complete: bool, expected: str) -> None:
    assert verdict([row(s) for s in statuses], complete)[0] == expected


def test_checks_the_phase_does_not_require_do_not_block() -> None:
    assert verdict([row("passed"), row("not-run", required=False)], True)[0] == "READY"


def test_a_dbrc_password_with_a_hash_hides_no_host() -> None:
    from pytest_mucverify.dfos.dbrc import hosts_named

    text = (
        "qc1 SYBASE qcdb u pw#x dfo23\nhot SYBASE h u pw DFO23\n# old: dfo22\nx y muc02 # dfo21\n"
    )
    assert [(h.line, h.host) for h in hosts_named(text)] == [
        (1, "dfo23"),
        (2, "dfo23"),
        (4, "muc02"),
    ]


def test_short_and_compressed_fits_names_are_fits() -> None:
    from pytest_mucverify.dfos.layout import is_fits

    assert all(is_fits(n) for n in ("x.fit", "x.FTS", "x.fits.bz2", "x.fit.gz", "x.fits.Z"))
    assert all(is_fits(n) for n in ("x.fits.xz", "x.FITS.XZ", "x.fits.zip", "x.Fits.Zip"))
    assert not any(is_fits(n) for n in ("x.fits.txt", "fits", "x.hdr"))


@pytest.mark.parametrize(
    "text",
    [
        "export DFO_VIEWER=${DFO_VIEWER:-xv}",
        ": ${DFO_VIEWER:=xv}",
        'for f in *.gif; do "xv" "$f" & done',
        "xv>/dev/null 2>&1 $f &",
        'PLOT_VIEWER "xv"',
        "VIEWER=xv",
        "/usr/X11R6/bin/xv a.gif",
        "alias view=xv",
        'show() { xv "$@"; }',
    ],
)
def test_xv_is_found_however_it_is_called(text: str) -> None:
    assert xv_calls("f", "# first\n" + text) == [f"f line 2: {text}"]


@pytest.mark.parametrize(
    "text", ["xvfb-run foo", "echo xvalue", "cp a.xv b", "DFO_XV_OLD=1", "my-xv-thing"]
)
def test_words_that_hold_xv_are_not_calls(text: str) -> None:
    assert xv_calls("f", text) == []


def test_a_value_on_another_accounts_disk_is_found() -> None:
    env = {"DFO_LST_DIR": "/data/uves/lists", "DFO_RAW_DIR": "/data/giraffe/raw", "X": "/data"}
    assert foreign_disks(env, "giraffe") == [
        "DFO_LST_DIR=/data/uves/lists  another account's disk /data/uves"
    ]
    assert foreign_disks({"A": "/data/giraffe/../uves/x"}, "giraffe") == [
        "A=/data/giraffe/../uves/x  another account's disk /data/uves"
    ]


@pytest.mark.parametrize(
    ("mode", "lacks"), [(0o1775, ""), (0o1700, ""), (0o1500, "w"), (0o1300, "r"), (0o0000, "rwx")]
)
def test_a_data_directory_owner_needs_read_write_and_enter(mode: int, lacks: str) -> None:
    from pytest_mucverify.dfos.layout import owner_lacks

    assert owner_lacks(mode) == lacks
