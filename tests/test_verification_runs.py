"""Whole verification runs: usage errors, xdist parity, interrupted runs, bad input, secrets."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, build_site, verify


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("clean") / "site", nights=4)


def run_pytest(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:benchmark",
        *args,
    ]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account=giraffe"], "no site given: use --site=PATH to a site file, or --site=demo"),
        (["--account=giraffe", "--host=muc01", "--site={site}"], "--host=muc01: the site"),
        (
            ["--account=giraffe", "--host=muc02", "--site={site}", "--phase=later"],
            "--phase=later: not a phase",
        ),
        (["--account=kmos", "--site={site}"], "--account=kmos: the site"),
        (["--account=giraffe", "--site={missing}"], "cannot read the site file"),
    ],
)
def test_a_bad_command_line_is_one_clear_line(
    args: list[str], message: str, clean_site: Path, tmp_path: Path
) -> None:
    done = run_pytest(*(a.format(site=clean_site, missing=tmp_path / "none.toml") for a in args))
    assert done.returncode == 4
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_the_wrong_host_names_the_right_one(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        '[hosts.muc01]\nurl = "local://"\n[hosts.muc02]\nurl = "local://"\n[hosts.dfo23]\nurl = "local://"\n'
        '[accounts.giraffe]\nmuc = "muc02"\nops = "dfo23"\n'
    )
    done = run_pytest("--account=giraffe", "--host=muc01", f"--site={site}")
    assert "giraffe is placed on muc02; use --host=muc02" in done.stderr


def test_a_broken_site_file_names_the_file_and_key(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(
        '[hosts.muc02]\nurl = "local://"\n[accounts.giraffe]\nmuc = "muc02"\nops = "dfo99"\n'
    )
    done = run_pytest("--account=giraffe", f"--site={site}")
    assert done.returncode == 4
    assert (
        f"{site}: accounts.giraffe.ops: names host 'dfo99', which is not under [hosts]"
        in done.stderr
    )


def test_the_project_tests_need_no_site() -> None:
    done = run_pytest("tests/test_site.py", "-q")
    assert done.returncode == 0, done.stdout[-2000:]


def test_serial_and_parallel_runs_give_the_same_rows(clean_site: Path, tmp_path: Path) -> None:
    serial = verify(clean_site, "giraffe,uves", tmp_path / "serial", workers=0)
    parallel = verify(clean_site, "giraffe,uves", tmp_path / "parallel", workers=2)
    assert serial.returncode == parallel.returncode == 0, parallel.output[-2000:]
    for account in ("giraffe", "uves"):
        assert serial.statuses(account) == parallel.statuses(account)
        assert len(serial.results(account)["checks"]) == len(parallel.results(account)["checks"])


def test_a_check_of_a_later_phase_is_not_run_and_not_required(
    clean_site: Path, tmp_path: Path
) -> None:
    run = verify(clean_site, "giraffe", tmp_path, "--phase=setup")
    rows = {row["check"]: row for row in run.results("giraffe")["checks"]}
    assert rows["rc.dbrc-hosts"]["status"] == "not-run"
    assert rows["rc.dbrc-hosts"]["required"] is False
    assert rows["host.cores"]["status"] == "passed"


def test_a_check_that_does_not_fit_the_account_is_not_applicable(
    clean_site: Path, tmp_path: Path
) -> None:
    run = verify(clean_site, "giraffe", tmp_path)
    row = next(r for r in run.results("giraffe")["checks"] if r["check"] == "rc.qcrc-cluster-roots")
    assert row["status"] == "not-applicable"
    assert "not a QC-cluster account" in row["message"]


def test_a_deselected_check_leaves_the_run_incomplete(clean_site: Path, tmp_path: Path) -> None:
    run = verify(clean_site, "giraffe", tmp_path, "-k", "not cores")
    results = run.results("giraffe")
    assert results["verdict"] == "INCOMPLETE"
    row = next(r for r in results["checks"] if r["check"] == "host.cores")
    assert row["status"] == "not-run"


CRAFTED = """
import os
from pytest_mucverify import check

@check("host.cores")
def test_cores(account):
    {body}
