"""Bad input and hostile names: a clear line or row with the reason, never a crash, never a pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import build_site, verify


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("bad") / "site", accounts=("giraffe",))


def pytest_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_an_unknown_phase_with_the_demo_site_is_a_usage_error(tmp_path: Path) -> None:
    done = pytest_run("--account=giraffe", "--site=demo", "--phase=prod", cwd=tmp_path)
    assert done.returncode == 4
    assert "--phase=prod: not a phase" in done.stderr
    assert "INTERNALERROR" not in done.stdout + done.stderr


def test_a_reports_dir_under_a_file_is_a_usage_error(site: Path, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a folder\n")
    done = pytest_run(
        "--account=giraffe", f"--site={site}", f"--reports-dir={tmp_path / 'plain' / 'r'}",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 4
    assert "is a file, not a folder" in done.stderr
    assert "INTERNALERROR" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "blocked", ["results.json", "history"], ids=["results-dir", "history-file"]
)
def test_a_report_that_cannot_be_written_is_one_clear_line(
    blocked: str, site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "reports" / "giraffe" / "muc02"
    folder.mkdir(parents=True)
    if blocked == "results.json":
        (folder / blocked).mkdir()
    else:
        (folder / blocked).write_text("a leftover file\n")
    run = verify(site, "giraffe", tmp_path)
    assert run.returncode == 1
    assert "cannot write the reports of giraffe" in run.output
    assert "INTERNALERROR" not in run.output and "Traceback" not in run.output
    assert not list(folder.glob(".*.tmp"))


def test_hostile_file_names_are_shown_escaped_and_json_and_html_agree(tmp_path: Path) -> None:
    """A name that is not UTF-8 and one with an ANSI escape, both on the old blade where the
    muc lacks them: the run does not crash, under xdist either, and every output shows them
    escaped."""
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    logs = tmp_path / "site/hosts/dfo23/diska/data/giraffe/logs/2013-02-18"
    os.makedirs(logs, exist_ok=True)
    with open(os.path.join(os.fsencode(logs), b"caf\xe9.log"), "wb") as handle:
        handle.write(b"a log the muc never got\n")
    (logs / "red\x1b[31m.log").write_text("another\n")
    run = verify(site, "giraffe", tmp_path, workers=2)
    assert "INTERNALERROR" not in run.output, run.output[-3000:]
    assert "\x1b[31m" not in run.output
    results = run.results("giraffe")
    assert results["verdict"] == "NOT READY"
    evidence = [
        line
        for row in results["checks"]
        if row["check"].startswith("migration.") and row["status"] == "failed"
        for line in row["evidence"]
    ]
    assert any("caf\\xe9.log" in line for line in evidence), evidence
    assert any("red\\x1b[31m.log" in line for line in evidence), evidence
    html = (tmp_path / "reports/giraffe/muc02/certification.html").read_text()
    assert "NOT READY" in html and "caf\\xe9.log" in html and "\x1b" not in html
    json.loads((tmp_path / "reports/giraffe/muc02/results.json").read_text())


def test_secrets_never_reach_any_output(tmp_path: Path) -> None:
    """Secrets planted where findings quote them: an xv call with its password on a cron line, a
    cron line cron refuses with a mysql password, the .dbrc password itself on a cron line, and
    an rc assignment bash complains about. Every check still fails where it should; no output
    shows a secret."""
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    home = tmp_path / "site/home/giraffe"
    dbrc_password = "demo-secret-giraffe-Pw0"
    assert dbrc_password in (home / ".dbrc").read_text()
    crontab = tmp_path / "site/hosts/muc02/crontabs/giraffe"
    crontab.write_text(
        crontab.read_text()
        + "*/10 * * * * xv -pw xvSecret77 /tmp/a.png\n"
        + "61 * * * * mysql -pMysqlSecret42 -e 'select 1'\n"
        + f"0 5 * * * /home/giraffe/bin/qc_db_check {dbrc_password}\n"
    )
    rc = home / ".dfosrc_muc"
    rc.write_text(rc.read_text() + "export DB_PASSWD2=RcSecret99 (\n")
    run = verify(
        site, "giraffe", tmp_path, f"--junitxml={tmp_path / 'junit.xml'}",
        f"--html={tmp_path / 'run.html'}", "-rA",
    )  # fmt: skip
    results = run.results("giraffe")
    failed = {row["check"] for row in results["checks"] if row["status"] in ("failed", "error")}
    assert {"rc.no-xv", "cron.syntax", "rc.muc-variables"} <= failed
    outputs = {"terminal": run.output}
    for path in [tmp_path / "junit.xml", tmp_path / "run.html", *tmp_path.glob("reports/**/*")]:
        if path.is_file():
            outputs[str(path)] = path.read_text(errors="replace")
    for secret in ("xvSecret77", "MysqlSecret42", dbrc_password, "RcSecret99"):
        assert [where for where, text in outputs.items() if secret in text] == [], secret
    assert "[redacted]" in outputs["terminal"]
