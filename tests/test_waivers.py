"""Waivers: the file, its errors, validity and expiry, and what a waiver does to a run's rows."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, build_site, verify

from pytest_mucverify.report.rows import ERROR, FAILED, NOT_RUN, PASSED, WAIVED, ResultRow
from pytest_mucverify.report.waivers import (
    WAIVED_PREFIX,
    WaiverError,
    apply_waiver,
    load_waivers,
    waiver_summary,
)

CHECKS = ("disk.sticky-bit", "disk.owner", "fits.stray", "ab.clean-paths")
ACCOUNTS = ("giraffe", "uves")
ENTRY = """
[[waiver]]
check = "{check}"
account = "giraffe"
justification = "logs/ is rewritten by the archive sync until March; ticket DFO-4711"
approver = "R. Hanuschik"
expires = {expires}
runs = {runs}
"""


def waiver_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.toml"
    path.write_text(text)
    return path


def entry(check: str = "disk.sticky-bit", expires: str = "2099-12-31", runs: str = "true") -> str:
    return ENTRY.format(check=check, expires=expires, runs=runs)


def row(status: str, check: str = "disk.sticky-bit", account: str = "giraffe") -> ResultRow:
    return ResultRow(
        account=account,
        host="muc02",
        ops_host="dfo23",
        check=check,
        phase="setup",
        section="I.3",
        title="every /data directory of the account has the sticky bit",
        status=status,
        message="1 /data directories without the sticky bit",
        evidence=["/data/giraffe/logs mode 775"],
        nodeid=f"suites/test_disk.py::test_sticky[{account}]",
    )


# ---- the file ---------------------------------------------------------------------------------


def test_a_complete_waiver_file_is_read(tmp_path: Path) -> None:
    path = waiver_file(tmp_path, entry() + entry("ab.*", "2013-03-31", "false"))
    waivers = load_waivers(path, CHECKS, ACCOUNTS)
    first, second = waivers.waivers
    assert (first.index, first.check, first.account, first.runs) == (
        1,
        "disk.sticky-bit",
        "giraffe",
        True,
    )
    assert first.approver == "R. Hanuschik"
    assert first.expires == dt.date(2099, 12, 31)
    assert (second.check, second.expires, second.runs) == ("ab.*", dt.date(2013, 3, 31), False)


def test_runs_defaults_to_true_so_the_failure_is_still_shown(tmp_path: Path) -> None:
    text = entry().replace("runs = true\n", "")
    assert load_waivers(waiver_file(tmp_path, text)).waivers[0].runs is True


@pytest.mark.parametrize("missing", ["justification", "approver", "expires"])
def test_a_waiver_without_a_required_field_names_the_file_and_entry(
    missing: str, tmp_path: Path
) -> None:
    lines = [
        line for line in entry("fits.stray").splitlines() if not line.startswith(f"{missing} =")
    ]
    path = waiver_file(tmp_path, entry() + "\n".join(lines) + "\n")
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, CHECKS, ACCOUNTS)
    assert str(caught.value) == f"{path}: waiver 2 (check 'fits.stray'): {missing} is missing"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (entry().replace('approver = "R. Hanuschik"', 'approver = "  "'), "approver is missing"),
        (entry(expires='"next spring"'), "expires must be a date YYYY-MM-DD, not 'next spring'"),
        (entry(runs='"yes"'), "runs must be true or false, not 'yes'"),
        (entry() + "expiry = 2013-03-31\n", "unknown key 'expiry'"),
        (entry("disk.stiky-bit"), "check 'disk.stiky-bit' matches no check of the catalogue"),
        (
            entry().replace('account = "giraffe"', 'account = "kmos"'),
            "account 'kmos' matches no account of the site",
        ),
    ],
    ids=["blank-approver", "bad-date", "bad-runs", "typo-key", "unknown-check", "unknown-account"],
)
def test_a_bad_entry_is_one_line_naming_it(text: str, problem: str, tmp_path: Path) -> None:
    path = waiver_file(tmp_path, text)
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, CHECKS, ACCOUNTS)
    message = str(caught.value)
    assert message.startswith(f"{path}: waiver 1 (check ")
    assert problem in message
    assert "\n" not in message


def test_a_broken_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(WaiverError, match="not valid TOML"):
        load_waivers(waiver_file(tmp_path, "[[waiver]\n"))
    with pytest.raises(WaiverError, match="cannot read the waiver file"):
        load_waivers(tmp_path / "absent.toml")
    with pytest.raises(WaiverError, match=r"unknown top-level key 'waivers'"):
        load_waivers(waiver_file(tmp_path, "[[waivers]]\ncheck = 'x'\n"))


# ---- validity and expiry ----------------------------------------------------------------------


def test_a_waiver_is_valid_through_its_expiry_day_and_not_after(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, entry(expires="2013-03-31")))
    assert apply_waiver(row(FAILED), waivers, dt.date(2013, 3, 31)).status == WAIVED
    late = apply_waiver(row(FAILED), waivers, dt.date(2013, 4, 1))
    assert late.status == FAILED
    assert late.waiver is not None and late.waiver["state"] == "expired"


def test_a_waived_failure_is_waived_not_passed_and_keeps_its_evidence(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, entry()))
    waived = apply_waiver(row(FAILED), waivers, dt.date(2013, 3, 1))
    assert waived.status == WAIVED
    assert waived.evidence == ["/data/giraffe/logs mode 775"]
    assert waived.message == "1 /data directories without the sticky bit"
    assert waived.waiver is not None
    assert waived.waiver["approver"] == "R. Hanuschik"
    assert waived.waiver["state"] == "valid"
    assert apply_waiver(row(ERROR), waivers, dt.date(2013, 3, 1)).status == WAIVED


def test_a_waiver_leaves_passed_rows_and_other_checks_and_accounts_alone(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, entry()))
    day = dt.date(2013, 3, 1)
    passed = apply_waiver(row(PASSED), waivers, day)
    assert (passed.status, passed.waiver) == (PASSED, None)
    assert apply_waiver(row(FAILED, check="disk.owner"), waivers, day).status == FAILED
    assert apply_waiver(row(FAILED, account="uves"), waivers, day).status == FAILED


def test_a_glob_covers_every_check_it_matches(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, entry("disk.*")), CHECKS, ACCOUNTS)
    assert (
        apply_waiver(row(FAILED, check="disk.owner"), waivers, dt.date(2013, 3, 1)).status == WAIVED
    )
    assert (
        apply_waiver(row(FAILED, check="fits.stray"), waivers, dt.date(2013, 3, 1)).status == FAILED
    )


def test_a_valid_waiver_wins_over_an_expired_one(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, entry(expires="2013-01-31") + entry()))
    waived = apply_waiver(row(FAILED), waivers, dt.date(2013, 3, 1))
    assert waived.status == WAIVED
    assert waived.waiver is not None and waived.waiver["entry"] == 2


def test_a_not_running_waiver_skips_the_check_only_while_valid(tmp_path: Path) -> None:
    waivers = load_waivers(waiver_file(tmp_path, entry(expires="2013-03-31", runs="false")))
    reason = waivers.skip_reason("disk.sticky-bit", "giraffe", dt.date(2013, 3, 31))
    assert reason is not None and reason.startswith(WAIVED_PREFIX)
    assert "R. Hanuschik" in reason
    assert waivers.skip_reason("disk.sticky-bit", "giraffe", dt.date(2013, 4, 1)) is None
    assert waivers.skip_reason("disk.owner", "giraffe", dt.date(2013, 3, 1)) is None


def test_a_row_skipped_as_waived_without_a_valid_waiver_is_not_run(tmp_path: Path) -> None:
    """The controller decides: a worker's waived row needs a valid not-running waiver there."""
    waivers = load_waivers(waiver_file(tmp_path, entry(expires="2013-03-31", runs="false")))
    kept = apply_waiver(row(WAIVED), waivers, dt.date(2013, 3, 1))
    assert kept.status == WAIVED
    assert kept.waiver is not None and kept.waiver["runs"] is False
    late = apply_waiver(row(WAIVED), waivers, dt.date(2013, 4, 1))
    assert late.status == NOT_RUN


