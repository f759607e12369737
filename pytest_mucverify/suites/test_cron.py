"""II.2, II.5, II.6: the crontabs of both blades parse, run what exists, hand calChecker and
autoDaily over as the plan says, and use the account's own VNC displays."""

from __future__ import annotations

import datetime as dt

from pytest_mucverify import check, examined, nothing_to_compare, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.crontab import (
    CronEntry,
    Crontab,
    environment_for,
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
    words = entry.command.split()
    return any(word == tool or word.endswith("/" + tool) for word in words)


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
        words = entry.command.split()
        if program.endswith("dfosCron") and "-t" in words[:-1]:
            tool = words[words.index("-t") + 1]
            rc = words[words.index("-r") + 1] if "-r" in words[:-1] else ".dfosrc"
            if not account.muc.exists(account.home_file(rc)):
                missing.append(f"line {entry.line}: dfosCron reads {rc}, which does not exist")
                continue
            env = account.environment(account.muc, ".qcrc", rc).variables
            places = [env.get(v, "") for v in ("DFO_BIN_DIR", "DFO_JOB_DIR")]
            if not any(folder and account.muc.exists(f"{folder}/{tool}") for folder in places):
                missing.append(
                    f"line {entry.line}: dfosCron -t {tool}: neither a tool in DFO_BIN_DIR nor a job file in DFO_JOB_DIR"
                )
    require_none(missing, f"cron jobs on {account.muc.name} that cannot start")


@check("cron.calchecker")
def test_calchecker_runs_where_the_phase_wants_it(account: AccountUnderTest) -> None:
    for blade in (account.muc, account.ops):
        examined(f"crontab lines on {blade.name}", lines_of(account.crontab(blade)))
    examined("crontabs read", 2)
    if reached(account.phase, "operational"):
        still = [e for e in account.crontab(account.ops).entries if runs(e, "calChecker")]
        require_none(
            (f"{account.ops.name} line {e.line}: {e.text.strip()}" for e in still),
            "calChecker lines still active on the old blade after the switch",
        )
        return
    on_muc = [e for e in account.crontab(account.muc).entries if runs(e, "calChecker")]
    require(
        len(on_muc) >= 2,
        f"{account.muc.name} runs {len(on_muc)} calChecker line(s), not the incremental and the full one",
        [f"line {e.line}: {e.text.strip()}" for e in on_muc],
    )
    require_none(
        (
            f"line {e.line}: {e.text.strip()}"
            for e in on_muc
            if "-r .dfosrc_muc" not in " ".join(e.command.split())
        ),
        "calChecker lines on the muc that do not read .dfosrc_muc",
    )


@check("cron.autodaily")
def test_autodaily_runs_from_cron_on_exactly_one_blade(account: AccountUnderTest) -> None:
    for blade in (account.muc, account.ops):
        examined(f"crontab lines on {blade.name}", lines_of(account.crontab(blade)))
    examined("crontabs read", 2)
    muc = [e for e in account.crontab(account.muc).entries if runs(e, "autoDaily")]
    ops = [e for e in account.crontab(account.ops).entries if runs(e, "autoDaily")]
    shown = [f"{account.muc.name} line {e.line}: {e.text.strip()}" for e in muc]
    shown += [f"{account.ops.name} line {e.line}: {e.text.strip()}" for e in ops]
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
    old = [e for e in account.crontab(account.ops).commented_entries if runs(e, "autoDaily")]
    require(old, f"the old autoDaily line is not kept, commented out, on {account.ops.name}")
    require(
        same_schedule(muc[0], old[0], WEEK_START),
        f"autoDaily on {account.muc.name} ({muc[0].schedule}) does not fire when the old one did ({old[0].schedule})",
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
