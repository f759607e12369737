"""Every catalogued fault makes its own check fail and no other; the clean site passes everything."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import OK_STATUSES, build_site, verify

from pytest_mucverify.catalogue import CHECKS
from pytest_mucverify.demo import FAULTS, Fault
from pytest_mucverify.phases import PHASES


def acceptable(row: dict[str, Any]) -> bool:
    """Passed, not applicable, or not run because the claimed phase does not need it yet."""
    return row["status"] in OK_STATUSES or (row["status"] == "not-run" and not row["required"])


def test_every_check_has_a_fault_that_makes_it_fail() -> None:
    caught = {fault.check for fault in FAULTS if not fault.tolerated}
    assert [spec.id for spec in CHECKS if spec.id not in caught] == []


def test_every_fault_names_a_catalogued_check() -> None:
    ids = {spec.id for spec in CHECKS}
    assert [fault.id for fault in FAULTS if fault.check not in ids] == []


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_the_fault_is_caught_by_its_check_and_only_by_it(fault: Fault, tmp_path: Path) -> None:
    if fault.needs_root and os.geteuid() != 0:
        pytest.skip("this fault changes a file's owner, which needs root")
    site = build_site(
        tmp_path / "site",
        accounts=(fault.account,),
        nights=8,
        phase=fault.phase,
        faults=(fault.id,),
    )
    run = verify(site, fault.account, tmp_path, f"--phase={fault.phase}")
    rows = run.results(fault.account)["checks"]
    if fault.tolerated:
        assert [row["nodeid"] for row in rows if not acceptable(row)] == []
        assert run.results(fault.account)["verdict"] == "READY"
        return
    assert {row["status"] for row in rows if row["check"] == fault.check} >= {"failed"}, run.output[
        -3000:
    ]
    assert [
        row["nodeid"]
        for row in rows
        if row["check"] not in (fault.check, *fault.also) and not acceptable(row)
    ] == []
    assert run.results(fault.account)["verdict"] == "NOT READY"
    assert run.returncode == 1


@pytest.mark.parametrize("phase", PHASES)
def test_the_clean_site_is_ready_in_every_phase(phase: str, tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", nights=8, phase=phase)
    run = verify(site, "all", tmp_path, f"--phase={phase}")
    assert run.returncode == 0, run.output[-3000:]
    for account in ("giraffe", "uves", "xshooter"):
        results = run.results(account)
        assert results["verdict"] == "READY"
        assert [row["nodeid"] for row in results["checks"] if not acceptable(row)] == []
