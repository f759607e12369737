from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from croniter import CroniterError, croniter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_mucverify.crontab_lint import main
from pytest_mucverify.dfos.crontab import (
    MACROS,
    CronEntry,
    CronEnv,
    Crontab,
    croniter_arguments,
    environment_for,
    fire_times,
    lint,
    parse_crontab,
    program_of,
    same_schedule,
    schedule_difference,
)

MONDAY = datetime(2024, 1, 1)  # a Monday


def one(line: str) -> CronEntry:
    tab = parse_crontab(line + "\n")
    assert tab.errors == (), tab.errors
    assert len(tab.entries) == 1
    return tab.entries[0]


def reason(line: str) -> str:
    tab = parse_crontab(line + "\n")
    assert tab.entries == ()
    assert len(tab.errors) == 1, tab.errors
    assert tab.errors[0].line == 1
    assert tab.errors[0].text == line
    return tab.errors[0].reason


def full(low: int, high: int) -> frozenset[int]:
    return frozenset(range(low, high + 1))


# --- accepted forms -------------------------------------------------------------------------


def test_comments_and_blank_lines_are_skipped() -> None:
    tab = parse_crontab("\n   \n\t\n# a comment\n   # indented comment\n0 5 * * * run\n")
    assert tab.errors == ()
    assert [e.line for e in tab.entries] == [6]


def test_five_fields_and_command() -> None:
    e = one("5 4 * * * /home/giraffe/bin/dfosCron -t calChecker  ")
    assert e.line == 1
    assert e.schedule == "5 4 * * *"
    assert e.command == "/home/giraffe/bin/dfosCron -t calChecker  "  # cron keeps trailing blanks
    assert e.stdin is None
    assert (e.minutes, e.hours) == (frozenset({5}), frozenset({4}))
    assert e.days == full(1, 31) and e.months == full(1, 12) and e.weekdays == full(0, 6)
    assert e.active and not e.reboot


def test_schedule_keeps_the_text_as_written() -> None:
    e = one("  */30\t*  * * *\tcalChecker")
    assert e.schedule == "*/30\t*  * * *"
    assert e.command == "calChecker"
    assert e.minutes == frozenset({0, 30})


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("*", full(0, 59)),
        ("7", {7}),
        ("0-4", {0, 1, 2, 3, 4}),
        ("1,2,5,9", {1, 2, 5, 9}),
        ("0-4,8-12", {0, 1, 2, 3, 4, 8, 9, 10, 11, 12}),
        ("*/15", {0, 15, 30, 45}),
        ("10-30/10", {10, 20, 30}),
        ("*/100", {0}),
        ("05", {5}),
        ("*,5", full(0, 59)),
        ("59", {59}),
    ],
)
def test_minute_forms(field: str, values: set[int]) -> None:
    assert one(f"{field} * * * * x").minutes == frozenset(values)


def test_hour_dom_month_ranges() -> None:
    e = one("0 0-23/2 1,15 1-12/3 * x")
    assert e.hours == frozenset(range(0, 24, 2))
    assert e.days == frozenset({1, 15})
    assert e.months == frozenset({1, 4, 7, 10})


@pytest.mark.parametrize("name", ["jan", "JAN", "Jan", "jAn"])
def test_month_names_any_case(name: str) -> None:
    assert one(f"0 0 1 {name} * x").months == frozenset({1})


def test_month_name_ranges_lists_and_steps() -> None:
    assert one("0 0 1 jan-jun/2 * x").months == frozenset({1, 3, 5})
    assert one("0 0 1 jul,DEC * x").months == frozenset({7, 12})


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("sun", {0}),
        ("SUN", {0}),
        ("7", {0}),
        ("0", {0}),
        ("0,7", {0}),
        ("mon-fri", {1, 2, 3, 4, 5}),
        ("Mon-Fri", {1, 2, 3, 4, 5}),
        ("5-7", {5, 6, 0}),
        ("1-7", {0, 1, 2, 3, 4, 5, 6}),
        ("sat,sun", {6, 0}),
        ("*/2", {0, 2, 4, 6}),
        ("7-7", {0}),
    ],
)
def test_weekday_forms_sunday_is_0_and_7(field: str, values: set[int]) -> None:
    assert one(f"0 0 * * {field} x").weekdays == frozenset(values)


def test_seven_and_zero_are_the_same_schedule() -> None:
    assert same_schedule(one("0 0 * * 7 x"), one("0 0 * * 0 x"), MONDAY)
    assert same_schedule(one("0 0 * * 7 x"), one("0 0 * * sun x"), MONDAY)


