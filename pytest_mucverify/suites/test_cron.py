"""II.2, II.5, II.6: the crontabs of both blades parse, run what exists, hand calChecker and
autoDaily over as the plan says, and use the account's own VNC displays."""

from __future__ import annotations

import datetime as dt

from pytest_mucverify import check, examined, nothing_to_compare, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.cronview import CronCalls, reads_muc_rc
from pytest_mucverify.dfos.croncalls import (
    analyse,
    dfos_cron_tool,
    expand_home,
    invocations,
    options_besides_rc,
    runs_tool,
    script_of,
    tool_options,
)
from pytest_mucverify.dfos.crontab import (
    CronEntry,
    Crontab,
    environment_for,
    fire_days,
    fire_times,
    program_of,
    same_schedule,
)
from pytest_mucverify.dfos.vnc import display_number, displays_of, displays_used
from pytest_mucverify.phases import reached

WEEK_START = dt.datetime(2013, 2, 18)
CRON_FEATURES = ("calchecker", "autodaily", "trendplotter", "vnc")
"""an account with any of these runs DFOS tools from cron: its crontab cannot be empty."""


def lines_of(crontab: Crontab) -> int:
    return (
        len(crontab.entries)
        + len(crontab.environment)
        + len(crontab.errors)
        + len(crontab.commented_entries)
    )


def runs_from_cron(account: AccountUnderTest) -> list[str]:
    return [feature for feature in CRON_FEATURES if account.spec.has(feature)]


def runs(entry: CronEntry, tool: str) -> bool:
    return bool(runs_tool(invocations(entry.command), tool))


def minutes_of_a_day(entry: CronEntry) -> list[dt.datetime]:
    return fire_times(entry, WEEK_START, WEEK_START + dt.timedelta(days=1))


@check("cron.syntax")
def test_both_crontabs_parse_as_cron_reads_them(account: AccountUnderTest) -> None:
    parsed = sum(lines_of(account.crontab(blade)) for blade in (account.muc, account.ops))
    if not parsed and runs_from_cron(account):
        nothing_to_compare(
            f"both crontabs of {account.name} are empty, though it runs"
            f" {', '.join(runs_from_cron(account))} from cron",
            [f"crontab -l on {account.muc.name}", f"crontab -l on {account.ops.name}"],
        )
    examined("crontab lines", parsed)
    examined("crontabs read", 2)
    errors = [
        f"{blade.name} crontab line {error.line}: {error.reason}  ({error.text.strip()})"
        for blade in (account.muc, account.ops)
        for error in account.crontab(blade).errors
    ]
    require_none(errors, "crontab lines cron would refuse")


@check("cron.commands")
def test_every_cron_program_exists_on_the_muc(account: AccountUnderTest) -> None:
    crontab = account.crontab(account.muc)
    if not crontab.entries and runs_from_cron(account):
        nothing_to_compare(
            f"no active cron line of {account.name} on {account.muc.name}, though it runs"
            f" {', '.join(runs_from_cron(account))} from cron",
            [f"crontab -l on {account.muc.name}"],
        )
    examined("crontabs read", 1)
    examined("active cron lines", len(crontab.entries))
    missing = []
    for entry in crontab.entries:
        env = environment_for(crontab, entry, account.spec.home, account.name)
        program = program_of(entry.command)
        found = account.find_program(account.muc, program, env.get("PATH", "/usr/bin:/bin"))
        if found is None:
            missing.append(f"line {entry.line}: {program} not found on {account.muc.name}")
            continue
        calls = analyse(entry.command, home=account.spec.home, env=env, stdin=entry.stdin).calls
        for argv in calls:
            script = script_of(argv)
            if script is None:
                continue
            script = expand_home(script, env.get("HOME", account.spec.home))
            if not script.startswith("/") or not account.muc.exists(script):
                missing.append(
                    f"line {entry.line}: {argv[0]} runs {script}, which is not on {account.muc.name}"
                )
        for argv in runs_tool(calls, "dfosCron"):
            found_tool = dfos_cron_tool(argv)
            if found_tool is None:
                continue
            tool = (found_tool[0].split() or [""])[0]  # ``-t "tool -x"`` names ``tool``
            rc = tool_options(argv, "-r") or ".dfosrc"
            if not account.muc.exists(account.home_file(rc)):
                missing.append(f"line {entry.line}: dfosCron reads {rc}, which does not exist")
                continue
            rc_env = account.environment(account.muc, ".qcrc", rc).variables
            places = [rc_env.get(v, "") for v in ("DFO_BIN_DIR", "DFO_JOB_DIR")]
            if not any(folder and account.muc.exists(f"{folder}/{tool}") for folder in places):
                missing.append(
                    f"line {entry.line}: dfosCron -t {tool}: neither a tool in DFO_BIN_DIR nor a job file in DFO_JOB_DIR"
                )
    require_none(missing, f"cron jobs on {account.muc.name} that cannot start")