def test_the_summary_lists_expired_waivers_and_what_each_covers(tmp_path: Path) -> None:
    text = entry() + entry("fits.*", "2013-01-31")
    waivers = load_waivers(waiver_file(tmp_path, text))
    day = dt.date(2013, 3, 1)
    rows = [apply_waiver(row(FAILED), waivers, day), row(PASSED, check="fits.stray")]
    listed = waiver_summary(waivers, "giraffe", rows, day)
    assert [(w["check"], w["state"], w["covered"]) for w in listed] == [
        ("disk.sticky-bit", "valid", 1),
        ("fits.*", "expired", 0),
    ]
    assert waiver_summary(waivers, "uves", rows, day) == []


# ---- whole runs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """giraffe with one fault: the muc's logs directory lost its sticky bit."""
    return build_site(
        tmp_path_factory.mktemp("waivers") / "site",
        accounts=("giraffe",),
        nights=2,
        faults=("data-dir-not-sticky",),
    )


def site_with_waivers(site: Path, name: str, text: str) -> Path:
    """A copy of the site file, in the same folder (so its folders hold), naming a waiver file."""
    (site.parent / f"{name}.waivers.toml").write_text(text)
    copy = site.parent / f"{name}.toml"
    copy.write_text(
        site.read_text().replace("[site]\n", f'[site]\nwaivers = "{name}.waivers.toml"\n', 1)
    )
    return copy