def test_star_flags() -> None:
    e = one("0 0 */2 * 1 x")
    assert e.dom_star and not e.dow_star
    e = one("0 0 1,15 * 5 x")
    assert not e.dom_star and not e.dow_star
    e = one("0 0 1 * * x")
    assert not e.dom_star and e.dow_star


# --- macros ---------------------------------------------------------------------------------


@pytest.mark.parametrize("macro", [m for m in MACROS if m != "reboot"])
def test_macros_expand_to_their_equivalent(macro: str) -> None:
    e = one(f"@{macro} run it")
    equivalent = one(f"{MACROS[macro]} run it")
    assert e.schedule == f"@{macro}"
    assert e.command == "run it"
    assert not e.reboot
    fields = ("minutes", "hours", "days", "months", "weekdays", "dom_star", "dow_star")
    assert [getattr(e, f) for f in fields] == [getattr(equivalent, f) for f in fields]
    assert same_schedule(e, equivalent, MONDAY, days=15 if macro in ("hourly", "daily") else 400)


def test_macro_sets() -> None:
    assert one("@weekly x").weekdays == frozenset({0})
    yearly = one("@yearly x")
    assert (yearly.days, yearly.months) == (frozenset({1}), frozenset({1}))
    hourly = one("@hourly x")
    assert hourly.minutes == frozenset({0}) and hourly.hours == full(0, 23)


def test_reboot() -> None:
    e = one("@reboot\t$HOME/bin/vnc_keepalive")
    assert e.reboot and e.schedule == "@reboot"
    assert e.command == "$HOME/bin/vnc_keepalive"
    assert not (e.minutes or e.hours or e.days or e.months or e.weekdays)
    assert fire_times(e, MONDAY, MONDAY + timedelta(days=7)) == []
    assert same_schedule(e, one("@reboot other"), MONDAY)
    assert not same_schedule(e, one("@daily x"), MONDAY)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("@every 5m x", "unknown macro '@every'"),
        ("@weekdays x", "unknown macro '@weekdays'"),
        ("@DAILY x", "macros are lower case"),
        ("@ x", "unknown macro '@'"),
        ("@daily", "without a command"),
        ("@daily   ", "without a command"),
        ("@reboot", "without a command"),
    ],
)
def test_bad_macros(line: str, words: str) -> None:
    assert words in reason(line)


# --- rejected forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("61 * * * * x", "bad minute: 61 is out of range 0-59"),
        ("60 * * * * x", "bad minute: 60 is out of range"),
        ("* 24 * * * x", "bad hour: 24 is out of range 0-23"),
        ("* * 0 * * x", "bad day-of-month: 0 is out of range 1-31"),
        ("* * 32 * * x", "bad day-of-month: 32"),
        ("* * * 0 * x", "bad month: 0 is out of range 1-12"),
        ("* * * 13 * x", "bad month: 13"),
        ("* * * * 8 x", "bad day-of-week: 8 is out of range 0-7"),
        ("50-70 * * * * x", "bad minute: 70 is out of range"),
        ("1-234/5678 * * * * x", "bad minute: 234 is out of range"),
        ("5/15 * * * * x", "a step needs a range or '*'"),
        ("0 0 1 jan/2 * x", "a step needs a range or '*'"),
        ("*/0 * * * * x", "zero step"),
        ("0-30/0 * * * * x", "zero step"),
        ("*/x * * * * x", "step 'x' is not a number"),
        ("5-1 * * * * x", "reversed range '5-1'"),
        ("0 0 * * fri-mon x", "reversed range"),
        ("0 0 * * mon-sun x", "sun is 0"),
        ("1,,2 * * * * x", "empty list element"),
        ("1, * * * * x", "empty list element"),
        ("1-2-3 * * * * x", "bad range"),
        ("0 0 1 January * x", "three-letter names ('jan')"),
        ("0 0 1 june * x", "three-letter names"),
        ("0 0 * * Monday x", "three-letter names ('mon')"),
        ("0 0 * * mo x", "unknown name 'mo'"),
        ("0 0 * * mon-5 x", "mixes a name and a number"),
        ("0 0 1 1-jun * x", "mixes a name and a number"),
        ("0 0 L * * x", "'L' (last) is not cron's"),
        ("0 0 15W * * x", "'W' (nearest weekday)"),
        ("0 0 LW * * x", "'L' (last)"),
        ("0 0 * * 5L x", "'L' (last)"),
        ("0 0 * * 1#2 x", "'#' (nth weekday"),
        ("0 0 ? * * x", "'?' is Quartz/croniter syntax"),
        ("H * * * * x", "'H' (hashed)"),
        ("H/15 * * * * x", "'H' (hashed)"),
        ("R * * * * x", "'R' (random)"),
        ("0~30 * * * * x", "'~'"),
        ("*x * * * * x", "'x' after '*'"),
        ("*-5 * * * * x", "'-5' after '*'"),
        ("jan * * * * x", "bad minute: 'jan' is not a number"),
        ("hello world", "bad minute: 'hello' is not a number"),
        ("0 0 * * *", "a time line without a command"),
        ("0 0 * * *   \t", "a time line without a command"),
        ("0 0 *", "3 of the five time fields"),
        ("0 0 * * * * x", "six time fields (seconds?) are not cron's"),
        ("0 0 * * * 30 /bin/x", "six time fields (seconds?) are not cron's"),
        ("*/5 * * * * *", "six time fields"),
        ("0 0 12 ? * MON cmd", "six time fields"),
        ("0 0 0 * * * 2024 cmd", "six time fields"),
        ("0 0 * * * *.sh", "the command starts with '*'"),
        ("-0 0 * * * x", "'-' (do not log)"),
        ("0 0 * * * cmd\r", "carriage return"),
        ("\r", "carriage return"),
        ('FOO="bar" baz', "bad minute"),
        ("0 0 * * *\x00 x", "NUL"),
    ],
)
def test_rejected(line: str, words: str) -> None:
    assert words in reason(line)


