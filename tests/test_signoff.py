"""The sign-off is fail-closed: every way an account can fall short gives NOT READY or INCOMPLETE,
with the reason on its row, and the exit status is 0 only when every account is READY."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import build_site, verify

from pytest_mucverify.catalogue import CHECKS
from pytest_mucverify.report.rows import ResultRow
from pytest_mucverify.report.signoff import signoff
from pytest_mucverify.report.signoff_cli import main
from pytest_mucverify.report.writer import AccountRun, write_account_reports

NOW = dt.datetime.now(dt.UTC)
WAIVER = {
    "entry": 1,
    "check": "fits.stray",
    "account": "giraffe",
    "justification": "kept for the UVES comparison",
    "approver": "R. Hanuschik",
    "expires": "2099-12-31",
    "runs": True,
    "state": "valid",
}


FULL_WINDOW = {
    "today": "2013-02-25",
    "first": "2013-02-21",
    "last": "2013-02-24",
    "nights": 4,
    "required_first": "2013-02-21",
    "required_last": "2013-02-24",
    "required_nights": 4,
    "narrowed": False,
    "covers_required": True,
}


def account_run(account: str = "giraffe", **changes: Any) -> AccountRun:
    """A finished operational run in which every check of the catalogue passed an hour ago."""
    rows = [
        ResultRow(
            account=account,
            host="muc02",
            ops_host="dfo23",
            check=spec.id,
            phase=spec.phase,
            section=spec.section,
            title=spec.title,
            status="passed",
            nodeid=f"suites/test_{spec.family}.py::test_{spec.id}[{account}]",
            examined={"things": 3},
        )
        for spec in CHECKS
    ]
    fields: dict[str, Any] = {
        "account": account,
        "host": "muc02",
        "ops_host": "dfo23",
        "phase": "operational",
        "site": "/home/qc/site.toml",
        "rows": rows,
        "complete": True,
        "started": NOW - dt.timedelta(hours=1),
        "finished": NOW - dt.timedelta(hours=1) + dt.timedelta(seconds=40),
        "plugin_version": "0.1.0",
        "user": "giraffe@muc02",
        "window": FULL_WINDOW,
    }
    fields.update(changes)
    return AccountRun(**fields)


def test_a_narrowed_run_is_not_signed_off(tmp_path: Path) -> None:
    narrowed = {**FULL_WINDOW, "first": "2013-02-23", "narrowed": True, "covers_required": False}
    write_account_reports(account_run(window=narrowed), tmp_path)
    entry = signoff(tmp_path, ["giraffe"], now=NOW)["accounts"][0]
    assert entry["verdict"] == "INCOMPLETE"
    assert any("not a full-window run" in reason for reason in entry["reasons"])


def set_row(run: AccountRun, check: str, **values: Any) -> AccountRun:
    row = next(r for r in run.rows if r.check == check)
    for key, value in values.items():
        setattr(row, key, value)
    return run


def attrs(**values: Any) -> Callable[[AccountRun], None]:
    def change(run: AccountRun) -> None:
        for key, value in values.items():
            setattr(run, key, value)

    return change


def write(reports: Path, run: AccountRun) -> Path:
    return write_account_reports(run, reports) / "results.json"


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def one(reports: Path, **options: Any) -> dict[str, Any]:
    """The sign-off of the only account, judged at NOW (the clock the runs were made by), so the
    ages do not drift with the machine's load."""
    options.setdefault("now", NOW)
    data = signoff(reports, **options)
    assert len(data["accounts"]) == 1
    entry: dict[str, Any] = data["accounts"][0]
    return entry


# ---- each verdict path, from results files ----------------------------------------------------


def test_a_finished_operational_run_with_every_check_passed_is_ready(tmp_path: Path) -> None:
    write(tmp_path, account_run())
    entry = one(tmp_path)
    assert (entry["verdict"], entry["reasons"]) == ("READY", [])
    assert entry["certification"] == "giraffe/muc02/certification.html"
    assert entry["ops_host"] == "dfo23" and entry["phase"] == "operational"


def test_a_validly_waived_failure_is_ready_and_counted(tmp_path: Path) -> None:
    run = set_row(account_run(), "fits.stray", status="waived", waiver=WAIVER)
    write(tmp_path, run)
    entry = one(tmp_path)
    assert entry["verdict"] == "READY"
    assert entry["waived"] == 1


