"""Where FITS may lie on the muc, and how old and new listings are compared."""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_mucverify.blade.listing import FileStat
from pytest_mucverify.dfos.migration import (
    compare_files,
    content_matters,
    digested_names,
    exact_copy_expected,
    readable_by,
)
from pytest_mucverify.dfos.placement import fits_allowed, stray_fits

TRANSITION = dt.date(2013, 2, 21)


@pytest.mark.parametrize(
    ("variable", "path", "allowed"),
    [
        ("GEN_CALDIR", "anything/x.fits", True),
        ("DFO_RAW_DIR", "2013-02-21/x.fits", True),
        ("DFO_RAW_DIR", "2013-02-20/x.fits", False),
        ("DFO_RAW_DIR", "x.fits", False),
        ("DFS_PRODUCT", "BIAS/2013-02-22/r.x_0000.fits", True),
        ("DFS_PRODUCT", "2013-02-22/r.x.fits", False),
        ("DFO_CAL_DIR", "VCAL/x.fits", False),
        ("DFO_LOG_DIR", "2013-02-22/x.fits", False),
        ("DFO_SCI_DIR", "2013-13-01/x.fits", False),
        (None, "qc_scripts/x.fits", False),
    ],
)
def test_where_fits_may_lie(variable: str | None, path: str, allowed: bool) -> None:
    assert fits_allowed(variable, path, TRANSITION) is allowed


def test_only_fits_files_can_stray() -> None:
    files = [
        ("2013-02-20/a.fits", 1),
        ("2013-02-20/b.FITS.GZ", 2),
        ("2013-02-20/c.fz", 3),
        ("2013-02-20/d.hdr", 4),
    ]
    assert stray_fits("DFO_LOG_DIR", files, TRANSITION) == files[:3]


def entry(path: str, size: int = 10, mtime: int = 100, kind: str = "f") -> FileStat:
    return FileStat(path, kind, 0o644, 1, "giraffe", size, mtime)


def test_a_comparison_names_what_is_missing_different_or_older() -> None:
    old = [
        entry("2013-02-01/a"),
        entry("2013-02-01/b", 20),
        entry("2013-02-01/c", mtime=200),
        entry("2013-02-01/d"),
    ]
    new = [entry("2013-02-01/b", 21), entry("2013-02-01/c", mtime=150), entry("2013-02-01/d")]
    shortfalls, compared = compare_files(old, new, lambda path: True, not_older=True)
    assert compared == 4
    assert [str(s) for s in shortfalls] == [
        "2013-02-01/a  missing on the muc (10 bytes on the old blade)",
        "2013-02-01/b  21 bytes on the muc, 20 on the old blade",
        "2013-02-01/c  older on the muc than on the old blade",
    ]


def test_the_mucs_own_nights_need_not_be_copies() -> None:
    assert exact_copy_expected("2013-02-20/x.log", TRANSITION)
    assert not exact_copy_expected("2013-02-21/x.log", TRANSITION)
    assert exact_copy_expected("REPORT/x", TRANSITION)
    old = [entry("2013-02-22/x.log", 10)]
    assert compare_files(old, [], lambda p: exact_copy_expected(p, TRANSITION)) == ([], 0)


def test_a_copy_the_account_cannot_read_is_a_shortfall() -> None:
    old = [entry("2013-02-01/a.log"), entry("2013-02-01/b.log"), entry("2013-02-01/c.log")]
    new = [
        FileStat("2013-02-01/a.log", "f", 0o000, 1, "giraffe", 10, 100),
        FileStat("2013-02-01/b.log", "f", 0o600, 0, "root", 10, 100),
        FileStat("2013-02-01/c.log", "f", 0o640, 0, "root", 10, 100),
    ]
    shortfalls, compared = compare_files(old, new, lambda path: True, reader="giraffe")
    assert compared == 3
    assert [str(s) for s in shortfalls] == [
        "2013-02-01/a.log  on the muc owned by giraffe, mode 0000: giraffe cannot read it",
        "2013-02-01/b.log  on the muc owned by root, mode 0600: giraffe cannot read it",
    ]
    assert readable_by(new[2], "giraffe") and not readable_by(new[0], "giraffe")


@pytest.mark.parametrize(
    ("variable", "path", "by_content"),
    [
        ("DFO_LOG_DIR", "2013-02-01/GIRAF.2013-02-01T10:11:12.123.ab", True),
        ("DFO_LOG_DIR", "2013-02-01/GIRAF.2013-02-01T10:11:12.123.score", True),
        ("DFO_CAL_DIR", "2013-02-01/qc/GI_MBIA_130201A_1x1.paf", True),
        ("TMP_DIR", "config.calChecker", True),
        ("GEN_CALDIR", ".dfosrc", True),
        ("DFO_LST_DIR", "2013-02-01/data_report_2013-02-01.txt", True),
        ("DFO_LOG_DIR", "2013-02-01/GIRAF.2013-02-01T10:11:12.123.log", False),
        ("DFO_HDR_DIR", "2013-02-01/GIRAF.2013-02-01T10:11:12.123.hdr", False),
        ("DFO_PLT_DIR", "2013-02-01/x.png", False),
        ("GEN_CALDIR", "GI_LINE_CATALOG.fits", True),
        ("GEN_CALDIR", "GI_BPM_STATIC_1x1.FITS.gz", True),
        ("DFO_CAL_DIR", "VCAL/GI_MBIA_130221A_1x1.hdr", True),
        ("DFO_HDR_DIR", "VCAL/GI_MBIA_130221A_1x1.hdr", False),
        ("DFO_LOG_DIR", "2013-02-01/x.ab.bak", False),
    ],
)
def test_which_files_are_compared_by_content(variable: str, path: str, by_content: bool) -> None:
    assert content_matters(digested_names(variable), path) is by_content