@check("cron.calchecker")
def test_calchecker_runs_where_the_phase_wants_it(account: AccountUnderTest) -> None:
    """The muc runs the old blade's two calChecker lines (incremental and full) with the
    documented difference, ``-r .dfosrc_muc``, at the same rate but staggered minutes (the pages
    alternate in origin); after the switch only the muc runs them."""
    for blade in (account.muc, account.ops):
        examined(f"crontab lines on {blade.name}", lines_of(account.crontab(blade)))
    examined("crontabs read", 2)
    muc, ops = CronCalls(account, account.muc), CronCalls(account, account.ops)
    on_muc = muc.active("calChecker")
    shown = [f"{account.muc.name} line {e.line}: {e.text.strip()}" for e, _ in on_muc]
    require(
        len({options_besides_rc(argv) for _, argv in on_muc}) >= 2,
        f"{account.muc.name} runs {len(on_muc)} calChecker line(s), not the incremental and the"
        " full one",
        shown,
    )
    require_none(
        (
            f"line {e.line}: {e.text.strip()}"
            for e, argv in on_muc
            if not reads_muc_rc(account, argv)
        ),
        f"calChecker lines on the muc that do not read {account.muc_rc.rsplit('/', 1)[-1]}",
    )
    on_ops = ops.active("calChecker")
    if reached(account.phase, "operational"):
        require_none(
            (f"{account.ops.name} line {e.line}: {e.text.strip()}" for e, _ in on_ops),
            "calChecker lines still active on the old blade after the switch",
        )
        return
    examined("calChecker lines compared", len(on_ops))
    problems: list[str] = []
    muc_by_options = {options_besides_rc(argv): e for e, argv in on_muc}
    for entry, argv in on_ops:
        options = options_besides_rc(argv)
        twin = muc_by_options.pop(options, None)
        if twin is None:
            problems.append(
                f"{account.ops.name} line {entry.line}: calChecker {' '.join(options)} has no"
                f" counterpart on {account.muc.name}"
            )
            continue
        old_times, new_times = minutes_of_a_day(entry), minutes_of_a_day(twin)
        old_days, new_days = fire_days(entry, WEEK_START), fire_days(twin, WEEK_START)
        if old_days != new_days:
            problems.append(
                f"calChecker {' '.join(options)}: runs on {len(new_days)} days of the year from"
                f" {WEEK_START:%Y-%m-%d} on the muc ({twin.schedule}), on {len(old_days)} on"
                f" the old blade ({entry.schedule})"
            )
        elif len(old_times) != len(new_times):
            problems.append(
                f"calChecker {' '.join(options)}: {len(new_times)} runs a day on the muc,"
                f" {len(old_times)} on the old blade"
            )
        elif set(old_times) & set(new_times):
            problems.append(
                f"calChecker {' '.join(options)}: the muc ({twin.schedule}) and the old blade"
                f" ({entry.schedule}) run at the same minutes, so the pages do not alternate"
            )
    problems += [
        f"{account.muc.name} line {e.line}: calChecker {' '.join(o)} runs on the muc only"
        for o, e in muc_by_options.items()
    ]
    require_none(problems, "calChecker on the muc is not the old blade's, staggered")


