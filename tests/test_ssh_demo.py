"""Whole verification runs with the old blade behind a real sshd (``mucverify demo-serve``).

The demo's dfo23 is served on 127.0.0.23 in its own mount namespace; each run must give what
the local run of the same site gives: the verdict, the rows (node ids), their statuses and what
each examined. Needs root (namespaces, a unix account) and OpenSSH; skipped, saying why, without.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import Verification, build_site, verify

from pytest_mucverify.cli import main
from pytest_mucverify.demo.sshserve import (
    NotRoot,
    ServedBlade,
    ServeError,
    require_root,
    served_site,
    stop_site,
)
from pytest_mucverify.demo.world import INSTRUMENTS

ACCOUNT = "giraffe"
OLD_BLADE = "dfo23"
FAULTS = (
    "ops-answers-as-other-blade",  # host
    "data-dir-not-sticky",  # disk
    "dbrc-old-blade",  # rc
    "ab-prefix-rawfile",  # ab
    "memory-missing-on-old",  # migration, on the old blade
    "non-standard-unlisted",  # migration, the old disk
    "autodaily-behind-sh-c-on-old",  # cron, the old blade's crontab
    "qc1-float-off-1e-3",  # qc1
    "score-flipped",  # qc1
    "home-not-shared",  # host: the old blade's /home is a stale copy (last: it copies the home)
)
FAULT_CHECKS = (
    "host.ops-reachable",
    "disk.sticky-bit",
    "rc.dbrc-hosts",
    "ab.clean-paths",
    "migration.calibration-memory",
    "migration.full",
    "cron.autodaily",
    "qc1.values",
    "qc1.scores",
    "host.shared-home",
)
FROZEN_TIMEOUT_S = 4.0


@pytest.fixture(scope="module", autouse=True)
def _root_and_openssh() -> None:
    try:
        require_root()
    except (NotRoot, ServeError) as exc:
        pytest.skip(str(exc))


def rows(run: Verification) -> dict[str, tuple[str, Any]]:
    """node id -> (status, what the row examined)."""
    return {r["nodeid"]: (r["status"], r["examined"]) for r in run.results(ACCOUNT)["checks"]}


def assert_same_run(over_ssh: Verification, local: Verification) -> None:
    assert over_ssh.returncode == local.returncode, over_ssh.output[-3000:]
    ssh_results, local_results = over_ssh.results(ACCOUNT), local.results(ACCOUNT)
    assert ssh_results["verdict"] == local_results["verdict"], ssh_results["verdict_reasons"]
    assert ssh_results["examined"] == local_results["examined"]
    differing = {
        node: (local_row, rows(over_ssh).get(node))
        for node, local_row in rows(local).items()
        if rows(over_ssh).get(node) != local_row
    }
    assert not differing, differing
    assert set(rows(over_ssh)) == set(rows(local))


@dataclass(frozen=True)
class CleanDemo:
    folder: Path
    local: Verification


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> CleanDemo:
    """The clean demo (giraffe only), and its local run."""
    folder = tmp_path_factory.mktemp("ssh-demo")
    site = build_site(folder / "site", accounts=(ACCOUNT,))
    local = verify(site, ACCOUNT, folder / "local")
    assert local.results(ACCOUNT)["verdict"] == "READY", local.output[-3000:]
    return CleanDemo(site.parent, local)


@pytest.fixture(scope="module")
def clean_served(clean: CleanDemo) -> Iterator[tuple[Path, ServedBlade]]:
    with served_site(clean.folder, [OLD_BLADE]) as (site, served):
        yield site, served[OLD_BLADE]


def test_the_served_blade_answers_as_dfo23_at_the_real_paths(
    clean_served: tuple[Path, ServedBlade],
) -> None:
    site, blade = clean_served
    assert blade.address == "127.0.0.23"
    assert f'url = "ssh://{{account}}@127.0.0.23:{blade.port}"' in site.read_text()
    probe = subprocess.run(
        blade.ssh_command(
            ACCOUNT,
            "hostname; uname -m; id -u; echo $HOME; readlink -f /data/giraffe; crontab -l | head -1",
        ),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert probe.stdout.split("\n")[:6] == [
        "dfo23",
        "i686",
        str(INSTRUMENTS[ACCOUNT].uid),
        "/home/giraffe",
        "/diska/data/giraffe",
        "# crontab of giraffe@dfo23",
    ]


def test_the_clean_demo_over_ssh_gives_the_local_rows(
    clean: CleanDemo, clean_served: tuple[Path, ServedBlade], tmp_path: Path
) -> None:
    over_ssh = verify(clean_served[0], ACCOUNT, tmp_path)
    assert over_ssh.results(ACCOUNT)["verdict"] == "READY", over_ssh.output[-3000:]
    assert_same_run(over_ssh, clean.local)


def test_eight_workers_against_one_blade(
    clean: CleanDemo, clean_served: tuple[Path, ServedBlade], tmp_path: Path
) -> None:
    over_ssh = verify(clean_served[0], ACCOUNT, tmp_path, workers=8)
    assert over_ssh.results(ACCOUNT)["verdict"] == "READY", over_ssh.output[-3000:]
    assert_same_run(over_ssh, clean.local)


def test_a_noisy_bashrc_and_a_banner_change_nothing(clean: CleanDemo, tmp_path: Path) -> None:
    if not Path("/etc/bash.bashrc").is_file():
        pytest.skip("no /etc/bash.bashrc to put the noise in (bash as Debian builds it reads it)")
    banner = tmp_path / "banner"
    banner.write_text("*** dfo23: authorised users only ***\n")
    with served_site(
        clean.folder,
        [OLD_BLADE],
        label="noise",
        noisy_bashrc=True,
        extra_config=[f"Banner {banner}"],
    ) as (site, served):
        # the noise is real: a plain ssh shows the greeting, the complaints and the banner
        plain = [
            "LogLevel=INFO" if word == "LogLevel=ERROR" else word
            for word in served[OLD_BLADE].ssh_command(ACCOUNT, "true")
        ]
        noise = subprocess.run(plain, capture_output=True, text=True, timeout=30, check=False)
        assert "Welcome to dfo23" in noise.stdout
        assert "Last backup" in noise.stderr and "authorised users only" in noise.stderr
        assert "stty" in noise.stderr
        over_ssh = verify(site, ACCOUNT, tmp_path / "run")
    assert over_ssh.results(ACCOUNT)["verdict"] == "READY", over_ssh.output[-3000:]
    assert_same_run(over_ssh, clean.local)


def test_a_tcsh_login_shell(clean: CleanDemo, tmp_path: Path) -> None:
    tcsh = shutil.which("tcsh")
    if tcsh is None:
        pytest.skip("tcsh is not installed (apt-get install tcsh)")
    with served_site(clean.folder, [OLD_BLADE], label="tcsh", login_shell=tcsh) as (site, served):
        shell = subprocess.run(
            served[OLD_BLADE].ssh_command(ACCOUNT, "echo $shell"),
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert shell.stdout.strip() == tcsh
        over_ssh = verify(site, ACCOUNT, tmp_path)
    assert over_ssh.results(ACCOUNT)["verdict"] == "READY", over_ssh.output[-3000:]
    assert_same_run(over_ssh, clean.local)


def counting_ssh(folder: Path) -> Path:
    """A folder whose ``ssh`` runs the real one and logs each call's duration and exit status."""
    real = shutil.which("ssh")
    assert real is not None
    folder.mkdir()
    log = folder / "calls"
    script = folder / "ssh"
    script.write_text(
        "#!/bin/sh\n"
        "started=$(date +%s.%N)\n"
        f'{real} "$@"; status=$?\n'
        f'echo "$started $(date +%s.%N) $status" >> {log}\n'
        'exit "$status"\n'
    )
    script.chmod(0o755)
    return log


