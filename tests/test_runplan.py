"""From options to the accounts a run verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

import pytest_mucverify
from pytest_mucverify.runplan import UsageProblem, make_plan, split_accounts
from pytest_mucverify.site import load_site

FLEET = load_site(Path(pytest_mucverify.__file__).parent / "sites" / "fleet.toml")


def plan(
    accounts: list[str], host: str | None = None, ops: str | None = None, phase: str = "operational"
):
    return make_plan(FLEET, accounts, host, ops, phase, Path("reports"))


def test_accounts_may_be_repeated_or_comma_separated() -> None:
    assert split_accounts(["giraffe,uves", "xshooter", "uves"]) == ["giraffe", "uves", "xshooter"]
    assert [t.account.name for t in plan(["uves,giraffe"]).targets] == ["giraffe", "uves"]


def test_all_means_every_account_of_the_host() -> None:
    assert [t.account.name for t in plan(["all"], host="muc02").targets] == [
        "giraffe",
        "qc_shift",
        "uves",
        "xshooter",
    ]
    # the fleet file places every muc as local://: a run checks the muc it runs on
    with pytest.raises(UsageProblem, match="run it on each muc"):
        plan(["all"])


def test_the_ops_host_can_be_overridden() -> None:
    target = plan(["giraffe"], ops="dfo10").targets[0]
    assert (target.host, target.ops_host) == ("muc02", "dfo10")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"accounts": ["giraffe"], "host": "muc03"},
            "--host=muc03: giraffe is placed on muc02; use --host=muc02",
        ),
        ({"accounts": ["nobody"]}, "--account=nobody: the site"),
        ({"accounts": ["giraffe"], "phase": "done"}, "--phase=done: not a phase"),
        ({"accounts": [","]}, "--account: name at least one account"),
        ({"accounts": ["giraffe"], "host": "muc99"}, "--host=muc99: the site"),
    ],
)
def test_usage_problems_are_one_line(kwargs, message: str) -> None:
    with pytest.raises(UsageProblem) as raised:
        plan(**kwargs)
    assert message in str(raised.value)


def test_a_run_over_two_local_mucs_is_refused(tmp_path: Path) -> None:
    site_file = tmp_path / "site.toml"
    site_file.write_text(
        '[hosts.muc01]\nurl = "local://"\n[hosts.muc02]\nurl = "local://"\n'
        '[hosts.dfo23]\nurl = "ssh://{account}@dfo23"\n'
        '[accounts.giraffe]\nmuc = "muc02"\nops = "dfo23"\n'
        '[accounts.kmos]\nmuc = "muc01"\nops = "dfo23"\n'
    )
    site = load_site(site_file)
    with pytest.raises(UsageProblem, match="muc01, muc02, which the site reaches as local://"):
        make_plan(site, ["all"], None, None, "operational", tmp_path)
    assert [t.host for t in make_plan(site, ["all"], "muc02", None, "setup", tmp_path).targets] == [
        "muc02"
    ]