@check("cron.autodaily")
def test_autodaily_runs_from_cron_on_exactly_one_blade(account: AccountUnderTest) -> None:
    """Seen through ``sh -c``, ``dfosCron -t``, wrappers, variables, ``eval``, shells fed on
    standard input and the account's wrapper scripts; a line that may run something it does not
    show fails, since it may be autoDaily. Once operational the muc's line is the plan's
    ``autoDaily -r .dfosrc_muc`` without ``-D``."""
    for blade in (account.muc, account.ops):
        examined(f"crontab lines on {blade.name}", lines_of(account.crontab(blade)))
    examined("crontabs read", 2)
    muc_calls, ops_calls = CronCalls(account, account.muc), CronCalls(account, account.ops)
    examined(
        "wrapper scripts read",
        len(set(muc_calls.scripts.values())) + len(set(ops_calls.scripts.values())),
    )
    require_none(
        (
            f"{calls.blade_name} line {entry.line}: {why}  ({entry.text.strip()})"
            for calls in (muc_calls, ops_calls)
            for entry, why in calls.undecided("autoDaily")
        ),
        "cron lines of which it cannot be told whether they run autoDaily",
    )
    muc = muc_calls.active("autoDaily")
    ops = ops_calls.active("autoDaily")
    shown = [f"{account.muc.name} line {e.line}: {e.text.strip()}" for e, _ in muc]
    shown += [f"{account.ops.name} line {e.line}: {e.text.strip()}" for e, _ in ops]
    if account.phase == "commissioning":
        require(
            not muc and not ops,
            "autoDaily runs from cron while commissioning runs it by hand",
            shown,
        )
        return
    if not reached(account.phase, "operational"):
        require(
            len(ops) == 1 and not muc,
            "autoDaily must run from cron on the old blade only, once",
            shown,
        )
        return
    require(len(muc) == 1 and not ops, "autoDaily must run from cron on the muc only, once", shown)
    entry, argv = muc[0]
    require(
        "-D" not in argv[1:],
        f"autoDaily on {account.muc.name} runs with -D (the commissioning form) from cron",
        shown,
    )
    require(
        reads_muc_rc(account, argv),
        f"autoDaily on {account.muc.name} does not read {account.muc_rc.rsplit('/', 1)[-1]}"
        f" (-r {tool_options(argv, '-r') or 'missing'})",
        shown,
    )
    old = ops_calls.commented("autoDaily")
    require(old, f"the old autoDaily line is not kept, commented out, on {account.ops.name}")
    require(
        same_schedule(entry, old[0][0], WEEK_START),
        f"autoDaily on {account.muc.name} ({entry.schedule}) does not fire when the old one did ({old[0][0].schedule})",
    )


@check("cron.display")
def test_cron_jobs_use_the_accounts_own_vnc_displays(account: AccountUnderTest) -> None:
    vnc_accounts = [a.name for a in account.site.accounts_on(account.muc.name) if a.has("vnc")]
    own = displays_of(account.name, vnc_accounts)
    require(
        own,
        f"{account.name} gets no VNC display group on {account.muc.name} ({', '.join(vnc_accounts)})",
    )
    crontab = account.crontab(account.muc)
    used = [
        (entry, value)
        for entry in crontab.entries
        for value in displays_used(
            environment_for(crontab, entry, account.spec.home, account.name), entry.command
        )
    ]
    # dfosCron sources .qcrc and the rc file: a DISPLAY exported there wins over the crontab's
    from_rc = account.muc_env.variables.get("DISPLAY")
    through_rc = [e for e in crontab.entries if runs(e, "dfosCron")]
    if from_rc and through_rc:
        used += [(entry, from_rc) for entry in through_rc]
    if not used:
        nothing_to_compare(
            f"no cron job of {account.name} on {account.muc.name} uses a DISPLAY, though the"
            " account has VNC displays (its keep-alive job at least)",
            [f"crontab -l on {account.muc.name}"],
        )
    examined("cron lines", len(crontab.entries))
    examined("DISPLAY settings", len(used))
    require_none(
        (
            f"line {entry.line}: DISPLAY={value}, not one of {account.name}'s :{own[0]}-:{own[-1]}"
            for entry, value in used
            if display_number(value) not in own
        ),
        "cron jobs on a display of another account's group",
    )