def test_six_field_rule_leaves_ordinary_commands_alone() -> None:
    assert one("0 0 * * * 7z a /tmp/x.7z /tmp/x").command.startswith("7z")
    assert one("0 0 * * * cat /etc/motd").command == "cat /etc/motd"
    assert one("0 0 * * * 2>&1 true").command == "2>&1 true"
    assert one("0 0 * * * [ -x /bin/x ] && /bin/x").command.startswith("[")


def test_an_error_does_not_stop_the_parse() -> None:
    tab = parse_crontab("0 0 * * * a\n61 * * * * b\nX=1\n0 1 * * * c\n")
    assert [e.line for e in tab.entries] == [1, 4]
    assert [(e.line, e.text) for e in tab.errors] == [(2, "61 * * * * b")]
    assert not tab.ok


def test_very_long_numbers() -> None:
    assert "out of range" in reason("9" * 5000 + " * * * * x")
    assert one("*/" + "9" * 5000 + " * * * * x").minutes == frozenset({0})
    assert one("0-" + "0" * 5000 + "5 * * * * x").minutes == frozenset(range(6))


def test_byte_order_mark() -> None:
    assert "byte-order mark" in parse_crontab("\ufeff0 0 * * * x\n").errors[0].reason


# --- environment lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        ("FOO=bar", "FOO", "bar"),
        ("FOO = bar", "FOO", "bar"),
        ('FOO = "bar baz"', "FOO", "bar baz"),
        ("FOO='  padded  '", "FOO", "  padded  "),
        ('FOO="x"   ', "FOO", "x"),
        ("FOO=bar baz   ", "FOO", "bar baz"),
        ('  MAILTO=""', "MAILTO", ""),
        ("FOO=", "FOO", ""),
        ("FOO =   ", "FOO", ""),
        ("A=b=c", "A", "b=c"),
        ("'SPACED NAME'=v", "SPACED NAME", "v"),
        ("PATH=/usr/bin:/bin:$HOME/bin", "PATH", "/usr/bin:/bin:$HOME/bin"),
        ("DISPLAY=:4", "DISPLAY", ":4"),
        ("@daily=x", "@daily", "x"),
    ],
)
def test_environment_lines(line: str, name: str, value: str) -> None:
    tab = parse_crontab(line + "\n")
    assert tab.errors == () and tab.entries == ()
    assert tab.environment == (CronEnv(1, name, value),)


def test_environment_is_recognised_before_an_entry_and_not_inside_one() -> None:
    tab = parse_crontab("* * * * * a=b\n")
    assert tab.environment == () and tab.entries[0].command == "a=b"
    for line in ['FOO="unterminated', 'FOO="a" junk', "FOO bar=baz", '"FOO=x"=y']:
        assert parse_crontab(line + "\n").environment == (), line


