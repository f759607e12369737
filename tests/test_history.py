"""The nightly history: every run is kept (the newest 90), and "since the last run" comes from it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import build_site

from pytest_mucverify.report import history

CRAFTED = """
from pathlib import Path
from pytest_mucverify import check, examined

BROKEN = Path({flags!r})

@check("host.cores")
def test_cores(account):
    examined("commands answered", 1)
    assert not (BROKEN / "cores").exists(), "the muc offers only 4 cores"

@check("host.64bit")
def test_64bit(account):
    examined("commands answered", 1)
    assert not (BROKEN / "64bit").exists(), "the muc runs i686"
"""


def rows(**statuses: str) -> list[dict[str, Any]]:
    return [
        {"check": check, "nodeid": f"suites/test_x.py::test_{check}[giraffe-{check}]",
         "account": "giraffe", "status": status, "message": ""}
        for check, status in statuses.items()
    ]  # fmt: skip


def test_changes_sort_each_row_into_one_list() -> None:
    previous = {
        "started": "2013-02-22T07:30:00+00:00",
        "verdict": "NOT READY",
        "checks": rows(a="passed", b="failed", c="failed", d="error", e="passed", f="failed"),
    }
    current = rows(
        a="failed", b="passed", c="failed", d="failed", e="not-run", f="waived", g="error"
    )
    found = history.changes(previous, current)
    assert found is not None
    assert [e["check"] for e in found["started_failing"]] == ["a", "g"]
    assert [e["check"] for e in found["recovered"]] == ["b"]
    assert [e["check"] for e in found["still_failing"]] == ["c", "d"]
    assert [(e["check"], e["before"], e["after"]) for e in found["changed"]] == [
        ("e", "passed", "not-run"),
        ("f", "failed", "waived"),
    ]
    assert found["previous_verdict"] == "NOT READY"
    assert found["started_failing"][0]["label"] == "a"
    assert history.changes(None, current) is None


def test_a_row_without_a_test_is_keyed_by_its_check() -> None:
    assert history.row_key({"nodeid": "", "check": "host.cores"}) == "check:host.cores"


def test_the_history_keeps_the_newest_90(tmp_path: Path) -> None:
    start = dt.datetime(2013, 1, 1, 7, 30, tzinfo=dt.UTC)
    for day in range(95):
        history.store(tmp_path, "{}", start + dt.timedelta(days=day))
    kept = history.entries(tmp_path)
    assert len(kept) == history.KEEP == 90
    assert kept[0].name == "20130106T073000Z-results.json"
    assert kept[-1].name == "20130405T073000Z-results.json"


def test_two_runs_in_one_second_both_stay_in_order(tmp_path: Path) -> None:
    when = dt.datetime(2013, 2, 22, 7, 30, tzinfo=dt.UTC)
    first = history.store(tmp_path, '{"checks": [], "n": 1}', when)
    second = history.store(tmp_path, '{"checks": [], "n": 2}', when)
    assert history.entries(tmp_path) == [first, second]
    latest = history.latest(tmp_path)
    assert latest is not None and latest[1]["n"] == 2


def test_an_unreadable_entry_is_passed_over(tmp_path: Path) -> None:
    history.store(tmp_path, '{"checks": [], "n": 1}', dt.datetime(2013, 2, 21, tzinfo=dt.UTC))
    history.store(tmp_path, "{not json", dt.datetime(2013, 2, 22, tzinfo=dt.UTC))
    latest = history.latest(tmp_path)
    assert latest is not None and latest[1]["n"] == 1


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("history") / "site", accounts=("giraffe",), nights=2)


def test_nightly_runs_say_what_started_failing_recovered_and_still_fails(
    site: Path, tmp_path: Path
) -> None:
    flags = tmp_path / "broken"
    flags.mkdir()
    test_file = tmp_path / "test_crafted.py"
    test_file.write_text(textwrap.dedent(CRAFTED.format(flags=str(flags))))
    reports = tmp_path / "reports"
    folder = reports / "giraffe" / "muc02"

    def night(*broken: str) -> dict[str, Any]:
        for flag in flags.iterdir():
            flag.unlink()
        for name in broken:
            (flags / name).touch()
        subprocess.run(
            [sys.executable, "-m", "pytest", str(test_file), "-p", "no:cacheprovider",
             "-p", "no:benchmark", "--account=giraffe", f"--site={site}",
             f"--reports-dir={reports}"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        data: dict[str, Any] = json.loads((folder / "results.json").read_text())
        return data

    def checks(since: dict[str, Any], kind: str) -> list[str]:
        return [entry["check"] for entry in since[kind]]

    first = night()
    assert first["since_last_run"] is None
    second = night("cores")
    since = second["since_last_run"]
    assert checks(since, "started_failing") == ["host.cores"]
    assert since["previous_started"] == first["started"]
    third = night("cores", "64bit")
    since = third["since_last_run"]
    assert checks(since, "started_failing") == ["host.64bit"]
    assert checks(since, "still_failing") == ["host.cores"]
    fourth = night("64bit")
    since = fourth["since_last_run"]
    assert checks(since, "recovered") == ["host.cores"]
    assert checks(since, "still_failing") == ["host.64bit"]
    assert len(history.entries(folder / "history")) == 4
    html = (folder / "certification.html").read_text()
    since_html = html[html.index("Since the last run") : html.index('class="phases"')]
    assert "Recovered (1)" in since_html and "host.cores" in since_html
    assert "Still failing (1)" in since_html and "host.64bit" in since_html