@pytest.mark.parametrize(
    ("change", "verdict", "reason"),
    [
        (lambda r: set_row(r, "disk.sticky-bit", status="failed"), "NOT READY", "failed: disk.sticky-bit"),
        (lambda r: set_row(r, "rc.dbrc-hosts", status="error"), "NOT READY", "ended in error: rc.dbrc-hosts"),
        (lambda r: set_row(r, "host.cores", status="not-run"), "INCOMPLETE", "1 required results not run: host.cores"),
        (attrs(phase="verification"), "NOT READY", "the run claimed phase verification"),
        (lambda r: set_row(r, "qc1.values", required=False, status="failed"), "NOT READY", "failed: qc1.values"),
        (
            lambda r: set_row(r, "fits.stray", status="waived", waiver={**WAIVER, "expires": "2013-03-31"}),
            "NOT READY",
            "waiver no longer valid today for fits.stray (expired 2013-03-31)",
        ),
        (
            attrs(complete=False, problems=["a worker crashed while running suites/test_ab.py::x"]),
            "INCOMPLETE",
            "the run did not finish: a worker crashed while running suites/test_ab.py::x",
        ),
        (
            attrs(started=NOW - dt.timedelta(hours=31), finished=NOW - dt.timedelta(hours=30)),
            "INCOMPLETE",
            "the latest run is 30.0 h old, older than the maximum age of 24 h",
        ),
        (
            lambda r: setattr(r, "rows", [x for x in r.rows if x.check != "migration.full"]),
            "INCOMPLETE",
            "no result for 1 checks: migration.full",
        ),
    ],
    ids=["failed", "error", "not-run", "phase", "required-flag-ignored", "waiver-expired",
         "crashed-worker", "too-old", "check-missing"],
)  # fmt: skip
def test_each_way_to_fall_short_names_its_reason(
    change: Callable[[AccountRun], object], verdict: str, reason: str, tmp_path: Path
) -> None:
    run = account_run()
    change(run)
    write(tmp_path, run)
    entry = one(tmp_path)
    assert entry["verdict"] == verdict
    assert any(reason in r for r in entry["reasons"]), entry["reasons"]


def test_a_missing_results_file_is_incomplete(tmp_path: Path) -> None:
    write(tmp_path, account_run())
    data = signoff(tmp_path, ["giraffe", "uves"])
    uves = data["accounts"][1]
    assert (uves["account"], uves["verdict"]) == ("uves", "INCOMPLETE")
    assert uves["reasons"] == [
        f"never run: no results file at {tmp_path / 'uves'}/<host>/results.json"
    ]
    assert data["verdict"] == "INCOMPLETE"


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_text('{"account": "giraffe", '), "is not valid JSON"),
        (lambda p: p.write_bytes(b"\xff\xfe{}"), "is not UTF-8 text"),
        (lambda p: edit(p, lambda d: d.pop("checks")), "does not match the schema: results: 'checks' is a required property"),
        (lambda p: edit(p, lambda d: d["checks"][0].update(status="fine")), "does not match the schema: results.checks[0].status"),
        (lambda p: edit(p, lambda d: d.update(complete="yes")), "does not match the schema: results.complete"),
        (lambda p: edit(p, lambda d: d.update(schema_version=2)), "schema version 2, written by a newer pytest-mucverify"),
        (lambda p: edit(p, lambda d: d["checks"][0].update(status="waived", waiver=None)), "does not match the schema"),
    ],
    ids=["truncated", "binary", "no-checks", "bad-status", "bad-type", "newer-version", "waived-without-waiver"],
)  # fmt: skip
def test_an_unreadable_or_schema_invalid_file_is_incomplete(
    damage: Callable[[Path], object], reason: str, tmp_path: Path
) -> None:
    damage(write(tmp_path, account_run()))
    entry = one(tmp_path)
    assert entry["verdict"] == "INCOMPLETE"
    assert any(reason in r for r in entry["reasons"]), entry["reasons"]


def test_a_run_that_says_it_is_not_ready_is_never_signed_off(tmp_path: Path) -> None:
    path = write(tmp_path, account_run())
    edit(path, lambda d: d.update(verdict="NOT READY", verdict_reasons=["said so"]))
    entry = one(tmp_path)
    assert entry["verdict"] == "NOT READY"
    assert "the run itself says NOT READY: said so" in entry["reasons"]


