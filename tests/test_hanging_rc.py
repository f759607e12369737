"""A muc rc file that hangs when bash sources it costs one timeout: the failure is kept like an
answer, for every check that asks for the environment however it names the file, and each check's
error row is made from it at once.

The sourcing attempts are counted by the rc file itself rather than by the wall clock of a loaded
machine: its first line appends to a file, its second sleeps.
"""

from __future__ import annotations

import shlex
import traceback
from pathlib import Path

import pytest
from helpers import build_site, verify

from pytest_mucverify.blade import BladeError
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.runplan import make_plan
from pytest_mucverify.site import load_site

TIMEOUT = 2


@pytest.fixture
def hanging_rc(tmp_path: Path) -> tuple[Path, Path]:
    """A demo site whose muc rc hangs (and says each time it is sourced), and that count's file."""
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    attempts = tmp_path / "sourced"
    rc = site.parent / "home" / "giraffe" / ".dfosrc_muc"
    rc.write_text(f"echo sourced >> {shlex.quote(str(attempts))}\nsleep 1000\n{rc.read_text()}")
    text = site.read_text()
    assert "\ntimeout = 20\n" in text
    site.write_text(text.replace("\ntimeout = 20\n", f"\ntimeout = {TIMEOUT}\n", 1))
    return site, attempts


def sourcings(attempts: Path) -> int:
    return len(attempts.read_text().splitlines()) if attempts.exists() else 0


def test_a_hanging_muc_rc_is_sourced_once_in_a_whole_run(
    hanging_rc: tuple[Path, Path], tmp_path: Path
) -> None:
    site, attempts = hanging_rc
    run = verify(site, "giraffe", tmp_path, workers=0)
    results = run.results("giraffe")
    errors = [row for row in results["checks"] if row["status"] == "error"]
    assert results["verdict"] == "NOT READY"
    assert len(errors) > 20  # every check that needs the muc's environment
    assert {row["message"] for row in errors} == {
        f"muc02: sourcing .qcrc, /home/giraffe/.dfosrc_muc did not finish within {TIMEOUT} s"
    }
    assert "Traceback" not in run.output
    assert sourcings(attempts) == 1


def test_the_kept_failure_is_raised_anew_for_each_check(hanging_rc: tuple[Path, Path]) -> None:
    """Raising the kept exception itself again would add the frames of every check that asked to
    its traceback, which pytest formats for each row: a run of many checks slowed down
    quadratically. Each check gets an error of its own, with only its own frames."""
    site, attempts = hanging_rc
    plan = make_plan(load_site(site), ["giraffe"], None, None, "operational", site.parent)
    account = AccountUnderTest(plan, plan.target("giraffe"))
    raised: list[BladeError] = []
    for rc in (".dfosrc_muc", account.home_file(".dfosrc_muc"), ".dfosrc_muc"):
        with pytest.raises(BladeError) as caught:
            account.environment(account.muc, ".qcrc", rc)
        raised.append(caught.value)
    assert sourcings(attempts) == 1  # the file by its name and by its path: one answer
    assert len({id(error) for error in raised}) == len(raised)
    assert len({str(error) for error in raised}) == 1
    depths = [len(list(traceback.walk_tb(error.__traceback__))) for error in raised]
    assert depths[-1] == depths[0], depths
