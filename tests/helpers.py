"""Shared by the plugin's own tests: build demo sites and run the verification suites on them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_mucverify.demo import DemoOptions, build_demo_site

REPO = Path(__file__).resolve().parents[1]
SUITES = REPO / "pytest_mucverify" / "suites"
OK_STATUSES = {"passed", "not-applicable"}


@dataclass
class Verification:
    returncode: int
    output: str
    reports: Path

    def results(self, account: str, host: str = "muc02") -> dict[str, Any]:
        """The run's results: partial-results.json for a run that selected part of the checks
        (-k, node ids), results.json for a full one."""
        folder = self.reports / account / host
        partial = folder / "partial-results.json"
        path = partial if partial.is_file() else folder / "results.json"
        data: dict[str, Any] = json.loads(path.read_text())
        return data

    def statuses(self, account: str) -> dict[str, str]:
        """check id -> status (the worst status where a check has several rows)."""
        found: dict[str, str] = {}
        for row in self.results(account)["checks"]:
            found.setdefault(row["check"], row["status"])
            if row["status"] not in OK_STATUSES:
                found[row["check"]] = row["status"]
        return found


def build_site(dest: Path, **options: Any) -> Path:
    return build_demo_site(dest, DemoOptions(**options))


def verify(
    site: Path, account: str, tmp: Path, *args: str, workers: int = 0, timeout: float = 300
) -> Verification:
    reports = tmp / "reports"
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(SUITES),
        f"--account={account}",
        f"--site={site}",
        f"--reports-dir={reports}",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:benchmark",
        "-n",
        str(workers),
        *args,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUCVERIFY_", "PYTEST_"))}
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env
    )
    return Verification(done.returncode, done.stdout + done.stderr, reports)


def with_waivers(site: Path, text: str, name: str = "waivers.toml") -> Path:
    """Name a waiver file with this text in the site file (``[site] waivers = ...``)."""
    (site.parent / name).write_text(text)
    site.write_text(site.read_text().replace("[site]\n", f'[site]\nwaivers = "{name}"\n', 1))
    return site
