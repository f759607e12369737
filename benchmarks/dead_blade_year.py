"""A dead old blade on a year-long site: the whole run against a 365-night demo site (giraffe)
with its old blade dfo23 answering, and with dfo23 behind a hung sshd (a port that accepts
connections and never says a word), interleaved, from the same process tree.

The dead run must be NOT READY, every error row with the one reason of the blade, one ssh
attempt (the probe before the checks), and take about the healthy run less the old blade's work
plus one timeout. Prints the build time of the site, the wall time of each run with pytest's
start-up (median of --repeat), the ssh attempts and the slowest error row.

Run: python benchmarks/dead_blade_year.py [--nights 365] [--timeout 5] [--workers 0] [--repeat 1]
     [--site DIR]  (a folder built by ``mucverify demo-site --accounts giraffe --nights 365``)
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from suiterun import clean_environment, timed_run

from pytest_mucverify.demo import DemoOptions, build_demo_site

ACCOUNT = "giraffe"
LOCAL_OLD_BLADE = (
    '[hosts.dfo23]\nurl = "local://"\nroot = "hosts/dfo23"\nbin = "hosts/dfo23/bin"\n'
    'mounts = { "/home" = "home" }'
)


def frozen_port() -> int:
    """A port of 127.0.0.1 that accepts connections and never answers, for the process's life."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []

    def serve() -> None:
        while True:
            accepted.append(server.accept()[0])

    threading.Thread(target=serve, daemon=True).start()
    port: int = server.getsockname()[1]
    return port


def dead_site(site: Path, port: int, timeout: float) -> Path:
    text = site.read_text()
    if LOCAL_OLD_BLADE not in text:
        raise SystemExit(f"{site}: dfo23 is not the demo's local blade")
    dead = site.with_name("site-dead-dfo23.toml")
    dead.write_text(
        text.replace(
            LOCAL_OLD_BLADE,
            f'[hosts.dfo23]\nurl = "ssh://{ACCOUNT}@127.0.0.1:{port}"\ntimeout = {timeout:g}',
        )
    )
    return dead


def counting_ssh(folder: Path) -> tuple[Path, Path]:
    """A folder with an ``ssh`` that logs its arguments and runs the real one, and the log."""
    real = shutil.which("ssh")
    if real is None:
        raise SystemExit("needs an OpenSSH client (ssh)")
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "ssh-attempts"
    wrapper = folder / "ssh"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    return folder, log


def run_suite(site: Path, reports: Path, workers: int, path: str) -> tuple[float, dict[str, Any]]:
    shutil.rmtree(reports, ignore_errors=True)
    return timed_run(site, ACCOUNT, reports, workers, clean_environment(PATH=path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--site", type=Path, help="a built demo site to reuse")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="mucverify-dead-year-"))
    try:
        if args.site:
            site = args.site / "site.toml"
            print(f"site: {site} (reused)")
        else:
            started = time.perf_counter()
            site = build_demo_site(
                scratch / "site", DemoOptions(accounts=(ACCOUNT,), nights=args.nights)
            )
            print(f"built the {args.nights}-night site in {time.perf_counter() - started:.1f} s")
        dead = dead_site(site, frozen_port(), args.timeout)
        wrappers, log = counting_ssh(scratch / "bin")
        path = f"{wrappers}:{os.environ['PATH']}"
        times: dict[str, list[float]] = {"healthy": [], "dead": []}
        for _ in range(args.repeat):
            seconds, healthy = run_suite(site, scratch / "reports-healthy", args.workers, path)
            times["healthy"].append(seconds)
            log.unlink(missing_ok=True)
            seconds, results = run_suite(dead, scratch / "reports-dead", args.workers, path)
            times["dead"].append(seconds)
            tried = [line for line in log.read_text().splitlines() if " -O " not in f" {line} "]
        errors = [row for row in results["checks"] if row["status"] == "error"]
        nights = results["window"]["nights"] if results.get("window") else "?"
        print(f"nights examined: {nights}, workers: {args.workers}, timeout: {args.timeout:g} s")
        print(
            f"healthy: {statistics.median(times['healthy']):.2f} s, {healthy['verdict']},"
            f" {len(healthy['checks'])} rows"
        )
        print(
            f"dead dfo23: {statistics.median(times['dead']):.2f} s, {results['verdict']},"
            f" {len(errors)} error rows, reasons: {sorted({row['message'] for row in errors})}"
        )
        print(f"ssh attempts in the dead run: {len(tried)}")
        slowest = max((row["duration"] for row in errors), default=0.0)
        print(f"slowest error row: {slowest:.3f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