def sticky_row(results: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in results["checks"] if r["check"] == "disk.sticky-bit")


def test_a_run_counts_a_waived_failure_as_waived(faulty_site: Path, tmp_path: Path) -> None:
    site = site_with_waivers(faulty_site, "runs", entry())
    run = verify(site, "giraffe", tmp_path)
    results = run.results("giraffe")
    row = sticky_row(results)
    assert row["status"] == "waived"
    assert row["evidence"] == ["/data/giraffe/logs mode 775"]
    assert row["waiver"]["justification"].startswith("logs/ is rewritten")
    assert results["counts"]["waived"] == 1
    assert results["counts"]["passed"] > 0
    assert results["verdict"] == "READY", results["verdict_reasons"]
    assert "READY (1 waived)" in run.output
    html = (run.reports / "giraffe" / "muc02" / "certification.html").read_text()
    assert "R. Hanuschik" in html and "DFO-4711" in html


def test_a_not_running_waiver_keeps_the_check_from_running_on_every_worker(
    faulty_site: Path, tmp_path: Path
) -> None:
    site = site_with_waivers(faulty_site, "skip", entry(runs="false"))
    run = verify(site, "giraffe", tmp_path, "-k", "disk", workers=1)
    row = sticky_row(run.results("giraffe"))
    assert row["status"] == "waived"
    assert row["message"].startswith("not run: logs/ is rewritten")
    assert row["evidence"] == []
    assert row["waiver"]["runs"] is False


def test_an_expired_waiver_covers_nothing_and_is_shown(faulty_site: Path, tmp_path: Path) -> None:
    site = site_with_waivers(faulty_site, "expired", entry(expires="2013-03-31"))
    run = verify(site, "giraffe", tmp_path, "-k", "disk")
    results = run.results("giraffe")
    row = sticky_row(results)
    assert row["status"] == "failed"
    assert row["waiver"]["state"] == "expired"
    assert results["waivers"][0]["state"] == "expired"
    assert results["counts"]["waived"] == 0
    html = (run.reports / "giraffe" / "muc02" / "partial-certification.html").read_text()
    assert "waiver 1 expired on 2013-03-31" in html


def test_an_invalid_waiver_file_stops_the_run_with_one_line(
    faulty_site: Path, tmp_path: Path
) -> None:
    text = entry().replace('approver = "R. Hanuschik"\n', "")
    site = site_with_waivers(faulty_site, "invalid", text)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:benchmark",
         "--account=giraffe", f"--site={site}", f"--reports-dir={tmp_path}"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 4
    waivers = site.parent / "invalid.waivers.toml"
    assert f"{waivers}: waiver 1 (check 'disk.sticky-bit'): approver is missing" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
