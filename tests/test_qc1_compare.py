"""QC1 comparison rules, score files, the figures and the two command-line tools."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from astropy.io import fits
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mucverify.dfos.fitscards import card_values
from pytest_mucverify.dfos.qc1compare import (
    Tolerance,
    Tolerances,
    compare_qc1,
    dotted_name,
    tolerances_from,
)
from pytest_mucverify.dfos.scores import parse_scores, score_differences
from pytest_mucverify.qc1plots import difference_figures
from pytest_mucverify.qc1tools import compare_main, qc1_main
from pytest_mucverify.report.trend import trend_figure

OLD = {
    "ESO QC BIAS MEDIAN": 200.5,
    "ESO QC NCOMB": 5,
    "ESO QC DID": "DID1",
    "ESO QC OK": True,
    "ESO QC RON RAW": 3.4,
}


def reasons(old: dict, new: dict, tolerances: Tolerances | None = None) -> dict[str, str]:
    return {d.parameter: d.reason for d in compare_qc1(old, new, tolerances or Tolerances())}


def test_identical_parameters_have_no_difference() -> None:
    assert reasons(OLD, dict(OLD)) == {}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ESO QC BIAS MEDIAN": 200.5 * (1 + 1e-3)}, "beyond tolerance"),
        ({"ESO QC NCOMB": 5.0}, "int became float"),
        ({"ESO QC NCOMB": 6}, "differs"),
        ({"ESO QC DID": "DID2"}, "differs"),
        ({"ESO QC OK": False}, "differs"),
        ({"ESO QC OK": 1}, "bool became int"),
        ({"ESO QC BIAS MEDIAN": -999.0}, "-999 (missing) on one side only"),
    ],
)
def test_each_kind_of_difference_is_named(change: dict, reason: str) -> None:
    (name,) = change
    assert reasons(OLD, {**OLD, **change}) == {name: reason}


def test_within_the_default_tolerance_is_equal() -> None:
    assert reasons(OLD, {**OLD, "ESO QC BIAS MEDIAN": 200.5 * (1 + 1e-8)}) == {}


def test_minus_999_equals_only_minus_999() -> None:
    assert reasons({"ESO QC X": -999.0}, {"ESO QC X": -999.0}) == {}
    assert reasons({"ESO QC X": -999.0}, {"ESO QC X": -999.0000001}) == {
        "ESO QC X": "-999 (missing) on one side only"
    }


def test_a_parameter_on_one_side_only_is_a_difference() -> None:
    new = {k: v for k, v in OLD.items() if k != "ESO QC DID"} | {"ESO QC EXTRA": 1.0}
    assert reasons(OLD, new) == {
        "ESO QC DID": "missing on the muc",
        "ESO QC EXTRA": "only on the muc",
    }


def test_per_parameter_tolerances_win_by_pattern() -> None:
    tolerances = tolerances_from(
        {"QC.RON.*": {"rtol": 1e-2}, "default": {"atol": 0.0}}, "tolerances"
    )
    assert tolerances.for_parameter("ESO QC RON RAW") == Tolerance(1e-2, 1e-9)
    assert tolerances.for_parameter("ESO QC BIAS MEDIAN") == Tolerance(1e-6, 0.0)
    assert reasons(OLD, {**OLD, "ESO QC RON RAW": 3.4 * 1.001}, tolerances) == {}
    with pytest.raises(ValueError, match=r"tolerances.QC.X.rtol: must be a number >= 0"):
        tolerances_from({"QC.X": {"rtol": -1}}, "tolerances")


def test_the_evidence_row_names_everything() -> None:
    (difference,) = compare_qc1(OLD, {**OLD, "ESO QC BIAS MEDIAN": 201.0})
    row = difference.evidence("GIRAF.x.ab", "MASTER_BIAS")
    assert row.startswith(
        "GIRAF.x.ab  MASTER_BIAS  QC.BIAS.MEDIAN  old=200.5  new=201.0  rel=0.00249"
    )
    assert "tol=rtol 1e-06, atol 1e-09" in row
    assert dotted_name("ESO QC BIAS MEDIAN") == "QC.BIAS.MEDIAN"


def test_scores_and_total_must_be_identical() -> None:
    old = parse_scores("QC.A 1.0 0\nQC.B 2.0 0\nTOTAL 0\n")
    assert score_differences(old, parse_scores("QC.A 1.0 0\nQC.B 2.0 0\nTOTAL 0\n")) == []
    assert score_differences(old, parse_scores("QC.A 1.0 1\nQC.B 2.0 0\nTOTAL 1\n")) == [
        "QC.A: score 0 on the old blade, 1 on the muc",
        "TOTAL: 0 on the old blade, 1 on the muc",
    ]
    assert parse_scores("garbage line here x y\n").problems


SCORE_WORDS = st.sampled_from(["QC.A", "TOTAL", "1.0", "0", "#", " ", "\t", "\n", "\r", "\x0b"])


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400).map(lambda data: data.decode("utf-8", "replace")),
        st.binary(max_size=400).map(lambda data: data.decode("utf-8", "surrogateescape")),
        st.text(max_size=300),
        st.lists(SCORE_WORDS, max_size=40).map("".join),
    ),
    st.text(max_size=100),
)
def test_score_parser_never_raises(text: str, other: str) -> None:
    scores = parse_scores(text)
    assert all(isinstance(problem, str) for problem in scores.problems)
    score_differences(scores, parse_scores(other))
    score_differences(parse_scores(other), scores)


def test_figures_only_when_something_differs() -> None:
    night = dt.date(2013, 2, 21)
    values = {("ab", "MASTER_BIAS"): (OLD, {**OLD, "ESO QC BIAS MEDIAN": 201.0})}
    same = {("ab", "MASTER_BIAS"): (OLD, dict(OLD))}
    assert difference_figures(night, same, {k: [] for k in same}, Tolerances()) == []
    differences = {k: compare_qc1(*v) for k, v in values.items()}
    figures = difference_figures(night, values, differences, Tolerances())
    assert [f["mime"] for f in figures] == ["image/svg+xml"]  # no one-point scatter
    assert b"<svg" in base64.b64decode(figures[0]["data"])
    assert b"QC.BIAS.MEDIAN" in base64.b64decode(figures[0]["data"])


def test_the_check_over_time_draws_every_night_it_measured() -> None:
    rows = [
        {
            "account": "giraffe",
            "nodeid": f"suites/test_qc1.py::test_x[giraffe-2013-02-2{n}]",
            "measures": {"QC.BIAS max |rel|": 10.0**-n, "QC.DARK max |rel|": 0.0},
            "examined": {"products paired": 10},
        }
        for n in range(1, 4)
    ]
    figure = trend_figure("qc1.values", rows)
    assert figure is not None and figure["title"] == "qc1.values over the nights"
    drawn = base64.b64decode(figure["data"])
    assert b"2013-02-23" in drawn and b"QC.DARK max |rel|" in drawn and b"products paired" in drawn
    assert trend_figure("qc1.values", [{**rows[0], "measures": {}}]) is None


def product(path: Path, **qc: object) -> Path:
    header = fits.Header()
    header["HIERARCH ESO PRO CATG"] = "MASTER_BIAS"
    for key, value in qc.items():
        header[f"HIERARCH ESO QC {key}"] = value
    fits.PrimaryHDU(header=header).writeto(path)
    return path


def test_named_cards_are_read_by_astropy(tmp_path: Path) -> None:
    data = product(tmp_path / "p.fits", MEDIAN=1.5).read_bytes()
    assert card_values(data, ["ESO PRO CATG", "ESO QC MEDIAN", "ESO NOPE"]) == {
        "ESO PRO CATG": "MASTER_BIAS",
        "ESO QC MEDIAN": 1.5,
    }


def test_qc1_tool_prints_json_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = product(tmp_path / "p.fits", MEDIAN=1.5, NCOMB=5, OK=True, DID="x")
    assert qc1_main([str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {
        str(path): {"QC.MEDIAN": 1.5, "QC.NCOMB": 5, "QC.OK": True, "QC.DID": "x"}
    }
    (tmp_path / "cut.fits").write_bytes(path.read_bytes()[:100])
    assert qc1_main([str(tmp_path / "cut.fits")]) == 2
    assert "cut.fits" in capsys.readouterr().err


def test_compare_tool_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for side, median in (("old", 1.5), ("same", 1.5), ("new", 1.501)):
        (tmp_path / side / "BIAS").mkdir(parents=True)
        product(tmp_path / side / "BIAS" / "p.fits", MEDIAN=median)
    old, same, new = (str(tmp_path / side) for side in ("old", "same", "new"))
    assert compare_main([old, same]) == 0
    assert compare_main([old, new]) == 1
    assert "BIAS/p.fits  QC.MEDIAN  old=1.5  new=1.501" in capsys.readouterr().out
    assert compare_main([old, new, "--rtol", "0.001"]) == 0
    tolerances = tmp_path / "tol.toml"
    tolerances.write_text('"QC.MEDIAN" = {rtol = 0.001}\n')
    assert compare_main([old, new, "--tolerances", str(tolerances)]) == 0
    assert compare_main([old, str(tmp_path / "missing")]) == 2
    assert compare_main([old]) == 2
    (tmp_path / "new" / "BIAS" / "p.fits").write_bytes(b"\xff" * 50)
    assert compare_main([old, new]) == 2


def test_the_command_line_offers_the_tools(tmp_path: Path) -> None:
    import subprocess
    import sys

    crontab = tmp_path / "crontab"
    crontab.write_text("61 * * * * /bin/true\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "crontab-lint", str(crontab)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert f"{crontab}:1: bad minute" in done.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "compare-qc1", str(tmp_path), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0
