"""II.2, II.5, II.6: the crontabs of both blades parse, run what exists, hand calChecker and
autoDaily over as the plan says, and use the account's own VNC displays."""

from __future__ import annotations

import datetime as dt

from pytest_mucverify import check, examined, note, nothing_to_compare, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.cronview import CronCalls, reads_muc_rc
from pytest_mucverify.dfos.croncalls import (
    analyse,
    dfos_cron_tool,
    expand_home,
    has_flag,
    invocations,
    options_besides_rc,
    runs_tool,
    script_of,
    tool_options,
)
from pytest_mucverify.dfos.cronpairs import doubled, line_differences
from pytest_mucverify.dfos.cronsettings import setting_problems, zone_differences
from pytest_mucverify.dfos.crontab import (
    CronEntry,
    Crontab,
    environment_for,
    program_of,
    schedule_difference,
)
from pytest_mucverify.dfos.vnc import display_number, displays_of, displays_used
from pytest_mucverify.phases import reached
from pytest_mucverify.shsyntax import syntax_error

WEEK_START = dt.datetime(2013, 2, 18)
CUT = (
    "; an unescaped % cuts the command there and cron feeds the rest on standard input"
    " (write \\% for a %)"
)
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
    muc, ops = account.crontab(account.muc), account.crontab(account.ops)
    examined("crontab settings read", len(muc.environment) + len(ops.environment))
    settings = [
        f"{blade.name} {problem}"
        for blade, crontab in ((account.muc, muc), (account.ops, ops))
        for problem in setting_problems(crontab, account.spec.home)
    ]
    settings += zone_differences(muc, ops, account.muc.name, account.ops.name)
    examined("commands read as the shell reads them", len(muc.entries) + len(ops.entries))
    settings += [
        f"{blade.name} line {entry.line}: the shell cannot read the command cron runs"
        f" ({why}){CUT if entry.stdin is not None else ''}: the job never runs"
        for blade, crontab in ((account.muc, muc), (account.ops, ops))
        for entry in crontab.entries
        for why in [syntax_error(entry.command)]
        if why is not None
    ]
    require_none(
        settings,
        "cron jobs that cannot run as written: settings cron applies to every job below them"
        " that stop the jobs, shift their times or make them another account's, and commands"
        " the shell cannot read",
    )


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
    alternate in origin); after the switch only the muc runs them, still as many lines on the
    same days as the old blade's commented-out ones, and never one line twice at a minute."""
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
    problems = doubled("calChecker", on_muc, WEEK_START, account.muc.name)
    if reached(account.phase, "operational"):
        on_ops = ops.active("calChecker")
        require_none(
            (f"{account.ops.name} line {e.line}: {e.text.strip()}" for e, _ in on_ops),
            "calChecker lines still active on the old blade after the switch",
        )
        old = ops.commented("calChecker")
        if not old:
            note(
                f"the old blade's calChecker lines are gone from {account.ops.name}'s crontab:"
                " the muc's are checked for their option sets and doubled lines only"
            )
    else:
        old = ops.active("calChecker")
    examined("calChecker lines compared", len(old))
    if old or not reached(account.phase, "operational"):
        problems += line_differences(
            "calChecker",
            on_muc,
            old,
            WEEK_START,
            staggered=not reached(account.phase, "operational"),
            names=(account.muc.name, account.ops.name),
        )
    require_none(
        problems,
        "calChecker on the muc is not the old blade's"
        + ("" if reached(account.phase, "operational") else ", staggered"),
    )


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
        not has_flag(argv, "D"),
        f"autoDaily on {account.muc.name} runs with -D (the commissioning form) from cron,"
        " as its getopts reads the options",
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
    differs = schedule_difference(entry, old[0][0], WEEK_START)
    require(
        differs is None,
        f"autoDaily on {account.muc.name} ({entry.schedule}) does not fire when the old one did"
        f" ({old[0][0].schedule}): {differs}",
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
            f"line {entry.line}: display {value}, not one of {account.name}'s :{own[0]}-:{own[-1]}"
            f" on {account.muc.name}"
            for entry, value in used
            if display_number(value, account.muc.name) not in own
        ),
        f"cron jobs on a display that is not one of {account.name}'s own on {account.muc.name}",
    )