def test_env_accumulates_top_down() -> None:
    text = "A=1\nB=2\n0 0 * * * first\nA=3\n0 1 * * * second\nC=4\n"
    tab = parse_crontab(text)
    first, second = tab.entries
    assert tab.env(first.line) == {"A": "1", "B": "2"}
    assert tab.env(second.line) == {"A": "3", "B": "2"}


def test_environment_for_adds_cron_defaults() -> None:
    tab = parse_crontab("MAILTO=qc\nLOGNAME=someone\nUSER=else\n0 0 * * * x\n")
    env = environment_for(tab, tab.entries[0], "/home/giraffe", "giraffe")
    assert env == {
        "MAILTO": "qc",
        "LOGNAME": "giraffe",  # cron always sets LOGNAME and USER to the owner
        "USER": "giraffe",
        "SHELL": "/bin/sh",
        "HOME": "/home/giraffe",
        "PATH": "/usr/bin:/bin",
    }


def test_environment_for_keeps_crontab_overrides() -> None:
    tab = parse_crontab("SHELL=/bin/bash\nHOME=/data/home\nPATH=/opt/bin\n@daily x\nX=late\n")
    env = environment_for(tab, tab.entries[0], "/home/uves", "uves")
    assert (env["SHELL"], env["HOME"], env["PATH"]) == ("/bin/bash", "/data/home", "/opt/bin")
    assert "X" not in env


# --- % handling -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "command", "stdin"),
    [
        ("date", "date", None),
        ("date +\\%Y\\%m\\%d", "date +%Y%m%d", None),
        (
            "mail -s hi joe%Joe,%%Where are your kids?%",
            "mail -s hi joe",
            "Joe,\n\nWhere are your kids?\n",
        ),
        ("cat%line1%line2", "cat", "line1\nline2\n"),
        ("cat%", "cat", ""),
        ("cat%a\\%b", "cat", "a%b\n"),
        ("cat%a\\b", "cat", "a\\b\n"),
        ("echo a\\b", "echo a\\b", None),
        ("echo a\\\\%b", "echo a\\\\", "b\n"),
        ("cat%end\\", "cat", "end\\\n"),
    ],
)
def test_percent(rest: str, command: str, stdin: str | None) -> None:
    e = one(f"0 0 * * * {rest}")
    assert (e.command, e.stdin) == (command, stdin)


# --- commented-out entries ------------------------------------------------------------------


def test_commented_entries() -> None:
    text = (
        "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n"
        "# (/tmp/crontab.XXXX installed on Mon Jan 14 10:00:00 2013)\n"
        "#0 7 * * * $HOME/bin/dfosCron -t autoDaily\n"
        "  #  30 7 * * 1-5 other\n"
        "##@daily old\n"
        "# run calChecker every 30 minutes\n"
        "#MAILTO=qc\n"
        "# 61 * * * * broken\n"
        "0 8 * * * $HOME/bin/dfosCron -t autoDaily -r .dfosrc_muc\n"
    )
    tab = parse_crontab(text)
    assert tab.errors == ()
    assert [(e.line, e.schedule, e.command, e.active) for e in tab.commented_entries] == [
        (3, "0 7 * * *", "$HOME/bin/dfosCron -t autoDaily", False),
        (4, "30 7 * * 1-5", "other", False),
        (5, "@daily", "old", False),
    ]
    assert tab.commented_entries[0].text == "#0 7 * * * $HOME/bin/dfosCron -t autoDaily"
    assert [e.line for e in tab.entries] == [9]
    assert tab.entries[0].active
    assert tab.environment == ()


# --- program_of -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "program"),
    [
        ("$HOME/bin/dfosCron -t calChecker", "$HOME/bin/dfosCron"),
        ("calChecker -r .dfosrc_muc", "calChecker"),
        ("DISPLAY=:4 LANG=C autoDaily", "autoDaily"),
        ("nice -n 10 autoDaily", "autoDaily"),
        ("nice -5 autoDaily", "autoDaily"),
        ("nohup nice autoDaily &", "autoDaily"),
        ("env -i A=1 -u B /usr/bin/x", "/usr/bin/x"),
        ("exec time command x", "x"),
        ("'quoted prog' arg", "quoted prog"),
        ("(cd /tmp; ls)", "cd"),
        ("cd $HOME && make", "cd"),
        ("a;b", "a"),
        ("echo 'unbalanced", "echo"),
        ("", ""),
        ("FOO=1", ""),
        ("nice", ""),
    ],
)
def test_program_of(command: str, program: str) -> None:
    assert program_of(command) == program


# --- run times ------------------------------------------------------------------------------


