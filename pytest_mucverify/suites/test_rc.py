"""I.3, I.5 and II.6: the rc files give the muc a clean DFOS environment; .dbrc names the mucs."""

from __future__ import annotations

import re

from pytest_mucverify import check, examined, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.dbrc import hosts_named
from pytest_mucverify.dfos.rc import defined_by_rc, leaks, missing_variables, xv_calls
from pytest_mucverify.phases import reached


@check("rc.muc-variables")
def test_the_muc_rc_defines_every_standard_variable(account: AccountUnderTest) -> None:
    """Every standard variable, as the muc's tools see them now and as they will see them after
    the switch: ``.qcrc`` sources ``$HOME/.dfosrc``, so a variable the muc rc lacks is inherited
    from the operational file until the switch makes the muc rc ``.dfosrc``."""
    sourced = account.muc_env
    examined("variables defined", len(sourced.variables))
    require_none(
        (f"bash: {c}" for c in sourced.complaints),
        f"complaints while bash sourced {account.muc_rc}",
    )
    require_none(
        (f"{name} is not defined" for name in missing_variables(sourced.variables)),
        f"standard DFO variables missing after sourcing {account.muc_rc} on {account.muc.name}",
    )
    operational_rc = account.home_file(".dfosrc")
    if account.muc_rc == operational_rc:
        return
    switched = account.muc.environment(
        [account.home_file(".qcrc"), account.muc_rc],
        sourced_instead={operational_rc: account.muc_rc},
    )
    examined("rc files sourced in the switched view", 2)
    require_none(
        (
            f"{name} comes from the operational .dfosrc only (which .qcrc sources): it is gone"
            " once .dfosrc_muc becomes .dfosrc"
            for name in missing_variables(switched.variables)
        ),
        f"standard DFO variables {account.muc_rc} does not define itself",
    )
    base = account.environment(account.muc).variables
    now = defined_by_rc(sourced.variables, base)
    after_switch = defined_by_rc(switched.variables, base)
    examined("rc variables compared with the switched view", len(now))
    require_none(
        [
            *(
                f"{name}={now[name]} on the muc now comes from the operational .dfosrc only:"
                " it is gone once .dfosrc_muc becomes .dfosrc"
                for name in sorted(set(now) - set(after_switch))
            ),
            *(
                f"{name}={now.get(name, '(unset)')} on the muc now, {value} once .dfosrc_muc"
                f" becomes .dfosrc: {account.muc_rc} keeps the operational value"
                for name, value in sorted(after_switch.items())
                if now.get(name) != value
            ),
        ],
        f"the muc's environment is not what {account.muc_rc} gives it alone",
    )


@check("rc.no-physical-prefix")
def test_no_rc_value_holds_a_physical_prefix_or_an_old_blade(account: AccountUnderTest) -> None:
    defined = defined_by_rc(account.muc_env.variables, account.environment(account.muc).variables)
    examined("rc variables", len(defined))
    old_blades = {*account.site.old_blade_names, account.ops.name}
    require_none(
        leaks(defined, account.site.physical_prefixes, old_blades),
        "rc values that would send the muc's tools to another disk or blade",
    )


@check("rc.qcrc-cluster-roots")
def test_qcrc_makes_the_cluster_roots_the_data_root_on_the_muc(account: AccountUnderTest) -> None:
    """On the muc the cluster roots equal DFO_ROOT_DIR; on the old QC-cluster blade, which reads
    the same shared .qcrc, they keep the cluster's own values (the plan's conditional), so an
    unconditional edit for the muc does not redirect the old blade."""
    names = ("DFO_ROOT_DIR", "DFO_ROOT_DIR_FC", "DFO_ROOT_DIR_DISKA")
    env = account.muc_env.variables
    values = {name: env.get(name, "") for name in names}
    old_env = account.ops_env.variables
    old_values = {name: old_env.get(name, "") for name in names}
    examined("variables", sum(1 for value in [*values.values(), *old_values.values()] if value))
    examined("blades", 2)
    require(
        values["DFO_ROOT_DIR"] and len(set(values.values())) == 1,
        "DFO_ROOT_DIR_FC, DFO_ROOT_DIR_DISKA and DFO_ROOT_DIR differ on the muc",
        [f"{name}={value or '(unset)'}" for name, value in values.items()],
    )
    root = old_values["DFO_ROOT_DIR"]
    require(
        all(old_values.values())
        and old_values["DFO_ROOT_DIR_FC"] != root
        and old_values["DFO_ROOT_DIR_DISKA"] != root,
        f".qcrc gives the old cluster blade {account.ops.name} the muc's roots (or none): the"
        " host condition of the plan (CHECK_MUC) is gone",
        [f"{account.ops.name}: {name}={value or '(unset)'}" for name, value in old_values.items()],
    )


@check("rc.dbrc-hosts")
def test_dbrc_names_the_muc_blades(account: AccountUnderTest) -> None:
    named = hosts_named(account.muc.read_text(account.home_file(".dbrc")))
    examined("hosts named", len(named))
    require(any(h.is_muc for h in named), ".dbrc names no muc blade")
    require_none(
        (
            f".dbrc line {h.line}: names {h.host}"
            + ("" if not h.is_muc else f", not {account.name}'s muc {account.muc.name}")
            for h in named
            if h.host != account.muc.name
        ),
        f".dbrc entries pointing at old blades or at a muc other than {account.muc.name}",
    )


@check("rc.dbrc-mode")
def test_dbrc_is_readable_by_its_owner_only(account: AccountUnderTest) -> None:
    found = account.muc.stat(account.home_file(".dbrc"))
    require(found is not None, f"{account.home_file('.dbrc')} does not exist")
    assert found is not None
    examined("files", 1)
    require(found.mode & 0o777 == 0o600, f".dbrc has mode {found.mode & 0o777:03o}, not 600")


