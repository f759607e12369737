"""Where xdist starts to pay: the whole suite at ``-n 0`` and ``-n 2`` on sites of growing size.

Builds (or reuses, from --workdir) demo sites of giraffe alone: the README's 8 nights, 90 and 365
nights at the demo's density (3 ABs a night) and 30 and 90 nights at --density (~100 ABs a
night), and runs the suite on each at ``-n 0`` and ``-n 2``, interleaved, each run in a fresh
child measured as ``suite_year.py`` measures. Prints, for each site, the account-nights the run
examines and the median wall times; ``-n auto`` should use workers where ``-n 2`` wins
(``XDIST_PAYS_FROM`` in autoworkers.py).

Run: python benchmarks/auto_workers.py [--density 33] [--repeat 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from suite_year import measured
from suiterun import REPO, build_site, suite_command

ACCOUNT = "giraffe"


def build(site_dir: Path, nights: int, density: int) -> Path:
    site = site_dir / "site.toml"
    return site if site.is_file() else build_site(site_dir, ACCOUNT, nights, density)


def examined_nights(reports: Path) -> int:
    results = json.loads((reports / ACCOUNT / "muc02" / "results.json").read_text())
    return int(results["window"]["nights"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--density", type=int, default=33)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mucverify-auto-workers"))
    args = parser.parse_args()
    work = args.workdir.resolve()
    sizes = [(8, 1), (90, 1), (365, 1), (30, args.density), (90, args.density)]
    sites = {f"{n} nights x{d}": build(work / f"n{n}-d{d}", n, d) for n, d in sizes}
    series: dict[str, list[dict[str, Any]]] = {}
    nights: dict[str, int] = {}
    for attempt in range(args.repeat):
        for name, site in sites.items():
            for workers in (0, 2):
                reports = work / "reports" / f"{name}-{workers}".replace(" ", "_")
                result = measured(suite_command(site, ACCOUNT, workers, reports), REPO)
                if result["returncode"] != 0:
                    print(f"{name} -n {workers}: exit {result['returncode']}\n{result['stderr']}")
                series.setdefault(f"{name} -n {workers}", []).append(result)
                nights[name] = examined_nights(reports)
                print(
                    f"  round {attempt + 1} {name:16} -n {workers} {result['wall']:6.2f} s"
                    f"  load {result['load']:.1f}",
                    flush=True,
                )
    print(f"\nmedians of {args.repeat}:")
    summary = {}
    for name in sites:
        n0 = statistics.median(r["wall"] for r in series[f"{name} -n 0"])
        n2 = statistics.median(r["wall"] for r in series[f"{name} -n 2"])
        summary[name] = {"account_nights": nights[name], "n0": n0, "n2": n2}
        print(
            f"  {name:16} {nights[name]:4} account-nights examined: -n 0 {n0:6.2f} s,"
            f" -n 2 {n2:6.2f} s, -n 0 / -n 2 {n0 / n2:.2f}"
        )
    (work / "auto_workers.json").write_text(json.dumps({"medians": summary, "runs": series}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