def test_fire_times_window_is_half_open() -> None:
    e = one("*/30 * * * * calChecker")
    times = fire_times(e, MONDAY, MONDAY + timedelta(hours=2))
    assert times == [MONDAY + timedelta(minutes=m) for m in (0, 30, 60, 90)]
    later = MONDAY + timedelta(seconds=1)
    assert fire_times(e, later, later + timedelta(minutes=30)) == [MONDAY + timedelta(minutes=30)]
    assert fire_times(e, MONDAY, MONDAY) == []
    assert fire_times(e, MONDAY, MONDAY - timedelta(days=1)) == []


def test_day_fields_or_when_both_restricted() -> None:
    # crontab(5): "30 4 1,15 * 5" runs on the 1st, the 15th and every Friday
    e = one("30 4 1,15 * 5 x")
    days = [t.day for t in fire_times(e, MONDAY, datetime(2024, 2, 1))]
    assert days == [1, 5, 12, 15, 19, 26]


def test_day_fields_and_when_one_starts_with_star() -> None:
    e = one("0 0 */2 * 1 x")  # Mondays that fall on an odd date
    days = [t.day for t in fire_times(e, MONDAY, datetime(2024, 3, 1))]
    assert days == [1, 15, 29, 5, 19]
    e = one("0 0 1 * */2 x")  # the 1st, when it is a Sun/Tue/Thu/Sat
    times = fire_times(e, MONDAY, datetime(2025, 1, 1))
    assert [(t.month, t.isoweekday() % 7) for t in times] == [
        (2, 4),
        (6, 6),
        (8, 4),
        (9, 0),
        (10, 2),
        (12, 0),
    ]


def test_full_day_of_month_written_out_is_every_day() -> None:
    e = one("0 0 1-31 * 1 x")  # not starting with '*': OR, and every date matches
    assert len(fire_times(e, MONDAY, MONDAY + timedelta(days=10))) == 10


def test_never_firing_schedule() -> None:
    e = one("0 0 31 2 * x")  # cron takes it and never runs it
    assert fire_times(e, MONDAY, MONDAY + timedelta(days=800)) == []
    assert one("0 0 30 2 1 x").runs_at(datetime(2024, 2, 5))  # OR: Mondays in February


def test_rare_schedule_inside_a_long_window() -> None:
    e = one("0 0 29 2 * leap")
    assert fire_times(e, MONDAY, datetime(2029, 1, 1)) == [
        datetime(2024, 2, 29),
        datetime(2028, 2, 29),
    ]


def test_same_schedule() -> None:
    assert same_schedule(one("*/15 * * * * a"), one("0,15,30,45 * * * * b"), MONDAY)
    assert same_schedule(one("@daily a"), one("0 0 * * * b"), MONDAY)
    assert same_schedule(one("0 7 * * * a"), one("#0 7 * * * b".lstrip("#")), MONDAY)
    assert not same_schedule(one("0 7 * * * a"), one("0 8 * * * a"), MONDAY)
    assert not same_schedule(one("0 0 * * 1 a"), one("0 0 * * 2 a"), MONDAY)
    # neither runs inside the window: equal there, which is why the window must be long enough
    assert same_schedule(one("0 0 * * 3 a"), one("0 0 * * 4 a"), MONDAY, days=1)


@pytest.mark.parametrize(
    "muc",
    [
        "0 8-18 * 1-2 * b",  # stops on 1 March
        "0 8-18 1-28 * * b",  # never on the 29th to the 31st
        "0 8-18 * * 1-5 b",
        "0 8-18 29 2 * b",
    ],
)
def test_schedules_that_part_after_a_week_differ(muc: str) -> None:
    old = one("0 8-18 * * * a")
    assert not same_schedule(one(muc), old, datetime(2013, 2, 18))
    why = schedule_difference(one(muc), old, datetime(2013, 2, 18))
    assert why is not None and "day(s) only for 0 8-18 * * * (first" in why


def test_the_times_of_a_day_and_boot_runs_are_compared_too() -> None:
    start = datetime(2013, 2, 18)
    assert schedule_difference(one("0 8-17 * * * a"), one("0 8-18 * * * b"), start) == (
        "the same days, other times of the day"
    )
    assert schedule_difference(one("@reboot a"), one("0 8-18 * * * b"), start) == (
        "@reboot runs at boot only, 0 8-18 * * * on a schedule"
    )
    assert schedule_difference(one("0 8-18 * * 7 a"), one("0 8-18 * * sun b"), start) is None
    assert schedule_difference(one("0 0 31 2 * a"), one("0 0 30 2 * b"), start) is None


