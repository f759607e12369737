"""Peak memory of a run of two dense accounts at ``-n 6``.

Builds (or reuses, from --workdir) a demo site of --nights nights at --density CALIB ABs of each
raw type a night for giraffe (three raw types: ~100 ABs a night) and uves (two), both migrating
to muc02, and runs the whole suite for both accounts in one run at ``-n 6`` (and at ``-n 0`` for
comparison), each run in a fresh child measured as ``suite_year.py`` measures: wall time, CPU of
the whole process tree, peak RSS of its largest process. Prints the medians and writes them to
<workdir>/two_accounts.json.

Run: python benchmarks/two_accounts.py [--nights 365] [--density 33] [--repeat 1] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from suite_year import measured, site_files
from suiterun import REPO, build_site, suite_command

ACCOUNTS = ("giraffe", "uves")


def build(site_dir: Path, nights: int, density: int) -> tuple[Path, float | None]:
    site = site_dir / "site.toml"
    if site.is_file():
        return site, None
    started = time.perf_counter()
    build_site(site_dir, ",".join(ACCOUNTS), nights, density)
    return site, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--density", type=int, default=33)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mucverify-two-accounts"))
    args = parser.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    site, seconds = build(work / f"year-{args.nights}", args.nights, args.density)
    count, size = site_files(site)
    built = f"built in {seconds:.0f} s" if seconds is not None else "reused"
    print(f"{', '.join(ACCOUNTS)}, {args.nights} nights, density {args.density}: {built};"
          f" {count} files, {size / 2**20:.0f} MiB")  # fmt: skip
    series: dict[str, list[dict[str, Any]]] = {}
    for attempt in range(args.repeat):
        for workers in (6, 0):
            name = f"-n {workers}"
            result = measured(
                suite_command(site, ",".join(ACCOUNTS), workers, work / f"reports-{workers}"), REPO
            )
            if result["returncode"] != 0:
                print(f"{name}: exit {result['returncode']}\n{result['stderr']}")
            series.setdefault(name, []).append(result)
            print(
                f"  round {attempt + 1} {name:5} {result['wall']:7.2f} s wall"
                f" {result['cpu']:7.2f} s CPU {result['peak_mib']:6.0f} MiB largest process,"
                f" {result['peak_total_mib']:6.0f} MiB RSS all,"
                f" {result['peak_total_pss_mib']:6.0f} MiB PSS all  load {result['load']:.1f}",
                flush=True,
            )
    summary = {
        name: {
            f: statistics.median(r[f] for r in runs)
            for f in ("wall", "cpu", "peak_mib", "peak_total_mib", "peak_total_pss_mib")
        }
        for name, runs in series.items()
    }
    print(f"medians of {args.repeat} (target: peak ≤ 500 MB at -n 6):")
    for name, values in summary.items():
        print(f"  {name:5} {values['wall']:7.2f} s wall {values['cpu']:7.2f} s CPU"
              f" {values['peak_mib']:6.0f} MiB largest process,"
              f" {values['peak_total_mib']:6.0f} MiB RSS all,"
              f" {values['peak_total_pss_mib']:6.0f} MiB PSS all")  # fmt: skip
    (work / "two_accounts.json").write_text(
        json.dumps({"build_seconds": seconds, "medians": summary, "runs": series}, indent=1)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
