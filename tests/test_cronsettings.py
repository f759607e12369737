"""Crontab settings cron applies to every job below them."""

from __future__ import annotations

import pytest

from pytest_mucverify.dfos.cronsettings import setting_problems, zone_differences
from pytest_mucverify.dfos.crontab import parse_crontab

HOME = "/home/giraffe"
JOB = "0 8-18 * * * /home/giraffe/bin/dfosCron -t autoDaily -r .dfosrc_muc\n"


@pytest.mark.parametrize("shell", ["/bin/false", "/sbin/nologin", "/bin/csh", "bash", "/bin/true"])
def test_a_shell_that_does_not_read_sh_commands_stops_every_job(shell: str) -> None:
    problems = setting_problems(parse_crontab(f"SHELL={shell}\n{JOB}"), HOME)
    assert len(problems) == 1
    assert problems[0].startswith(f"line 1: SHELL={shell}: cron runs 1 job(s) from line 2")


@pytest.mark.parametrize("shell", ["/bin/sh", "/bin/bash", "/usr/bin/ksh"])
def test_a_shell_of_the_sh_family_is_fine(shell: str) -> None:
    assert setting_problems(parse_crontab(f"SHELL={shell}\n{JOB}"), HOME) == []


def test_a_setting_no_job_gets_is_harmless() -> None:
    text = f"SHELL=/bin/false\nSHELL=/bin/bash\n{JOB}HOME=/home/uves\n"
    assert setting_problems(parse_crontab(text), HOME) == []


def test_another_accounts_home_is_refused_and_the_own_one_taken() -> None:
    assert setting_problems(parse_crontab(f"HOME=/home/giraffe/\n{JOB}"), HOME) == []
    (problem,) = setting_problems(parse_crontab(f"HOME=/home/uves\n{JOB}"), HOME)
    assert problem.startswith("line 1: HOME=/home/uves: 1 job(s) from line 2 start in another home")


def test_a_time_zone_the_old_blade_does_not_use_shifts_the_jobs() -> None:
    old = parse_crontab(f"#{JOB}")
    (problem,) = zone_differences(
        parse_crontab(f"CRON_TZ=America/Santiago\n{JOB}"), old, "muc02", "dfo23"
    )
    assert problem == (
        "muc02 line 2: CRON_TZ=America/Santiago, on the old blade dfo23: no CRON_TZ or TZ:"
        " every time of the job is shifted"
    )
    utc = parse_crontab(f"CRON_TZ=UTC\n{JOB}")
    assert zone_differences(utc, parse_crontab(f"CRON_TZ=UTC\n{JOB}"), "muc02", "dfo23") == []
    assert len(zone_differences(parse_crontab(JOB), utc, "muc02", "dfo23")) == 1
    assert zone_differences(parse_crontab(f"TZ=UTC\n{JOB}"), old, "muc02", "dfo23") != []
    assert zone_differences(utc, parse_crontab(""), "muc02", "dfo23") == []
