"""The other outputs carry the same account, check and status (JUnit XML, pytest-html), and the
certification report shows what a row holds: escaped, with its evidence capped and its figures."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import build_site, verify, with_waivers

from pytest_mucverify.catalogue import get_check
from pytest_mucverify.checking import CheckFailed
from pytest_mucverify.report.figures import clean_figures
from pytest_mucverify.report.outcome import make_row
from pytest_mucverify.report.rows import ResultRow
from pytest_mucverify.report.writer import AccountRun, render_certification

WAIVER = """
[[waiver]]
check = "disk.sticky-bit"
account = "giraffe"
justification = "logs/ is rewritten by the archive sync until March"
approver = "R. Hanuschik"
expires = 2099-12-31
"""
SVG = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>').decode()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run with a waived failure (sticky bit) and a plain one (owner), with --junitxml and --html."""
    folder = tmp_path_factory.mktemp("outputs")
    site = build_site(
        folder / "site",
        accounts=("giraffe",),
        nights=2,
        faults=("data-dir-not-sticky", "data-dir-foreign-owner"),
    )
    with_waivers(site, WAIVER)
    done = verify(
        site,
        "giraffe",
        folder,
        "-k",
        "disk",
        f"--junitxml={folder / 'junit.xml'}",
        f"--html={folder / 'run.html'}",
    )
    assert (folder / "junit.xml").is_file(), done.output[-2000:]
    return folder


def test_junit_xml_carries_account_check_and_status(run: Path) -> None:
    cases = ET.parse(run / "junit.xml").getroot().iter("testcase")
    found = {}
    for case in cases:
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        found[props["mucverify_check"]] = props
    assert found["disk.sticky-bit"]["mucverify_status"] == "waived"
    assert found["disk.owner"]["mucverify_status"] == "failed"
    assert found["disk.standard-dirs"]["mucverify_status"] == "passed"
    assert {p["mucverify_account"] for p in found.values()} == {"giraffe"}
    assert {p["mucverify_host"] for p in found.values()} == {"muc02"}
    results = json.loads(
        (run / "reports" / "giraffe" / "muc02" / "partial-results.json").read_text()
    )
    statuses = {r["check"]: r["status"] for r in results["checks"] if r["nodeid"]}
    assert {c: p["mucverify_status"] for c, p in found.items()} == statuses


def test_pytest_html_has_the_columns_and_a_verdict_per_account(run: Path) -> None:
    page = (run / "run.html").read_text()
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob, "pytest-html keeps its rows in data-jsonblob"
    tests = json.loads(html.unescape(blob.group(1)))["tests"]
    rows = {
        nodeid: entry[0]["resultsTableRow"]
        for nodeid, entry in tests.items()
        if "sticky_bit" in nodeid or "belongs_to" in nodeid
    }
    sticky = next(cells for nodeid, cells in rows.items() if "sticky_bit" in nodeid)
    owner = next(cells for nodeid, cells in rows.items() if "belongs_to" in nodeid)
    assert '<td class="col-account">giraffe</td>' in sticky
    assert '<td class="col-check">disk.sticky-bit</td>' in sticky
    assert '<td class="col-checkStatus">waived</td>' in sticky
    assert '<td class="col-checkStatus">failed</td>' in owner
    assert 'data-column-type="checkStatus"' in page
    assert re.search(r"giraffe on muc02 \(operational\): <b[^>]*>INCOMPLETE</b>", page)


def test_pytest_html_counts_every_check_not_only_passed_and_failed(run: Path) -> None:
    page = (run / "run.html").read_text()
    results = json.loads(
        (run / "reports" / "giraffe" / "muc02" / "partial-results.json").read_text()
    )
    statuses = Counter(row["status"] for row in results["checks"])
    line = re.search(
        r'<p class="mucverify-count">(\d+) checks of 1 account in [\d.]+ s: ([^<]*)</p>', page
    )
    assert line, "the run's own count of checks is in the summary"
    assert int(line.group(1)) == sum(statuses.values())
    assert statuses["waived"] == 1 and "1 waived" in line.group(2)


CRAFTED = """
from pytest_mucverify import check, examined

@check("host.cores")
def test_cores(account):
    examined("commands answered", 1)
"""