def test_croniter_arguments() -> None:
    assert croniter_arguments(one("0 0 */2 * 1 x")) == (
        "0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * 1",
        False,
    )
    assert croniter_arguments(one("0 0 1,15 * 7 x")) == ("0 0 1,15 * 0", True)
    assert croniter_arguments(one("* * 1-31 * 1 x")) == ("* * * * *", True)


# --- the croniter differences the module docstring claims -----------------------------------


def croniter_accepts(expression: str) -> bool:
    try:
        croniter(expression, MONDAY).get_next(datetime)
    except (CroniterError, ValueError, KeyError):
        return False
    return True


@pytest.mark.parametrize(
    "expression",
    [
        "0 0 L * *",
        "0 0 15W * *",
        "0 0 * * 1#2",
        "0 0 ? * *",
        "R * * * *",
        "0 0 * * * 30",
        "5/15 * * * *",
        "5-1 * * * *",
        "0 0 * * mon-sun",
        "@DAILY",
    ],
)
def test_croniter_accepts_what_cron_rejects(expression: str) -> None:
    assert croniter_accepts(expression)
    assert parse_crontab(expression + " x\n").errors


def test_croniter_rejects_what_cron_accepts_or_reads_it_differently() -> None:
    assert not croniter_accepts("@reboot")
    assert not croniter_accepts("0 0 31 2 *")  # never fires: croniter raises
    it = croniter("0 0 * * 7-7", MONDAY)
    assert it.get_next(datetime) == datetime(2024, 1, 2)  # a Tuesday: croniter reads every day
    it = croniter("0 0 */2 * 1", MONDAY)
    assert it.get_next(datetime) == datetime(2024, 1, 3)  # croniter ORs: a Wednesday
    assert one("0 0 */2 * 1 x").runs_at(datetime(2024, 1, 3)) is False


# --- lint and the command line --------------------------------------------------------------


def test_lint_format() -> None:
    text = "# ok\n0 0 * * * fine\n61 * * * * x\n@every x\n"
    assert lint(text, "giraffe.cron") == [
        "giraffe.cron:3: bad minute: 61 is out of range 0-59",
        "giraffe.cron:4: bad time specifier: unknown macro '@every'; cron has @reboot @yearly"
        " @annually @monthly @weekly @daily @midnight @hourly",
    ]
    assert lint("0 0 * * * fine\n", "f") == []
    assert lint("", "f") == []


def test_lint_missing_final_newline() -> None:
    assert lint("0 0 * * * fine", "f") == [
        "f:1: no newline at the end of the file: crontab refuses it"
    ]
    assert lint(b"A=1\n61 * * * * x", "f") == [
        "f:2: bad minute: 61 is out of range 0-59",
        "f:2: no newline at the end of the file: crontab refuses it",
    ]


def test_non_utf8_line_is_an_error_line() -> None:
    tab = parse_crontab(b"0 0 * * * ok\n# caf\xe9\n0 1 * * * \xff\n")
    assert [e.line for e in tab.entries] == [1]
    assert [(e.line, e.reason) for e in tab.errors] == [
        (2, "not UTF-8 text (byte 6)"),
        (3, "not UTF-8 text (byte 11)"),
    ]


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return str(path)


def test_cli_valid_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, "a", 'MAILTO=""\n*/30 * * * * calChecker\n')
    b = write(tmp_path, "b", "@reboot vnc\n")
    assert main([a, b]) == 0
    assert capsys.readouterr() == ("", "")


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good", "0 0 * * * x\n")
    bad = write(tmp_path, "bad", "0 0 * * * x\n0 0 * * Monday x\n")
    latin = write(tmp_path, "latin", b"# caf\xe9\n")
    assert main([good, bad, latin]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{bad}:2: bad day-of-week: 'Monday': cron takes only three-letter names ('mon')",
        f"{latin}:1: not UTF-8 text (byte 6)",
    ]
    assert err == ""


def test_cli_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "bad", "61 * * * * x\n")
    missing = str(tmp_path / "missing")
    assert main([missing, bad]) == 2
    out, err = capsys.readouterr()
    assert out == f"{bad}:1: bad minute: 61 is out of range 0-59\n"
    assert err == f"{missing}: cannot read: No such file or directory\n"
    assert main([str(tmp_path)]) == 2  # a directory
    assert "cannot read" in capsys.readouterr().err


