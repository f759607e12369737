"""Architecture and I.2: the new blade is a 64-bit, many-core muc with condor; the old one answers."""

from __future__ import annotations

from pytest_mucverify import check, examined, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.condor import slot_names

MIN_CORES = 12


def short(hostname: str) -> str:
    return hostname.split(".", 1)[0]


@check("host.is-muc")
def test_the_new_blade_answers_as_the_muc(account: AccountUnderTest) -> None:
    name = short(account.muc.answer("hostname"))
    examined("commands answered", 1)
    require(name == account.muc.name, f"the host reached as {account.muc.name} answers as {name!r}")


@check("host.64bit")
def test_the_muc_runs_a_64bit_os(account: AccountUnderTest) -> None:
    machine = account.muc.answer("uname", "-m")
    examined("commands answered", 1)
    require(machine == "x86_64", f"uname -m on {account.muc.name} says {machine!r}, not x86_64")


@check("host.cores")
def test_the_muc_offers_at_least_12_cores(account: AccountUnderTest) -> None:
    answer = account.muc.answer("nproc")
    examined("commands answered", 1)
    require(answer.isdigit(), f"nproc on {account.muc.name} answered {answer!r}")
    require(
        int(answer) >= MIN_CORES,
        f"{account.muc.name} offers {answer} cores, fewer than {MIN_CORES}",
    )


@check("host.condor-slots")
def test_condor_answers_with_the_configured_slots(account: AccountUnderTest) -> None:
    expected = account.muc.host.condor_slots
    require(expected is not None, f"the site file gives no condor_slots for {account.muc.name}")
    status = account.muc.run("condor_status")
    reason = (
        status.stderr.strip().splitlines()[-1]
        if status.stderr.strip()
        else f"exit {status.exit_status}"
    )
    require(status.succeeded, f"condor_status failed on {account.muc.name}: {reason}")
    slots = slot_names(status.text)
    examined("condor slots listed", len(slots))
    require(
        len(slots) == expected,
        f"condor lists {len(slots)} slots, the site expects {expected}",
        slots,
    )


@check("host.ops-reachable")
def test_the_old_blade_answers_as_itself(account: AccountUnderTest) -> None:
    name = short(account.ops.answer("hostname"))
    examined("commands answered", 1)
    require(name == account.ops.name, f"the host reached as {account.ops.name} answers as {name!r}")


@check("host.shared-home")
def test_both_blades_see_the_same_home(account: AccountUnderTest) -> None:
    differing = []
    for rc in (".dfosrc", ".qcrc"):
        path = account.home_file(rc)
        examined("home files compared", 1)
        if account.muc.read_bytes(path) != account.ops.read_bytes(path):
            differing.append(f"{path} differs between {account.muc.name} and {account.ops.name}")
    require_none(differing, "home files differ between the blades: $HOME is not the shared one")