"""


@pytest.mark.parametrize(
    ("body", "workers", "problem"),
    [
        ("raise KeyboardInterrupt", "0", "interrupted"),
        ("os._exit(3)", "2", "crashed"),
    ],
    ids=["ctrl-c", "worker-crash"],
)
def test_an_interrupted_run_is_incomplete(
    body: str, workers: str, problem: str, clean_site: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_crafted.py").write_text(textwrap.dedent(CRAFTED.format(body=body)))
    reports = tmp_path / "reports"
    run_pytest(
        str(tmp_path / "test_crafted.py"),
        "--account=giraffe",
        f"--site={clean_site}",
        f"--reports-dir={reports}",
        "-n",
        workers,
        cwd=tmp_path,
    )
    results = json.loads((reports / "giraffe" / "muc02" / "results.json").read_text())
    assert results["verdict"] == "INCOMPLETE"
    assert results["complete"] is False
    assert any(problem in reason for reason in results["verdict_reasons"])


def test_an_rc_file_bash_cannot_source_is_a_failed_row(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=2)
    rc = tmp_path / "site" / "home" / "giraffe" / ".dfosrc_muc"
    rc.write_text(rc.read_text() + "if then fi (\n")
    run = verify(site, "giraffe", tmp_path)
    row = next(r for r in run.results("giraffe")["checks"] if r["check"] == "rc.muc-variables")
    assert row["status"] == "failed"
    assert any("syntax error" in item for item in row["evidence"])


def test_binary_garbage_in_dbrc_is_an_error_row_with_the_reason(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=2)
    (tmp_path / "site" / "home" / "giraffe" / ".dbrc").write_bytes(b"\xff\xfe\x00garbage\x80")
    run = verify(site, "giraffe", tmp_path)
    row = next(r for r in run.results("giraffe")["checks"] if r["check"] == "rc.dbrc-hosts")
    assert row["status"] == "error"
    assert "not UTF-8" in row["message"]


def test_a_missing_rc_file_is_an_error_row_and_the_run_goes_on(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=2, phase="verification")
    (tmp_path / "site" / "home" / "giraffe" / ".dfosrc_muc").unlink()
    run = verify(site, "giraffe", tmp_path, "--phase=verification")
    statuses = run.statuses("giraffe")
    assert statuses["rc.muc-variables"] == "error"
    assert statuses["host.cores"] == "passed"
    row = next(r for r in run.results("giraffe")["checks"] if r["check"] == "rc.muc-variables")
    assert ".dfosrc_muc: cannot be read" in row["message"]


def test_a_host_that_does_not_answer_is_an_error_row(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=2)
    hostname = tmp_path / "site" / "hosts" / "dfo23" / "bin" / "hostname"
    hostname.write_text("#!/bin/sh\nsleep 30\n")
    toml = tmp_path / "site" / "site.toml"
    toml.write_text(
        toml.read_text().replace(
            '[hosts.dfo23]\nurl = "local://"', '[hosts.dfo23]\nurl = "local://"\ntimeout = 1'
        )
    )
    run = verify(site, "giraffe", tmp_path)
    row = next(r for r in run.results("giraffe")["checks"] if r["check"] == "host.ops-reachable")
    assert row["status"] == "error"
    assert "dfo23: hostname did not answer within 1 s" in row["message"]
    assert run.results("giraffe")["verdict"] == "NOT READY"


def test_no_report_shows_the_dbrc_password(tmp_path: Path) -> None:
    site = build_site(
        tmp_path / "site", accounts=("giraffe",), nights=2, faults=("dbrc-old-blade",)
    )
    run = verify(site, "giraffe", tmp_path, "--junitxml", str(tmp_path / "reports" / "junit.xml"))
    written = [p for p in (tmp_path / "reports").rglob("*") if p.is_file()]
    assert written
    for path in written:
        assert "demo-secret" not in path.read_text(errors="replace"), path
    assert "demo-secret" not in run.output


def test_the_plain_report_shows_verdict_and_evidence(tmp_path: Path) -> None:
    site = build_site(
        tmp_path / "site", accounts=("giraffe",), nights=2, faults=("data-dir-not-sticky",)
    )
    run = verify(site, "giraffe", tmp_path)
    html = (run.reports / "giraffe" / "muc02" / "certification.html").read_text()
    assert "NOT READY" in html
    assert "/data/giraffe/logs mode" in html
    assert "disk.sticky-bit" in html


def test_after_the_switch_dfosrc_muc_may_be_gone(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=8)
    home = tmp_path / "site" / "home" / "giraffe"
    (home / ".dfosrc_muc").unlink()
    crontab = tmp_path / "site" / "hosts" / "muc02" / "crontabs" / "giraffe"
    crontab.write_text(crontab.read_text().replace(" -r .dfosrc_muc", ""))
    clean = verify(site, "giraffe", tmp_path / "clean")
    assert clean.results("giraffe")["verdict"] == "READY", clean.output[-2000:]
    (home / ".dfosrc").write_text(
        (home / ".dfosrc").read_text() + "export DFO_SPARE=/diska/data/giraffe/spare\n"
    )
    stale = verify(site, "giraffe", tmp_path / "stale")
    row = next(r for r in stale.results("giraffe")["checks"] if r["check"] == "rc.switched")
    assert row["status"] == "failed"
    assert row["evidence"] == ["DFO_SPARE=/diska/data/giraffe/spare  physical prefix /diska"]


def test_the_readme_command_runs_on_the_built_in_demo(tmp_path: Path) -> None:
    done = run_pytest(
        "--account=giraffe", "--host=muc02", "--site=demo", "-n", "2", f"--reports-dir={tmp_path}"
    )
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((tmp_path / "giraffe" / "muc02" / "results.json").read_text())
    assert results["verdict"] == "READY"
    assert (tmp_path / "giraffe" / "muc02" / "certification.html").is_file()
    assert "giraffe on muc02 (operational): READY" in done.stdout
