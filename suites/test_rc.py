"""I.3, I.5 and II.6: the rc files give the muc a clean DFOS environment; .dbrc names the mucs."""

from __future__ import annotations

from pytest_mucverify import check, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.dbrc import hosts_named
from pytest_mucverify.dfos.rc import defined_by_rc, leaks, missing_variables


@check("rc.muc-variables")
def test_the_muc_rc_defines_every_standard_variable(account: AccountUnderTest) -> None:
    sourced = account.muc_env
    require_none(
        (f"bash: {c}" for c in sourced.complaints),
        f"complaints while bash sourced {account.muc_rc}",
    )
    require_none(
        (f"{name} is not defined" for name in missing_variables(sourced.variables)),
        f"standard DFO variables missing after sourcing {account.muc_rc} on {account.muc.name}",
    )


@check("rc.no-physical-prefix")
def test_no_rc_value_holds_a_physical_prefix_or_an_old_blade(account: AccountUnderTest) -> None:
    defined = defined_by_rc(account.muc_env.variables, account.environment(account.muc).variables)
    old_blades = {*account.site.old_blade_names, account.ops.name}
    require_none(
        leaks(defined, account.site.physical_prefixes, old_blades),
        "rc values that would send the muc's tools to another disk or blade",
    )


@check("rc.qcrc-cluster-roots")
def test_qcrc_makes_the_cluster_roots_the_data_root_on_the_muc(account: AccountUnderTest) -> None:
    env = account.muc_env.variables
    values = {
        name: env.get(name, "")
        for name in ("DFO_ROOT_DIR", "DFO_ROOT_DIR_FC", "DFO_ROOT_DIR_DISKA")
    }
    require(
        values["DFO_ROOT_DIR"] and len(set(values.values())) == 1,
        "DFO_ROOT_DIR_FC, DFO_ROOT_DIR_DISKA and DFO_ROOT_DIR differ on the muc",
        [f"{name}={value or '(unset)'}" for name, value in values.items()],
    )


@check("rc.dbrc-hosts")
def test_dbrc_names_the_muc_blades(account: AccountUnderTest) -> None:
    named = hosts_named(account.muc.read_text(account.home_file(".dbrc")))
    require(any(h.is_muc for h in named), ".dbrc names no muc blade")
    require_none(
        (f".dbrc line {h.line}: names {h.host}" for h in named if not h.is_muc),
        ".dbrc entries still pointing at old blades",
    )


@check("rc.dbrc-mode")
def test_dbrc_is_readable_by_its_owner_only(account: AccountUnderTest) -> None:
    found = account.muc.stat(account.home_file(".dbrc"))
    require(found is not None, f"{account.home_file('.dbrc')} does not exist")
    assert found is not None
    require(found.mode & 0o777 == 0o600, f".dbrc has mode {found.mode & 0o777:03o}, not 600")
