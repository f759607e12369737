"""The verification suites as the benchmarks run them: one whole run of an account against a site
file, in a child process, from the checkout (pytest's start-up included in its time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SUITES = REPO / "pytest_mucverify" / "suites"


NOT_INSTALLED_FOR_USE = ("-p", "no:hypothesispytest", "-p", "no:benchmark")
"""Plugins this machine has that a blade which installs the plugin for use does not: hypothesis
(the project's own tests need it, ``.[test]``), whose pytest plugin imports hypothesis at the end
of every process, xdist workers included (13 MiB and up to a second of CPU each), and
pytest-benchmark (no dependency of the project)."""


def suite_command(site: Path, account: str, workers: int, reports: Path) -> list[str]:
    """One run of the account (or accounts, comma-separated) against the site, as a blade that
    installed the plugin for use runs it."""
    return [
        sys.executable, "-m", "pytest", str(SUITES), f"--account={account}", f"--site={site}",
        f"--reports-dir={reports}", "-p", "no:cacheprovider", *NOT_INSTALLED_FOR_USE, "-q",
        "-n", str(workers),
    ]  # fmt: skip


def build_site(site_dir: Path, accounts: str, nights: int, density: int) -> Path:
    """A demo site built by ``mucverify demo-site`` from the checkout."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_mucverify.cli",
            "demo-site",
            f"--accounts={accounts}",
            f"--nights={nights}",
            f"--density={density}",
            str(site_dir),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return site_dir / "site.toml"


def clean_environment(**changes: str) -> dict[str, str]:
    """This environment without the run's own settings (``MUCVERIFY_*``, ``PYTEST_*``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUCVERIFY_", "PYTEST_"))}
    env.update(changes)
    return env


def timed_run(
    site: Path, account: str, reports: Path, workers: int, env: dict[str, str] | None = None
) -> tuple[float, dict[str, Any]]:
    """Wall time of one whole run and its results.json (the muc02 one of the account)."""
    command = suite_command(site, account, workers, reports)
    started = time.perf_counter()
    subprocess.run(
        command, cwd=REPO, env=env or clean_environment(), capture_output=True, check=False
    )
    seconds = time.perf_counter() - started
    results: dict[str, Any] = json.loads((reports / account / "muc02" / "results.json").read_text())
    return seconds, results