def test_a_frozen_sshd_costs_one_timeout(
    clean: CleanDemo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_ssh(tmp_path / "bin")
    with served_site(clean.folder, [OLD_BLADE], label="frozen", timeout=FROZEN_TIMEOUT_S) as (
        site,
        served,
    ):
        os.kill(served[OLD_BLADE].pid, signal.SIGSTOP)
        monkeypatch.setenv("PATH", f"{calls.parent}:{os.environ['PATH']}")
        over_ssh = verify(site, ACCOUNT, tmp_path / "run", workers=2)
    results = over_ssh.results(ACCOUNT)
    assert results["verdict"] == "NOT READY", over_ssh.output[-3000:]
    # one connection attempt, given up after the host's timeout; nothing tried it again
    attempts = [line.split() for line in calls.read_text().splitlines()]
    assert len(attempts) == 1, attempts
    assert float(attempts[0][1]) - float(attempts[0][0]) < FROZEN_TIMEOUT_S + 3, attempts
    # and no check waited for the blade: the one timeout was the probe's, before the checks
    # (the rows' own durations, not the wall clock of a machine that may be loaded)
    waited = [r for r in results["checks"] if r["status"] == "error"]
    assert waited and max(r["duration"] for r in waited) < FROZEN_TIMEOUT_S, waited
    # every check that needed the blade is an error row with the one reason; nothing failed
    statuses = {r["status"] for r in results["checks"]}
    reasons = {r["message"] for r in results["checks"] if r["status"] == "error"}
    assert "failed" not in statuses
    assert len(reasons) == 1 and next(iter(reasons)).startswith(f"{OLD_BLADE}: "), reasons


def test_faults_of_every_family_fail_the_same_checks_over_ssh(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("ssh-faults")
    site = build_site(folder / "site", accounts=(ACCOUNT,), faults=FAULTS)
    local = verify(site, ACCOUNT, folder / "local")
    with served_site(site.parent, [OLD_BLADE]) as (ssh_site, _):
        over_ssh = verify(ssh_site, ACCOUNT, folder / "ssh")
    failing = {c for c, s in local.statuses(ACCOUNT).items() if s == "failed"}
    assert set(FAULT_CHECKS) <= failing, local.statuses(ACCOUNT)
    assert over_ssh.statuses(ACCOUNT) == local.statuses(ACCOUNT)
    assert_same_run(over_ssh, local)


def test_every_old_blade_of_the_default_demo_served_and_stopped_by_the_command(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path_factory.mktemp("ssh-all")
    site_dir = build_site(folder / "site").parent
    try:
        assert main(["demo-serve", str(site_dir)]) == 0
        said = capsys.readouterr().out
        pids = {p.parent.name: int(p.read_text()) for p in site_dir.glob("ssh/*/sshd.pid")}
        assert sorted(pids) == ["dfo22", "dfo23", "qc03"]
        for host, address in (("dfo22", "22"), ("dfo23", "23"), ("qc03", "103")):
            assert f"{host}: sshd pid {pids[host]} on 127.0.0.{address}:" in said
        over_ssh = verify(site_dir / "site-ssh.toml", "all", folder / "ssh", workers=2)
        assert main(["demo-serve", str(site_dir), "--stop"]) == 0
        assert not list(site_dir.glob("ssh/*/sshd.pid"))
        for pid in pids.values():
            state = Path(f"/proc/{pid}/stat")
            assert not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    finally:
        stop_site(site_dir)
    for account in ("giraffe", "uves", "xshooter"):
        results = over_ssh.results(account)
        assert results["verdict"] == "READY", (account, results["verdict_reasons"])
