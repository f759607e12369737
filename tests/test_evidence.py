"""A READY that means something: every row says what it examined, absence of data never passes,
the window follows TODAY, and partial runs never replace the certification."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import REPO, build_site, verify

from pytest_mucverify.demo import build_demo_site
from pytest_mucverify.demo.world import DemoOptions
from pytest_mucverify.report.outcome import UNEXAMINED
from pytest_mucverify.site import load_site
from pytest_mucverify.timeline import dfos_today, night_roles, night_window


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("evidence")
    site = build_site(folder / "site")  # three accounts; only giraffe is run
    run = verify(site, "giraffe", folder, f"--junitxml={folder / 'junit.xml'}")
    assert run.returncode == 0, run.output[-3000:]
    return folder


def test_every_passed_row_of_the_clean_demo_shows_what_it_examined(clean_run: Path) -> None:
    results = json.loads((clean_run / "reports/giraffe/muc02/results.json").read_text())
    assert results["verdict"] == "READY"
    passed = [row for row in results["checks"] if row["status"] == "passed"]
    assert len(passed) > 50
    assert [
        r["nodeid"] for r in passed if not r["examined"] or min(r["examined"].values()) < 1
    ] == []
    assert results["examined"]["ABs"] > 0 and results["examined"]["products paired"] > 0
    assert results["window"]["covers_required"] is True


def test_the_html_and_junit_show_the_counts(clean_run: Path) -> None:
    html = (clean_run / "reports/giraffe/muc02/certification.html").read_text()
    assert "examined 30 products paired" in html  # the QC1 rows of three nights, added up
    assert "(10 products paired, 20 HDUs, 74 parameters)" in html
    assert "nights examined <b>2013-02-21..2013-02-24</b>" in html
    cases = [
        {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in ET.parse(clean_run / "junit.xml").getroot().iter("testcase")
    ]
    examined = {c["mucverify_examined"] for c in cases if c["mucverify_status"] == "passed"}
    assert len([c for c in cases if c["mucverify_status"] == "passed"]) > 50
    assert "" not in examined
    assert any("path lines" in value for value in examined if value)


def test_a_window_without_data_is_incomplete(clean_run: Path, tmp_path: Path) -> None:
    site = clean_run / "site" / "site.toml"
    run = verify(site, "giraffe", tmp_path, "--dates=2010-01-01..2010-01-05")
    results = run.results("giraffe")
    assert results["verdict"] == "INCOMPLETE"
    assert any("requires 2013-02-21..2013-02-24" in r for r in results["verdict_reasons"])
    assert results["window"]["narrowed"] is True


def test_a_muc_without_products_is_not_ready_and_says_what_is_missing(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), faults=("muc-products-deleted",))
    run = verify(site, "giraffe", tmp_path)
    results = run.results("giraffe")
    assert results["verdict"] == "NOT READY"
    values = [
        r for r in results["checks"] if r["check"] == "qc1.values" and r["status"] == "failed"
    ]
    assert values and values[0]["message"].startswith("nothing to compare: no product of")
    assert any("looked in muc02:" in line for line in values[0]["evidence"])
    before = verify(site, "giraffe", tmp_path / "before", "--dates=2013-02-18..2013-02-20")
    assert before.results("giraffe")["verdict"] == "INCOMPLETE"


def test_an_undated_binary_ab_is_a_failed_row_naming_it(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    ab_dir = tmp_path / "site/hosts/muc02/fujisan3/data/giraffe/AB"
    (ab_dir / "GIRAF.binary.ab").write_bytes(b"\x00\xff\x13RAWFILE\t/fujisan3/x\n" * 40)
    results = verify(site, "giraffe", tmp_path).results("giraffe")
    assert results["verdict"] == "NOT READY"
    row = next(r for r in results["checks"] if "outside_the_window" in r["nodeid"])
    assert row["status"] == "failed"
    assert any("GIRAF.binary.ab: no readable DATE line" in line for line in row["evidence"])


def test_an_unclean_ab_no_nights_row_reads_fails_wherever_it_lies(tmp_path: Path) -> None:
    """ab.clean-paths reads every AB below DFO_AB_DIR and DFO_LOG_DIR: in a month folder, a
    sub-folder of a window night, under an upper-case or gzipped name, at the top of the logs;
    a gzipped AB that cannot be inflated is named as unreadable."""
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    data = tmp_path / "site/hosts/muc02/fujisan3/data/giraffe"
    window_night = next(
        f for f in sorted((data / "logs").glob("2013-02-2*")) if any(f.glob("*.ab"))
    )
    clean = next(window_night.glob("*.ab")).read_bytes()
    assert b"\nRAWFILE" in clean or clean.startswith(b"RAWFILE")
    unclean = clean.replace(b"/data/giraffe/raw/", b"/fujisan3/data/giraffe/raw/")
    planted = {
        "logs/2013-01/2013-01-15/month.ab": unclean,
        f"logs/{window_night.name}/rerun/sub.ab": unclean,
        "logs/2013-01-16/UPPER.AB": unclean,
        "AB/zipped.ab.gz": gzip.compress(unclean),
        "AB/two-members.ab.gz": gzip.compress(clean) + gzip.compress(unclean),
        "logs/loose.ab": unclean,
        "logs/2013-01-17/broken.ab.gz": gzip.compress(unclean)[:40],
    }
    for name, content in planted.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(content)
    results = verify(site, "giraffe", tmp_path, "-k", "clean_paths or clean").results("giraffe")
    row = next(r for r in results["checks"] if "outside_the_window" in r["nodeid"])
    assert row["status"] == "failed"
    evidence = "\n".join(row["evidence"])
    for name in planted:
        assert f"/data/giraffe/{name}" in evidence, name
    assert "broken.ab.gz: gzip stream cut short" in evidence
    assert row["examined"]["ABs"] >= 5


def test_a_check_that_passes_without_evidence_fails(clean_run: Path, tmp_path: Path) -> None:
    test_file = tmp_path / "test_blind.py"
    test_file.write_text(
        textwrap.dedent(
            """
            from pytest_mucverify import check

            @check("host.cores")
            def test_cores(account):
                pass
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-p", "no:cacheprovider",
         "--account=giraffe", f"--site={clean_run / 'site' / 'site.toml'}",
         f"--reports-dir={tmp_path / 'reports'}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    results = json.loads((tmp_path / "reports/giraffe/muc02/results.json").read_text())
    row = next(r for r in results["checks"] if r["nodeid"])
    assert (row["status"], row["message"]) == ("failed", UNEXAMINED), done.stdout[-2000:]