MUC_NAME = re.compile(r"(?<![A-Za-z0-9_])muc\d\d(?![A-Za-z0-9_])", re.IGNORECASE)


def muc_values(defined: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in sorted(defined.items()) if MUC_NAME.search(value)]


@check("rc.switched")
def test_the_rc_files_are_switched(account: AccountUnderTest) -> None:
    """Before the switch the old blade still runs autoDaily with ``.dfosrc``: it must stay the
    old blade's. From the switch ``.dfosrc_old`` keeps the old blade's file, ``.dfosrc`` is the
    muc one and ``.dfosrc_muc`` is gone or identical."""
    old_rc, rc, muc_rc = (
        account.home_file(name) for name in (".dfosrc_old", ".dfosrc", ".dfosrc_muc")
    )
    if not reached(account.phase, "operational"):
        examined("rc files", 2)
        require(
            not account.muc.exists(muc_rc)
            or account.muc.read_bytes(muc_rc) != account.muc.read_bytes(rc),
            f"{rc} is already a copy of {muc_rc} before the switch, and the old blade"
            f" {account.ops.name} still runs with it",
        )
        before = account.environment(account.ops).variables
        defined = defined_by_rc(account.environment(account.ops, rc).variables, before)
        examined("rc variables", len(defined))
        require_none(
            muc_values(defined),
            f"{rc} gives the old blade {account.ops.name} muc values before the switch",
        )
        return
    require(account.muc.exists(old_rc), f"{old_rc} does not exist: the old .dfosrc was not kept")
    examined("rc files", 2)
    require(
        account.muc.read_bytes(old_rc) != account.muc.read_bytes(rc),
        f"{old_rc} is a copy of the switched {rc}, not the old blade's file",
    )
    kept = account.environment(account.ops, old_rc).variables
    require_none(
        [
            *(f"{name} is not defined" for name in missing_variables(kept)),
            *muc_values(defined_by_rc(kept, account.environment(account.ops).variables)),
        ],
        f"{old_rc} is not the old blade's environment",
    )
    if account.muc.exists(muc_rc):
        same = account.muc.read_bytes(muc_rc) == account.muc.read_bytes(rc)
        require(same, f"{muc_rc} is neither gone nor identical to {rc}: {rc} is not the muc one")
        return
    # without .dfosrc_muc to compare with, .dfosrc must at least hold nothing of the old blade
    defined = defined_by_rc(
        account.environment(account.muc, ".dfosrc").variables,
        account.environment(account.muc).variables,
    )
    examined("rc variables", len(defined))
    old_disks = account.ops.host.disk_prefixes or account.site.physical_prefixes
    old_blades = {*account.site.old_blade_names, account.ops.name}
    require_none(leaks(defined, old_disks, old_blades), f"{rc} still holds the old blade's values")


TEXT_LIMIT = 1 << 20
CONFIG_DEPTH = 4
"""how deep configuration folders are read (tools keep theirs in sub-folders of DFO_CONFIG_DIR)."""


def text_files(account: AccountUnderTest, folder: str, depth: int = 1) -> list[str]:
    """The files of a folder on the muc (the tools and configuration read them), sub-folders
    down to ``depth`` levels; a symbolic link counts by what it leads to."""
    listing = account.muc.tree(folder, max_depth=depth)
    if listing.errors and not account.muc.exists(folder):
        return []
    found = [f"{folder}/{entry.path}" for entry in listing.entries if entry.kind == "f"]
    for entry in listing.entries:
        if entry.kind == "l":
            target = account.muc.resolve(f"{folder}/{entry.path}")
            if account.muc.stat(target) is not None:
                found.append(target)
    return found


@check("rc.no-xv")
def test_nothing_on_the_muc_calls_xv(account: AccountUnderTest) -> None:
    """xv is gone on the 64-bit blades: no rc file, job file, configuration file, tool script in
    $DFO_BIN_DIR or cron line calls it, and its replacement ``display`` is on the muc."""
    rc_files = [account.home_file(name) for name in (".dfosrc", ".dfosrc_muc", ".qcrc")]
    files = [p for p in rc_files if account.muc.exists(p)]
    files += text_files(account, account.directory("DFO_JOB_DIR"))
    files += text_files(account, account.directory("DFO_CONFIG_DIR"), CONFIG_DEPTH)
    files += text_files(account, account.directory("DFO_BIN_DIR"))
    contents, unreadable = account.muc.read_many(sorted(set(files)))
    texts = {
        path: data.decode("utf-8", "replace")
        for path, data in contents.items()
        if b"\0" not in data[:TEXT_LIMIT]
    }
    crontab = account.crontab(account.muc)
    cron_lines = [(e.line, e.text) for e in crontab.entries] + [
        (env.line, f"{env.name}={env.value}") for env in crontab.environment
    ]
    examined("files read", len(contents))
    examined(
        "lines read",
        sum(text.count("\n") + 1 for text in texts.values() if text) + len(cron_lines),
    )
    calls = [call for where, text in texts.items() for call in xv_calls(where, text)]
    calls += [
        call
        for line, text in sorted(cron_lines)
        for call in xv_calls(f"crontab on {account.muc.name}", text, line)
    ]
    calls += [f"{path}: cannot be read ({reason})" for path, reason in unreadable.items()]
    path = account.muc_env.variables.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    if account.find_program(account.muc, "display", path) is None:
        calls.append(f"display (ImageMagick), which replaces xv, is not on the muc's PATH {path}")
    require_none(calls, "calls of xv, which the 64-bit muc no longer has (use display)")
