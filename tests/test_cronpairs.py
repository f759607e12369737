"""A tool's cron lines on the muc against the old blade's."""

from __future__ import annotations

from datetime import datetime

import pytest

from pytest_mucverify.dfos.croncalls import invocations, runs_tool
from pytest_mucverify.dfos.cronpairs import Line, doubled, line_differences
from pytest_mucverify.dfos.crontab import parse_crontab

START = datetime(2013, 2, 18)
TOOL = "/home/giraffe/bin/dfosCron -t calChecker"
OLD = f"*/30 * * * * {TOOL}\n15 6 * * * {TOOL} -F\n"
MUC = f"15,45 * * * * {TOOL} -r .dfosrc_muc\n30 6 * * * {TOOL} -F -r .dfosrc_muc\n"


def lines(text: str) -> list[Line]:
    crontab = parse_crontab(text)
    return [
        (entry, argv)
        for entry in crontab.entries
        for argv in runs_tool(invocations(entry.command), "calChecker")
    ]


def test_the_plans_lines_agree_staggered() -> None:
    assert line_differences("calChecker", lines(MUC), lines(OLD), START, staggered=True) == []
    assert doubled("calChecker", lines(MUC), START, "muc02") == []


@pytest.mark.parametrize(
    ("muc", "why"),
    [
        (MUC + f"15,45 * * * * {TOOL} -r .dfosrc_muc\n", "calChecker: 2 line(s) on the muc"),
        (MUC.replace("15,45 * * * *", "15,45 * 30 2 *"), "calChecker: runs on 0 days of 1461"),
        (MUC.replace("15,45 * * * *", "@reboot"), "calChecker: runs on 0 days of 1461"),
        (MUC.replace("15,45 * * * *", "15,45 8-18 * * *"), "calChecker: 22 runs a day"),
        (MUC.replace("30 6 * * *", "30 6 * 1-2 *"), "calChecker -F: runs on 237 days of 1461"),
    ],
)
def test_lines_that_are_not_the_old_ones_differ(muc: str, why: str) -> None:
    found = line_differences("calChecker", lines(muc), lines(OLD), START, staggered=False)
    assert len(found) == 1
    assert found[0].startswith(why)


def test_the_same_minutes_count_only_before_the_switch() -> None:
    muc = MUC.replace("15,45 * * * *", "0,30 * * * *")
    found = line_differences("calChecker", lines(muc), lines(OLD), START, staggered=True)
    assert len(found) == 1 and "run at the same minutes" in found[0]
    assert line_differences("calChecker", lines(muc), lines(OLD), START, staggered=False) == []


def test_one_line_twice_at_a_minute_is_doubled() -> None:
    muc = MUC + f"45 * * * * {TOOL} -r.dfosrc_muc\n"
    assert doubled("calChecker", lines(muc), START, "muc02") == [
        "muc02 lines 1 and 3: calChecker twice at the same minute (15,45 * * * *; 45 * * * *)"
    ]
    apart = MUC + f"0 * * * * {TOOL} -r.dfosrc_muc\n"
    assert doubled("calChecker", lines(apart), START, "muc02") == []