def test_the_plugin_runs_without_pytest_html(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=2)
    (tmp_path / "test_crafted.py").write_text(textwrap.dedent(CRAFTED))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "test_crafted.py", "-p", "no:html",
         "-p", "no:cacheprovider", "-p", "no:benchmark", "--account=giraffe",
         f"--site={site}", f"--reports-dir={tmp_path / 'reports'}",
         f"--junitxml={tmp_path / 'junit.xml'}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "INTERNALERROR" not in done.stdout + done.stderr
    assert 'name="mucverify_status" value="passed"' in (tmp_path / "junit.xml").read_text()


# ---- what the certification report shows -----------------------------------------------------


def row(**values: Any) -> ResultRow:
    fields: dict[str, Any] = {
        "account": "giraffe", "host": "muc02", "ops_host": "dfo23", "check": "qc1.values",
        "phase": "verification", "section": "II.3", "title": "every QC1 parameter is the same",
        "status": "passed", "nodeid": "suites/test_qc1.py::test_values[giraffe-2013-02-22]",
    }  # fmt: skip
    fields.update(values)
    return ResultRow(**fields)


def render(*rows: ResultRow) -> str:
    start = dt.datetime(2013, 2, 22, 7, 30, tzinfo=dt.UTC)
    account_run = AccountRun(
        account="giraffe", host="muc02", ops_host="dfo23", phase="operational",
        site="/home/qc/site.toml", rows=list(rows), complete=True, started=start,
        finished=start + dt.timedelta(seconds=3), plugin_version="0.1.0", user="qc@muc02",
    )  # fmt: skip
    return render_certification(account_run.summary())


def test_everything_a_row_says_is_escaped() -> None:
    page = render(
        row(
            status="failed", message="<script>alert(1)</script>", evidence=["<img src=x onerror=y>"]
        )
    )
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_figures_are_embedded_inline_and_rows_without_them_render() -> None:
    figure = {"title": "2013-02-22: relative differences", "mime": "image/svg+xml", "data": SVG}
    page = render(
        row(status="failed", message="1 QC1 difference", figures=[figure]),
        row(check="qc1.scores", nodeid="suites/test_qc1.py::test_scores[giraffe-2013-02-22]"),
    )
    assert f'src="data:image/svg+xml;base64,{SVG}"' in page
    assert "2013-02-22: relative differences</figcaption>" in page


def test_a_figure_the_report_cannot_embed_is_left_out_and_said_so() -> None:
    kept, dropped = clean_figures(
        [
            {"title": "ok", "mime": "image/png", "data": base64.b64encode(b"png").decode()},
            {"title": "page", "mime": "text/html", "data": "PGI+"},
            {"title": "junk", "mime": "image/svg+xml", "data": "not base64!"},
        ]
    )
    assert [f["title"] for f in kept] == ["ok"]
    assert dropped == [
        "figure 2 'page' left out: type 'text/html' is not one of image/svg+xml, image/png",
        "figure 3 'junk' left out: data is not base64",
    ]


def test_a_failed_checks_figures_reach_its_row() -> None:
    error = CheckFailed("1 QC1 difference", ["GI_SRBIAS.fits QC.BIAS.MEAN 200.1 -> 201.3"])
    error.figures = [{"title": "bias", "mime": "image/svg+xml", "data": SVG}]
    with pytest.raises(CheckFailed) as caught:
        raise error
    target = SimpleNamespace(
        account=SimpleNamespace(name="giraffe"), host="muc02", ops_host="dfo23"
    )
    made = make_row(get_check("qc1.values"), target, True, "call", caught, 0.1, "x::y[giraffe]")
    assert made.status == "failed"
    assert made.figures == [{"title": "bias", "mime": "image/svg+xml", "data": SVG}]


def test_long_evidence_shows_the_cap_and_the_total() -> None:
    page = render(row(status="failed", message="many", evidence=[f"f{n}" for n in range(80)]))
    assert "evidence: 50 shown of 80" in page


def test_a_results_file_of_an_older_version_still_renders() -> None:
    start = dt.datetime(2013, 2, 22, 7, 30, tzinfo=dt.UTC)
    summary = AccountRun(
        account="giraffe", host="muc02", ops_host="dfo23", phase="operational", site="s",
        rows=[row(status="failed", message="m")], complete=True, started=start, finished=start,
        plugin_version="0.0.9", user="u",
    ).summary()  # fmt: skip
    for key in ("waivers", "since_last_run", "site_name", "in_progress"):
        summary.pop(key)
    for check in summary["checks"]:
        check.pop("waiver")
        check.pop("figures")
    assert "NOT READY" in render_certification(summary)