@pytest.mark.parametrize(
    "args",
    [
        ["--co"],
        ["-k", "qc1"],
        ["--lf"],
        ["pytest_mucverify/suites/test_host.py::test_the_muc_runs_a_64bit_os"],
    ],
    ids=["collect-only", "keyword", "last-failed", "node-id"],
)
def test_a_partial_run_leaves_the_certification_untouched(
    args: list[str], clean_run: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    site = clean_run / "site" / "site.toml"
    (reports / "giraffe").mkdir(parents=True)
    subprocess.run(["cp", "-a", str(clean_run / "reports/giraffe/muc02"), str(reports / "giraffe")])
    folder = reports / "giraffe" / "muc02"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    history = sorted(p.name for p in (folder / "history").iterdir())
    if args == ["--lf"]:  # a previous run with a failure, so --lf selects it alone
        cache = tmp_path / ".pytest_cache/v/cache"
        cache.mkdir(parents=True)
        (cache / "lastfailed").write_text(
            json.dumps(
                {"suites/test_host.py::test_the_muc_offers_at_least_12_cores[giraffe]": True}
            )
        )
    subprocess.run(
        [sys.executable, "-m", "pytest", *args, "--account=giraffe", f"--site={site}",
         f"--reports-dir={reports}", "-p", "no:benchmark", "--rootdir", str(tmp_path),
         "-o", f"cache_dir={tmp_path / '.pytest_cache'}"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert {name: after.get(name) for name in before} == before
    assert sorted(p.name for p in (folder / "history").iterdir()) == history
    if args == ["--co"]:
        assert set(after) == set(before)
    else:
        partial = json.loads((folder / "partial-results.json").read_text())
        assert partial["partial"] and partial["verdict"] != "READY"


def test_the_nightly_run_examines_the_new_night_each_day(tmp_path: Path) -> None:
    """The README's cron line on consecutive days, against a demo site built for each day: the
    site file is never edited, and each day's run looks at the night before."""
    for day in (dt.date(2013, 2, 24), dt.date(2013, 2, 25)):
        site = build_demo_site(tmp_path / str(day), DemoOptions(accounts=("giraffe",), today=day))
        run = verify(site, "giraffe", tmp_path / f"run-{day}", f"--today={day}")
        results = run.results("giraffe")
        assert results["verdict"] == "READY", results["verdict_reasons"]
        last = str(day - dt.timedelta(days=1))
        assert results["window"]["last"] == last
        rows = [r for r in results["checks"] if r["nodeid"].endswith(f"-{last}]")]
        assert {r["check"] for r in rows if r["status"] == "passed"} >= {
            "ab.clean-paths",
            "ab.sof-consistent",
        }
        assert all(r["examined"] for r in rows if r["status"] == "passed")


def test_yesterdays_site_run_today_finds_last_night_missing(tmp_path: Path) -> None:
    site = build_demo_site(
        tmp_path / "site", DemoOptions(accounts=("giraffe",), today=dt.date(2013, 2, 24))
    )
    results = verify(site, "giraffe", tmp_path, "--today=2013-02-25").results("giraffe")
    assert results["verdict"] == "NOT READY"
    failed = {r["check"] for r in results["checks"] if r["status"] == "failed"}
    assert "ab.clean-paths" in failed


def test_the_signoff_of_a_site_with_unrun_accounts_is_incomplete(clean_run: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "signoff",
         f"--reports-dir={clean_run / 'reports'}", f"--site={clean_run / 'site' / 'site.toml'}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    data = json.loads((clean_run / "reports" / "signoff.json").read_text())
    by_account = {a["account"]: a for a in data["accounts"]}
    assert by_account["giraffe"]["verdict"] == "READY"
    assert by_account["giraffe"]["examined"]["ABs"] > 0
    assert by_account["uves"]["verdict"] == "INCOMPLETE"
    assert by_account["uves"]["reasons"][0].startswith("never run: no results file")
    assert data["verdict"] == "INCOMPLETE"
    html = (clean_run / "reports" / "signoff.html").read_text()
    assert "The plan&#39;s account table" in html or "The plan's account table" in html


def test_a_signoff_of_an_older_today_is_incomplete(clean_run: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "signoff", "--accounts=giraffe",
         f"--reports-dir={clean_run / 'reports'}", f"--site={clean_run / 'site' / 'site.toml'}",
         "--today=2013-02-27"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "the nights since (2013-02-25..2013-02-26) are not examined" in done.stdout


def test_today_follows_the_night_boundary() -> None:
    assert dfos_today(dt.datetime(2013, 2, 25, 7, 30, tzinfo=dt.UTC)) == dt.date(2013, 2, 24)
    assert dfos_today(dt.datetime(2013, 2, 25, 12, 0, tzinfo=dt.UTC)) == dt.date(2013, 2, 25)


def test_the_window_runs_from_the_transition_to_yesterday(clean_run: Path) -> None:
    account = load_site(clean_run / "site" / "site.toml").accounts["giraffe"]
    window = night_window(account, "operational", dt.date(2013, 2, 25))
    assert (window.first, window.last) == (dt.date(2013, 2, 21), dt.date(2013, 2, 24))
    narrowed = night_window(
        account, "operational", dt.date(2013, 2, 25), (dt.date(2013, 2, 21), dt.date(2013, 2, 22))
    )
    assert narrowed.uncovered() is not None
    roles = night_roles(account, "operational", dt.date(2013, 2, 24), dt.date(2013, 2, 25))
    assert roles.muc is None and roles.ops and "after the switch" in roles.ops
    before = night_roles(account, "operational", dt.date(2013, 2, 20), dt.date(2013, 2, 25))
    assert before.muc and "before the transition" in before.muc
    verifying = night_roles(account, "verification", dt.date(2013, 2, 23), dt.date(2013, 2, 25))
    assert verifying.muc and "commissioning" in verifying.muc


def test_an_operational_claim_before_the_switch_is_incomplete(
    clean_run: Path, tmp_path: Path
) -> None:
    site = clean_run / "site" / "site.toml"
    results = verify(site, "giraffe", tmp_path, "--today=2013-02-23").results("giraffe")
    assert results["verdict"] != "READY"
    assert any("switch to the muc is set for 2013-02-24" in r for r in results["verdict_reasons"])


def test_a_later_partial_run_that_fails_stops_the_signoff(clean_run: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    subprocess.run(["cp", "-a", str(clean_run / "reports"), str(reports)], check=True)
    folder = reports / "giraffe" / "muc02"
    partial = json.loads((folder / "results.json").read_text())
    partial["finished"] = "2099-01-01T00:00:00+00:00"
    partial["partial"] = ["-k 'qc1' selected part of the checks"]
    next(r for r in partial["checks"] if r["check"] == "qc1.values")["status"] = "failed"
    (folder / "partial-results.json").write_text(json.dumps(partial))
    done = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "signoff", "--accounts=giraffe",
         f"--reports-dir={reports}", f"--site={clean_run / 'site' / 'site.toml'}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "NOT READY" in done.stdout and "found qc1.values failing" in done.stdout


def test_results_of_another_site_are_not_signed_off(clean_run: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text((clean_run / "site" / "site.toml").read_text())
    done = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "signoff", "--accounts=giraffe",
         f"--reports-dir={clean_run / 'reports'}", f"--site={other}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"not of {other}" in done.stdout


def test_the_signoff_of_the_demo_reads_the_demo_site_a_run_built(tmp_path: Path) -> None:
    """`pytest --site=demo` then `mucverify signoff --site demo` in the same folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUCVERIFY_", "PYTEST_"))}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--account=giraffe",
         "--site=demo", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    done = subprocess.run(
        [sys.executable, "-m", "pytest_mucverify.cli", "signoff", "--site", "demo"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert "giraffe on muc02       READY" in done.stdout, done.stdout + done.stderr
    assert "uves on muc02          INCOMPLETE : never run" in done.stdout
    assert done.returncode == 1
