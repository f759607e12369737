"""``-n auto`` weighs a run by the ABs it examines: a busy account's nights call for workers, the
demo's thin ones do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_site

from pytest_mucverify import autoworkers
from pytest_mucverify.runplan import make_plan
from pytest_mucverify.site import load_site


def reason_for(site: Path) -> str | None:
    plan = make_plan(load_site(site), ["giraffe"], None, None, "operational", Path("reports"))
    return autoworkers.one_process_reason(plan)


def test_abs_not_nights_decide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    thin = build_site(tmp_path / "thin", accounts=("giraffe",), nights=12)
    busy = build_site(tmp_path / "busy", accounts=("giraffe",), nights=12, density=20)
    plan = make_plan(load_site(busy), ["giraffe"], None, None, "operational", Path("reports"))
    (target,) = plan.targets
    per_night = autoworkers.abs_a_night(plan, target)
    assert per_night > 60  # 3 raw types x 20, the SCIENCE, FAILED and INCOMPLETE ABs
    # as many AB-nights as the busy site makes: workers for it, one process for the thin one
    monkeypatch.setattr(autoworkers, "XDIST_PAYS_FROM", len(target.nights) * per_night)
    assert reason_for(busy) is None
    said = reason_for(thin)
    assert said is not None and "-n auto runs in one process" in said
    assert f"{len(target.nights)} account-nights" in said


def test_a_muc_that_cannot_say_counts_no_ab(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=4)
    plan = make_plan(load_site(site), ["giraffe"], None, None, "operational", Path("reports"))
    (target,) = plan.targets
    logs = next((tmp_path / "site").rglob("logs"))
    for night in logs.iterdir():
        for ab in [*night.glob("*.ab"), *night.glob("*.log")]:
            ab.unlink()
    assert autoworkers.abs_a_night(plan, target) == 0
    assert reason_for(site) is not None
