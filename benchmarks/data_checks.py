"""Speed of the data checks against the plain tools, on a 365-night demo site.

Measured in one process tree on the same files:
- the AB clean-path check (every night's ABs on the muc) against ``grep -rlF`` of the same trees;
- the stray-FITS scan (every data directory of the muc) against ``find -name '*.fits*'``;
- the peak memory of both, on a site of 90 and of 365 nights (flat means the ratio stays near 1).

Run: python benchmarks/data_checks.py [--nights 365] [--repeat 5]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.demo import DemoOptions, build_demo_site
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, FITS_SUFFIXES
from pytest_mucverify.dfos.placement import stray_fits
from pytest_mucverify.runplan import make_plan
from pytest_mucverify.site import load_site


def account_of(site_file: Path) -> AccountUnderTest:
    site = load_site(site_file)
    plan = make_plan(site, ["giraffe"], None, None, "operational", Path(tempfile.gettempdir()))
    return AccountUnderTest(plan, plan.targets[0])


def fresh(site_file: Path) -> AccountUnderTest:
    """A new context with the muc environment already sourced, as the rc checks leave it in a
    run (sourcing is one bash call per account and worker, timed on its own)."""
    account = account_of(site_file)
    account.muc_env  # noqa: B018
    return account


def ab_check(account: AccountUnderTest) -> int:
    """What ab.clean-paths does for every night of the window."""
    rules = account.ab_path_rules
    unclean = 0
    for night in account.target.nights:
        for path, data in account.muc_data.ab_files_of_night(night):
            unclean += len(rules.unclean_paths_of_file(data, path))
    return unclean


def stray_scan(account: AccountUnderTest) -> int:
    """What fits.stray does for every standard data directory."""
    transition = account.spec.transition_date
    assert transition is not None
    strays = 0
    for directory in DATA_DIRECTORIES:
        errors: list[str] = []
        folder = account.directory(directory.variable)
        strays += len(
            stray_fits(
                directory.variable,
                account.muc.find_files(folder, FITS_SUFFIXES, errors),
                transition,
            )
        )
    return strays


def best_of(
    repeat: int, action: Callable[[], object], prepare: Callable[[], object] = lambda: None
) -> float:
    times = []
    for _ in range(repeat):
        prepared = prepare()
        start = time.perf_counter()
        action() if prepared is None else action(prepared)  # type: ignore[call-arg]
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        big = build_demo_site(
            Path(scratch) / "big", DemoOptions(accounts=("giraffe",), nights=args.nights)
        )
        built = time.perf_counter() - started
        small = build_demo_site(
            Path(scratch) / "small", DemoOptions(accounts=("giraffe",), nights=90)
        )
        account = account_of(big)
        real = account.muc.files.real_path
        ab_trees = [real(account.directory("DFO_AB_DIR")), real(account.directory("DFO_LOG_DIR"))]
        disk = real(account.physical_root)

        sourcing = best_of(args.repeat, lambda: account_of(big).muc_env)
        ab_time = best_of(args.repeat, ab_check, lambda: fresh(big))
        grep_time = best_of(
            args.repeat,
            lambda: subprocess.run(["grep", "-rlF", "/fujisan3", *ab_trees], capture_output=True),
        )
        scan_time = best_of(args.repeat, stray_scan, lambda: fresh(big))
        find_time = best_of(
            args.repeat,
            lambda: subprocess.run(["find", disk, "-name", "*.fits*"], capture_output=True),
        )
        small_account, big_account = fresh(small), fresh(big)
        ab_memory = (
            peak_memory(lambda: ab_check(small_account)),
            peak_memory(lambda: ab_check(big_account)),
        )
        small_account, big_account = fresh(small), fresh(big)
        scan_memory = (
            peak_memory(lambda: stray_scan(small_account)),
            peak_memory(lambda: stray_scan(big_account)),
        )

    print(
        f"demo site: {args.nights} nights of giraffe, built in {built:.1f} s; best of {args.repeat} runs"
    )
    print(
        f"AB clean-path check   {ab_time * 1000:7.1f} ms   grep -rlF   {grep_time * 1000:7.1f} ms   ratio {ab_time / grep_time:4.2f} (target <= 3)"
    )
    print(
        f"stray-FITS scan       {scan_time * 1000:7.1f} ms   find -name  {find_time * 1000:7.1f} ms   ratio {scan_time / find_time:4.2f} (target <= 1.5)"
    )
    for label, (small_peak, big_peak) in (("AB check", ab_memory), ("stray scan", scan_memory)):
        print(
            f"peak memory {label:10}  90 nights {small_peak / 1024:7.0f} KiB   {args.nights} nights {big_peak / 1024:7.0f} KiB   ratio {big_peak / small_peak:4.2f}"
        )
    print(f"sourcing the muc environment (once per account and worker): {sourcing * 1000:.1f} ms")


if __name__ == "__main__":
    main()