def test_cli_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"5/15 * * * * x\n")))
    assert main(["-"]) == 1
    assert (
        capsys.readouterr().out
        == "-:1: bad minute: a step needs a range or '*': '5/15' (write '5-59/15')\n"
    )


def test_cli_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: mucverify crontab-lint" in capsys.readouterr().err
    assert main(["--help"]) == 0


# --- property tests -------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    low: int
    high: int
    names: tuple[str, ...] = ()


SPECS = (
    Spec(0, 59),
    Spec(0, 23),
    Spec(1, 31),
    Spec(
        1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    ),
    Spec(0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)


@st.composite
def any_case(draw: st.DrawFn, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))


@st.composite
def element(draw: st.DrawFn, spec: Spec) -> tuple[str, set[int]]:
    kind = draw(st.sampled_from(["star", "star-step", "value", "range", "range-step", "names"]))
    if kind == "names" and not spec.names:
        kind = "value"
    if kind == "star":
        return "*", set(range(spec.low, spec.high + 1))
    if kind == "star-step":
        step = draw(st.integers(1, spec.high + 2))
        return f"*/{step}", set(range(spec.low, spec.high + 1, step))
    a = draw(st.integers(spec.low, spec.high))
    if kind == "value":
        return str(a), {a}
    if kind == "names":
        a = draw(st.integers(0, len(spec.names) - 1))
        b = draw(st.integers(a, len(spec.names) - 1))
        first = draw(any_case(spec.names[a]))
        if a == b and draw(st.booleans()):
            return first, {a + spec.low}
        return f"{first}-{draw(any_case(spec.names[b]))}", set(
            range(a + spec.low, b + spec.low + 1)
        )
    b = draw(st.integers(a, spec.high))
    if kind == "range":
        return f"{a}-{b}", set(range(a, b + 1))
    step = draw(st.integers(1, spec.high + 2))
    return f"{a}-{b}/{step}", set(range(a, b + 1, step))


@st.composite
def field(draw: st.DrawFn, spec: Spec) -> tuple[str, frozenset[int]]:
    parts = draw(st.lists(element(spec), min_size=1, max_size=3))
    values = set().union(*(v for _, v in parts))
    if spec.high == 7 and 7 in values:
        values = (values - {7}) | {0}
    return ",".join(t for t, _ in parts), frozenset(values)


COMMANDS = st.sampled_from(
    ["echo hi", "$HOME/bin/dfosCron -t calChecker", "/usr/bin/true", "cd /tmp && ls -l", "x  "]
)
SEPARATORS = st.sampled_from([" ", "\t", "  ", " \t "])


@dataclass(frozen=True)
class Generated:
    fields: tuple[str, ...]
    sets: tuple[frozenset[int], ...]
    command: str
    line: str


@st.composite
def valid_line(draw: st.DrawFn) -> Generated:
    drawn = [draw(field(spec)) for spec in SPECS]
    fields = tuple(t for t, _ in drawn)
    seps = [draw(SEPARATORS) for _ in range(5)]
    command = draw(COMMANDS)
    line = draw(st.sampled_from(["", " ", "\t"]))
    for text, sep in zip(fields, seps, strict=True):
        line += text + sep
    return Generated(fields, tuple(s for _, s in drawn), command, line + command)


@given(valid_line())
@settings(max_examples=200, deadline=None)
def test_generated_valid_lines_parse_to_their_sets(g: Generated) -> None:
    e = one(g.line)
    assert (e.minutes, e.hours, e.days, e.months, e.weekdays) == g.sets
    assert e.command == g.command
    assert e.schedule.split() == list(g.fields)
    assert (e.dom_star, e.dow_star) == (g.fields[2].startswith("*"), g.fields[4].startswith("*"))


MUTATIONS = ["out-of-range", "single-step", "full-month", "L", "macro", "no-command"]


def mutate(g: Generated, how: str, which: int) -> str:
    fields = list(g.fields)
    spec = SPECS[which]
    if how == "out-of-range":
        fields[which] = (
            str(spec.high + 1) if which % 2 else (str(spec.low - 1) if spec.low else "99")
        )
    elif how == "single-step":
        fields[which] = f"{spec.low}/{which + 2}"
    elif how == "full-month":
        fields[3] = "January"
    elif how == "L":
        fields[2] = "L"
    elif how == "macro":
        return f"@{['every', 'weekdays', 'DAILY', 'often'][which % 4]} {g.command}"
    elif how == "no-command":
        return " ".join(fields)
    return " ".join(fields) + " " + g.command


