"""Installed like a pytest plugin: the suites ship with the package, run from any directory, and
are selected the pytest way by check id, phase and family."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from helpers import REPO, build_site

from pytest_mucverify.catalogue import CHECKS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("selection") / "site", accounts=("giraffe",))


def run_from(
    folder: Path, *args: str, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUCVERIFY_", "PYTEST_"))}
    env.pop("PYTHONPATH", None)
    env["COLUMNS"] = "250"
    return subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder, capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip


def checks_run(reports: Path, name: str = "partial-results.json") -> set[str]:
    data = json.loads((reports / "giraffe" / "muc02" / name).read_text())
    return {row["check"] for row in data["checks"] if row["nodeid"]}


def test_a_run_from_any_directory_collects_the_shipped_suites(site: Path, tmp_path: Path) -> None:
    done = run_from(tmp_path, "--account=giraffe", f"--site={site}", "--reports-dir=reports")
    assert done.returncode == 0, done.stdout[-3000:]
    assert checks_run(tmp_path / "reports", "results.json") == {spec.id for spec in CHECKS}


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (["-k", "qc1.values"], {"qc1.values"}),
        (["-m", "phase_verification"], {s.id for s in CHECKS if s.phase == "verification"}),
        (["-m", "qc1"], {s.id for s in CHECKS if s.family == "qc1"}),
        (["-m", "cron and phase_setup"], {"cron.syntax", "cron.autodaily"}),
    ],
    ids=["check-id", "phase", "family", "family-and-phase"],
)
def test_checks_are_selected_by_id_phase_and_family(
    selection: list[str], expected: set[str], site: Path, tmp_path: Path
) -> None:
    done = run_from(
        tmp_path, "--account=giraffe", f"--site={site}", "--reports-dir=reports", *selection
    )
    assert checks_run(tmp_path / "reports") == expected, done.stdout[-2000:]


def test_verbose_output_and_the_short_summary_name_the_check(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), faults=("data-dir-not-sticky",))
    done = run_from(
        tmp_path, "--account=giraffe", f"--site={site}", "--reports-dir=reports", "-v", "-rfs"
    )
    assert "PASSED host.cores passed" in done.stdout
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    assert any(
        "disk.sticky-bit" in line and "/data directories without the sticky bit" in line
        for line in failed
    ), failed
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skipped and all("suites/test_" in line for line in skipped)
    assert not any("checking.py" in line for line in skipped)


def test_a_wheel_install_runs_the_demo_from_a_fresh_directory(tmp_path: Path) -> None:
    """A blade gets a wheel, not a checkout: built here, installed into a fresh environment (its
    dependencies from this one), and run as the README says from an empty folder."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    wheel = next(dist.glob("pytest_mucverify-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = str(env_dir / "bin" / "python")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # the wheel goes into the fresh environment even where this one has the project installed
    # (an editable install is "the same version" to pip, and it would answer the import)
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q", str(wheel)],
        check=True, capture_output=True, timeout=300, env=clean,
    )  # fmt: skip
    where = subprocess.run(
        [python, "-c", "import pytest_mucverify; print(pytest_mucverify.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True, env=clean,
    )  # fmt: skip
    assert str(env_dir) in where.stdout
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    done = run_from(
        fresh, "--account=giraffe", "--host=muc02", "--site=demo", "-n", "0", python=python
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "giraffe on muc02 (operational): READY" in done.stdout
    assert (fresh / "reports" / "giraffe" / "muc02" / "certification.html").is_file()


def test_pytest_html_shows_a_skipped_check_by_status_and_reason(site: Path, tmp_path: Path) -> None:
    done = run_from(
        tmp_path, "--account=giraffe", f"--site={site}", "--reports-dir=reports",
        f"--html={tmp_path / 'run.html'}", "-k", "qcrc",
    )  # fmt: skip
    html = (tmp_path / "run.html").read_text()
    assert "not-applicable: giraffe is not a QC-cluster account" in html, done.stdout[-2000:]
    assert "Skipped: not-applicable" not in html


def test_n_auto_runs_a_small_run_in_one_process_and_says_so(site: Path, tmp_path: Path) -> None:
    done = run_from(
        tmp_path, "--account=giraffe", f"--site={site}", "--reports-dir=reports", "-n", "auto"
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "mucverify: -n auto runs in one process" in done.stdout
    assert "bringing up nodes" not in done.stdout and "[gw0]" not in done.stdout
