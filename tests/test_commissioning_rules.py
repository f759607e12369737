"""What the muc's ABs of the commissioning date say about the run that made them."""

from __future__ import annotations

import calendar
import datetime as dt

from pytest_mucverify.dfos.commissioning import made_problems

DATE = dt.date(2013, 2, 23)


def at(text: str) -> int:
    return calendar.timegm(dt.datetime.fromisoformat(text).timetuple()) * 1_000_000_000


def test_abs_of_one_run_after_the_night_are_fine() -> None:
    made = {"a.ab": at("2013-02-24 09:00"), "b.ab": at("2013-02-24 09:10")}
    assert made_problems(made, DATE) == []
    built_today = {"a.ab": at("2026-11-30 11:51")}
    assert made_problems(built_today, DATE) == []


def test_abs_written_before_the_night_began_are_copies() -> None:
    made = {"a.ab": at("2013-02-20 10:00"), "b.ab": at("2013-02-20 10:00")}
    assert made_problems(made, DATE) == [
        f"{path}: written 2013-02-20 10:00 UTC, before the night 2013-02-23 began: a copy, not"
        " an AB that autoDaily -D made on the muc"
        for path in ("a.ab", "b.ab")
    ]


def test_an_ab_older_than_the_run_was_taken_as_done() -> None:
    made = {"a.ab": at("2013-02-24 09:00"), "b.ab": at("2013-02-27 09:00")}
    (problem,) = made_problems(made, DATE)
    assert problem.startswith("a.ab: made 3 days, 0:00:00 before the date's newest AB")