PREFIX_LINES = st.lists(
    st.sampled_from(["", "# comment", 'MAILTO=""', 'FOO = "a b"', "0 5 * * * ok", "@daily ok"]),
    max_size=5,
)


@given(valid_line(), st.sampled_from(MUTATIONS), st.integers(0, 4), PREFIX_LINES, PREFIX_LINES)
@settings(max_examples=200, deadline=None)
def test_each_single_mutation_is_rejected_on_its_line(
    g: Generated, how: str, which: int, before: list[str], after: list[str]
) -> None:
    bad = mutate(g, how, which)
    text = "\n".join([*before, bad, *after]) + "\n"
    tab = parse_crontab(text)
    assert [e.line for e in tab.errors] == [len(before) + 1], (bad, tab.errors)
    assert tab.errors[0].text == bad
    assert len(tab.entries) == sum(1 for x in before + after if x.endswith("ok"))


CRONISH = st.text(alphabet="0123456789*/-,# @=\"'%\\LW?HjanmosuJ\t\r\n\x00\ufeff", max_size=200)


@given(st.one_of(st.text(max_size=300), CRONISH, st.binary(max_size=300)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parse_never_raises(text: str | bytes) -> None:
    tab = parse_crontab(text)
    assert isinstance(tab, Crontab)
    count = (text.count("\n") if isinstance(text, str) else text.count(b"\n")) + 1
    lines = [x.line for x in (*tab.entries, *tab.commented_entries)]
    lines += [x.line for x in tab.errors] + [x.line for x in tab.environment]
    assert all(1 <= line <= count for line in lines)
    lint(text, "x")


def brute_force(g: Generated, start: datetime, end: datetime) -> list[datetime]:
    minutes, hours, days, months, weekdays = g.sets
    both = g.fields[2].startswith("*") or g.fields[4].startswith("*")
    found = []
    when = start
    while when < end:
        dom, dow = when.day in days, when.isoweekday() % 7 in weekdays
        if (
            when.minute in minutes
            and when.hour in hours
            and when.month in months
            and ((dom and dow) if both else (dom or dow))
        ):
            found.append(when)
        when += timedelta(minutes=1)
    return found


@given(valid_line(), st.integers(0, 3 * 365 * 24 * 60), st.integers(1, 3 * 24 * 60))
@settings(max_examples=40, deadline=None)
def test_fire_times_agree_with_brute_force(g: Generated, offset: int, length: int) -> None:
    start = datetime(2023, 1, 1) + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    e = one(g.line)
    assert fire_times(e, start, end) == brute_force(g, start, end)


@given(valid_line(), st.integers(0, 3 * 365), st.integers(0, 23), st.integers(0, 59))
@settings(max_examples=30, deadline=None)
def test_day_rule_agrees_with_brute_force_over_two_months(
    g: Generated, offset: int, hour: int, minute: int
) -> None:
    # one run a day at most, so a long window stays cheap; the day fields carry the test
    g = Generated(
        (str(minute), str(hour), *g.fields[2:]),
        (frozenset({minute}), frozenset({hour}), *g.sets[2:]),
        g.command,
        f"{minute} {hour} {' '.join(g.fields[2:])} {g.command}",
    )
    start = datetime(2023, 1, 1) + timedelta(days=offset)
    end = start + timedelta(days=62)
    e = one(g.line)
    expected = [d for d in brute_force_days(g, start, end)]
    assert fire_times(e, start, end) == expected
    assert all(e.runs_at(t) for t in expected)


def brute_force_days(g: Generated, start: datetime, end: datetime) -> list[datetime]:
    minute, hour = min(g.sets[0]), min(g.sets[1])
    out = []
    day = start
    while day < end:
        when = day.replace(hour=hour, minute=minute)
        if start <= when < end and brute_force(g, when, when + timedelta(minutes=1)):
            out.append(when)
        day += timedelta(days=1)
    return out


def test_fire_days_see_a_schedule_that_stops_later_in_the_year() -> None:
    import datetime as dt

    from pytest_mucverify.dfos.crontab import fire_days, parse_crontab

    every, spring = parse_crontab("*/30 * * * * a\n*/30 * * 1-6 * b\n").entries
    start = dt.datetime(2013, 2, 18)
    assert len(fire_days(every, start)) == 366
    first_half = [start.date() + dt.timedelta(days=n) for n in range(366)]
    assert fire_days(spring, start) == {day for day in first_half if day.month <= 6}
    never = parse_crontab("*/30 * 30 2 * c\n").entries[0]
    assert fire_days(never, start) == set()