def test_the_newest_host_folder_is_the_one_judged(tmp_path: Path) -> None:
    stale = write(tmp_path, account_run(host="muc01"))
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    write(tmp_path, account_run())
    entry = one(tmp_path)
    assert (entry["host"], entry["verdict"]) == ("muc02", "READY")
    assert entry["notes"] == ["older results for muc01 ignored"]


def test_no_account_at_all_is_incomplete(tmp_path: Path) -> None:
    data = signoff(tmp_path / "empty")
    assert data["verdict"] == "INCOMPLETE"
    assert data["accounts"] == []
    assert "no account to sign off" in data["reasons"][0]


# ---- the command ------------------------------------------------------------------------------


def test_the_command_writes_both_files_and_exits_0_only_when_all_are_ready(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, account_run("giraffe"))
    write(tmp_path, account_run("uves"))
    assert main(["--reports-dir", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "signoff.json").read_text())
    assert data["verdict"] == "READY"
    assert [a["account"] for a in data["accounts"]] == ["giraffe", "uves"]
    html = (tmp_path / "signoff.html").read_text()
    assert 'href="giraffe/muc02/certification.html"' in html
    assert "sign-off: READY" in capsys.readouterr().out

    write(tmp_path, set_row(account_run("uves"), "host.cores", status="failed"))
    assert main(["--reports-dir", str(tmp_path), "--accounts", "giraffe,uves"]) == 1
    data = json.loads((tmp_path / "signoff.json").read_text())
    assert data["verdict"] == "NOT READY"
    assert data["counts"] == {"READY": 1, "NOT READY": 1, "INCOMPLETE": 0}
    html = (tmp_path / "signoff.html").read_text()
    assert "failed: host.cores" in html
    assert main(["--reports-dir", str(tmp_path), "--accounts", "giraffe"]) == 0
    assert main(["--reports-dir", str(tmp_path), "--accounts", "giraffe", "--max-age", "0.5"]) == 1


def test_a_bad_max_age_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--max-age", "soon"])
    assert exited.value.code == 2
    assert "'soon' is not a number of hours" in capsys.readouterr().err


def test_the_sign_off_escapes_what_it_shows(tmp_path: Path) -> None:
    path = write(tmp_path, account_run())
    edit(path, lambda d: d["checks"][0].update(status="<script>alert(1)</script>"))
    assert main(["--reports-dir", str(tmp_path)]) == 1
    html = (tmp_path / "signoff.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


# ---- real runs that did not finish ------------------------------------------------------------

CRAFTED = """
import os, signal
from pytest_mucverify import check

@check("host.cores")
def test_cores(account):
    {body}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("signoff") / "site", accounts=("giraffe",), nights=2)


@pytest.mark.parametrize(
    ("body", "workers", "reason"),
    [
        ("raise KeyboardInterrupt", "0", "the run did not finish: the run was interrupted"),
        ("os._exit(3)", "1", "a worker crashed while running"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "0", "never finished: still running, or killed"),
    ],
    ids=["ctrl-c", "crashed-worker", "killed-timeout"],
)
def test_a_run_that_did_not_finish_is_incomplete(
    body: str, workers: str, reason: str, site: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    # a READY run first: what the unfinished run leaves must not let it stand
    write(reports, account_run())
    (tmp_path / "test_crafted.py").write_text(textwrap.dedent(CRAFTED.format(body=body)))
    subprocess.run(
        [sys.executable, "-m", "pytest", "test_crafted.py", "-p", "no:cacheprovider",
         "-p", "no:benchmark", "--account=giraffe", f"--site={site}",
         f"--reports-dir={reports}", "-n", workers, "--max-worker-restart=0"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert main(["--reports-dir", str(reports)]) == 1
    entry = json.loads((reports / "signoff.json").read_text())["accounts"][0]
    assert entry["verdict"] == "INCOMPLETE"
    assert any(reason in r for r in entry["reasons"]), entry["reasons"]


def test_a_clean_operational_run_signs_off(site: Path, tmp_path: Path) -> None:
    run = verify(site, "giraffe", tmp_path)
    assert run.results("giraffe")["verdict"] == "READY", run.output[-2000:]
    assert main(["--reports-dir", str(run.reports), "--accounts", "giraffe"]) == 0
    assert json.loads((run.reports / "signoff.json").read_text())["verdict"] == "READY"
