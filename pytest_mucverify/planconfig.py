"""What a run verifies, from pytest's configuration: each setting from the command line, then
the ini file, then the environment, then its default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .phases import PHASES
from .runplan import DEFAULT_PHASE, DEFAULT_REPORTS_DIR, RunPlan, UsageProblem, make_plan
from .site import load_site


def _setting(
    config: pytest.Config, option: str, ini: str, env: str | None, default: str | None
) -> str | None:
    """Command line, then ini, then environment, then the default."""
    value = config.getoption(option)
    if value:
        return str(value)
    ini_value = config.getini(ini)
    if ini_value:
        return str(ini_value)
    if env and os.environ.get(env):
        return os.environ[env]
    return default


def plan_from_config(config: pytest.Config) -> RunPlan:
    site_value = _setting(config, "site", "mucverify_site", "MUCVERIFY_SITE", None)
    if not site_value:
        raise UsageProblem(
            "no site given: use --site=PATH to a site file, or --site=demo for the simulated blade pair"
        )
    phase = (
        _setting(config, "phase", "mucverify_phase", "MUCVERIFY_PHASE", DEFAULT_PHASE)
        or DEFAULT_PHASE
    )
    reports = Path(
        _setting(config, "reports_dir", "mucverify_reports_dir", None, DEFAULT_REPORTS_DIR)
        or DEFAULT_REPORTS_DIR
    )
    if phase not in PHASES:
        raise UsageProblem(f"--phase={phase}: not a phase; use one of {', '.join(PHASES)}")
    reports = reports if reports.is_absolute() else Path(config.invocation_params.dir) / reports
    for folder in (reports, *reports.parents):
        if folder.exists():
            if not folder.is_dir():
                raise UsageProblem(f"--reports-dir={reports}: {folder} is a file, not a folder")
            break
    if site_value == "demo":
        from .demo.cache import cached_demo_site

        site_path = cached_demo_site(Path(config.rootpath) / ".mucverify-cache", phase=phase)
    else:
        site_path = Path(site_value)
        if site_path.is_dir():
            site_path = site_path / "site.toml"
    site = load_site(site_path)
    return make_plan(
        site,
        config.getoption("account"),
        config.getoption("host"),
        config.getoption("ops_host"),
        phase,
        reports,
        config.getoption("dates"),
        _setting(config, "today", "mucverify_today", "MUCVERIFY_TODAY", None),
    )
