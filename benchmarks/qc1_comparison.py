"""The whole QC1 comparison of a 365-night demo site against the ``fitsdiff`` command on the same
product pairs: both times, and whether both found the same differing products.

One QC1 float of one muc product is off by a relative 1e-3 (the catalogued fault
``qc1-float-off-1e-3``), so there is exactly one product both must find. fitsdiff reads FITS files
only; products the pipelines' cleanup left as ``.hdr`` header files are compared by our check
alone and counted separately.

Run: python benchmarks/qc1_comparison.py [--nights 365]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import tempfile
import time
from pathlib import Path

from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.demo import DemoOptions, build_demo_site
from pytest_mucverify.dfos.qc1compare import compare_qc1
from pytest_mucverify.runplan import make_plan
from pytest_mucverify.site import load_site


def account_of(site_file: Path) -> AccountUnderTest:
    site = load_site(site_file)
    plan = make_plan(site, ["giraffe"], None, None, "operational", Path(tempfile.gettempdir()))
    account = AccountUnderTest(plan, plan.targets[0])
    account.muc_env, account.ops_env  # noqa: B018 - sourced once per run, as the rc checks leave them
    return account


def our_comparison(
    account: AccountUnderTest, nights: list[dt.date]
) -> tuple[set[str], list[tuple[str, str]]]:
    """What qc1.values does for every night: the muc paths of differing products, and all pairs."""
    differing: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for night in nights:
        old, _ = account.ops_data.products_of_night(night)
        new, _ = account.muc_data.products_of_night(night)
        for key in sorted(set(old) & set(new)):
            pairs.append((old[key].path, new[key].path))
            if compare_qc1(old[key].values, new[key].values, account.site.tolerances):
                differing.add(new[key].path)
    return differing, pairs


def fitsdiff(pairs: list[tuple[str, str]], scratch: Path) -> set[int]:
    """One fitsdiff over two folders of links with matching names; the indexes of differing pairs."""
    left, right = scratch / "old", scratch / "new"
    left.mkdir()
    right.mkdir()
    for n, (old, new) in enumerate(pairs):
        (left / f"{n:05d}.fits").symlink_to(old)
        (right / f"{n:05d}.fits").symlink_to(new)
    done = subprocess.run(
        ["fitsdiff", "-r", "1e-6", "-a", "1e-9", str(left), str(right)],
        capture_output=True,
        text=True,
    )
    differing = set()
    for block in done.stdout.split(" fitsdiff: ")[1:]:
        found = re.search(r" b: \S*/(\d{5})\.fits", block)
        if found and "No differences found." not in block:
            differing.add(int(found.group(1)))
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = build_demo_site(
            Path(scratch) / "site",
            DemoOptions(accounts=("giraffe",), nights=args.nights, faults=("qc1-float-off-1e-3",)),
        )
        account = account_of(site)
        transition = account.spec.transition_date
        nights = [n for n in account.target.nights if transition and n >= transition]
        start = time.perf_counter()
        ours, pairs = our_comparison(account, nights)
        our_time = time.perf_counter() - start
        fits_pairs = [(o, n) for o, n in pairs if o.endswith(".fits") and n.endswith(".fits")]
        real_pairs = [
            (account.ops.files.real_path(o), account.muc.files.real_path(n)) for o, n in fits_pairs
        ]
        start = time.perf_counter()
        theirs = {fits_pairs[n][1] for n in fitsdiff(real_pairs, Path(scratch))}
        fitsdiff_time = time.perf_counter() - start
    ours_in_fits = {path for path in ours if path.endswith(".fits")}
    print(
        f"demo site: {args.nights} nights of giraffe, {len(nights)} nights compared, {len(pairs)} product pairs"
    )
    print(
        f"our QC1 comparison (all pairs, headers only)   {our_time:7.3f} s   differing: {len(ours)}"
    )
    print(
        f"fitsdiff on the {len(fits_pairs)} pairs that are FITS      {fitsdiff_time:7.3f} s   differing: {len(theirs)}"
    )
    per_ours, per_theirs = our_time / len(pairs), fitsdiff_time / max(1, len(fits_pairs))
    print(
        f"whole runs: fitsdiff / ours = {fitsdiff_time / our_time:.1f} (ours also covers {len(pairs) - len(fits_pairs)} .hdr pairs)"
    )
    print(
        f"per pair: ours {per_ours * 1000:.2f} ms, fitsdiff {per_theirs * 1000:.2f} ms, fitsdiff / ours = {per_theirs / per_ours:.0f}"
    )
    print(f"same differing FITS products found by both: {ours_in_fits == theirs} {sorted(theirs)}")


if __name__ == "__main__":
    main()
