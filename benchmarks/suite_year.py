"""The whole suite on a dense year of one account, against reading every file of the site once.

Builds (or reuses, from --workdir) a demo site of --nights nights at --density CALIB ABs of each
raw type a night (giraffe has three raw types: density 33 is ~100 ABs a night) and one of
--short-nights nights, and times how long each build takes. Then, interleaved in rounds, in one
process tree:

- the floor: ``find <both blade trees> -type f -printf '%s %T@ %p\\n'`` and ``cat`` of every file
  of the same site, i.e. every file listed and read once;
- the verification suite at ``-n 0`` and ``-n 2`` on the year, and on the short site; at
  ``-n 0`` on the middle site and on the base site (--base-nights, the README demo's 8).

Whether time is linear in nights: a run has a part that does not depend on the nights (start-up,
collection, the account's own checks, the reports), measured by the base site. What the year adds
to it is compared with what the short site adds: (T year - T base) / (T short - T base) against
the ratio of the nights the runs examined beyond the base's (read from each run's results.json),
as well as the plain ratio T year / T short.

Each run is measured in a fresh child (``--measure``): wall time, CPU time of the whole process
tree (``getrusage(RUSAGE_CHILDREN)``, xdist's workers included) and the peak RSS of the largest
process of it; the load average is recorded beside each run. Prints the medians, the ratios the
README quotes and the targets, and writes them to <workdir>/suite_year.json.

Run: python benchmarks/suite_year.py [--nights 365] [--short-nights 90] [--middle-nights 180]
     [--base-nights 8] [--density 33] [--repeat 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from suiterun import REPO, build_site, suite_command

ACCOUNT = "giraffe"
BLADES = ("muc02", "dfo23")


def tree_memory_kib(root: int) -> tuple[int, int]:
    """The resident (RSS) and proportional (PSS) memory of a process and all its descendants,
    from /proc (KiB). RSS counts the pages the processes share (the interpreter, libraries) once
    per process; PSS divides each shared page among its sharers, so the PSS of a tree is what the
    tree as a whole holds."""
    rss = pss = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        fields = dict(line.split()[:2] for line in rollup.splitlines()[1:])
        rss += int(fields.get("Rss:", 0))
        pss += int(fields.get("Pss:", 0))
        pending += [int(child) for child in children]
    return rss, pss


def measure(command: list[str]) -> int:
    """Run the command as this process's only child; print its wall time, CPU, the peak RSS of
    its largest process and the peak of all its processes together (sampled every 0.2 s)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_total = peak_proportional = 0
    while child.poll() is None:
        rss, pss = tree_memory_kib(child.pid)
        peak_total, peak_proportional = max(peak_total, rss), max(peak_proportional, pss)
        time.sleep(0.2)
    stderr = child.stderr.read() if child.stderr else b""
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mib": usage.ru_maxrss / 1024,
                "peak_total_mib": peak_total / 1024,
                "peak_total_pss_mib": peak_proportional / 1024,
                "returncode": child.returncode,
                "stderr": stderr.decode(errors="replace")[-2000:],
            }
        )
    )
    return 0


def measured(command: list[str], cwd: Path) -> dict[str, Any]:
    """One run, measured in a fresh child so that its peak RSS is its own."""
    load = os.getloadavg()[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUCVERIFY_", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, __file__, "--measure", "--", *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    result["load"] = load
    return result


def build(site_dir: Path, nights: int, density: int, timings: dict[str, float]) -> Path:
    """The site of this size, built unless the workdir has it; its build time kept beside it."""
    site = site_dir / "site.toml"
    key = site_dir.name
    if site.is_file() and key in timings:
        return site
    started = time.perf_counter()
    build_site(site_dir, ACCOUNT, nights, density)
    timings[key] = time.perf_counter() - started
    return site


def site_files(site: Path) -> tuple[int, int]:
    count = size = 0
    for blade in BLADES:
        for folder, _dirs, files in os.walk(site.parent / "hosts" / blade):
            for name in files:
                count += 1
                size += os.lstat(os.path.join(folder, name)).st_size
    return count, size


def floor_command(site: Path) -> list[str]:
    trees = " ".join(str(site.parent / "hosts" / blade) for blade in BLADES)
    script = (
        f"find {trees} -type f -printf '%s %T@ %p\\n' >/dev/null &&"
        f" find {trees} -type f -print0 | xargs -0 cat >/dev/null"
    )
    return ["sh", "-c", script]


def examined_nights(reports: Path) -> int:
    """The nights a run examined (its results.json's window)."""
    results = json.loads((reports / ACCOUNT / "muc02" / "results.json").read_text())
    return int(results["window"]["nights"])


def median(runs: list[dict[str, Any]], field: str) -> float:
    return statistics.median(run[field] for run in runs)


def main() -> int:
    if sys.argv[1:2] == ["--measure"]:
        return measure(sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--short-nights", type=int, default=90)
    parser.add_argument(
        "--middle-nights",
        type=int,
        default=180,
        help="a third site, run at -n 0, to see whether time is a straight line in nights",
    )
    parser.add_argument(
        "--base-nights",
        type=int,
        default=8,
        help="the smallest site, run at -n 0: the part of a run that does not grow with nights",
    )
    parser.add_argument("--density", type=int, default=33)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mucverify-suite-year"))
    args = parser.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    timings_file = work / "build-seconds.json"
    timings = json.loads(timings_file.read_text()) if timings_file.is_file() else {}
    sites = {}
    sizes = (args.nights, args.short_nights, args.middle_nights, args.base_nights)
    for nights in sizes:
        sites[nights] = build(work / f"year-{nights}", nights, args.density, timings)
        timings_file.write_text(json.dumps(timings, indent=1))
        count, size = site_files(sites[nights])
        print(
            f"{nights} nights, density {args.density}: built in"
            f" {timings[f'year-{nights}']:.0f} s; {count} files, {size / 2**20:.0f} MiB"
        )
    series: dict[str, list[dict[str, Any]]] = {}
    for attempt in range(args.repeat):
        for nights, site in sites.items():
            runs = {
                f"floor {nights}": floor_command(site),
                f"-n 0 {nights}": suite_command(site, ACCOUNT, 0, work / f"reports-{nights}-0"),
                f"-n 2 {nights}": suite_command(site, ACCOUNT, 2, work / f"reports-{nights}-2"),
            }
            if nights in (args.middle_nights, args.base_nights):
                del runs[f"-n 2 {nights}"]
            if nights == args.base_nights:
                del runs[f"floor {nights}"]
            for name, command in runs.items():
                result = measured(command, REPO)
                if result["returncode"] not in (0,) and not name.startswith("floor"):
                    print(f"{name}: exit {result['returncode']}\n{result['stderr']}")
                series.setdefault(name, []).append(result)
                print(
                    f"  round {attempt + 1} {name:12} {result['wall']:7.2f} s wall"
                    f" {result['cpu']:7.2f} s CPU {result['peak_mib']:6.0f} MiB"
                    f"  load {result['load']:.1f}",
                    flush=True,
                )
    summary = {
        name: {
            field: median(runs, field)
            for field in ("wall", "cpu", "peak_mib", "peak_total_mib", "peak_total_pss_mib", "load")
        }
        for name, runs in series.items()
    }
    year, short, middle, base = args.nights, args.short_nights, args.middle_nights, args.base_nights
    examined = {
        nights: examined_nights(work / f"reports-{nights}-0") for nights in (year, short, base)
    }
    # the straight line through the short and the long run, and how far the middle one is off it
    per_night = (summary[f"-n 0 {year}"]["wall"] - summary[f"-n 0 {short}"]["wall"]) / (
        year - short
    )
    fixed = summary[f"-n 0 {short}"]["wall"] - per_night * short
    on_line = fixed + per_night * middle
    ratios = {
        "suite -n 2 / floor": summary[f"-n 2 {year}"]["wall"] / summary[f"floor {year}"]["wall"],
        "suite -n 0 / floor": summary[f"-n 0 {year}"]["wall"] / summary[f"floor {year}"]["wall"],
        "CPU -n 2 / CPU -n 0": summary[f"-n 2 {year}"]["cpu"] / summary[f"-n 0 {year}"]["cpu"],
        "wall -n 0 / wall -n 2": summary[f"-n 0 {year}"]["wall"] / summary[f"-n 2 {year}"]["wall"],
        f"-n 0 wall {year}/{short} nights": summary[f"-n 0 {year}"]["wall"]
        / summary[f"-n 0 {short}"]["wall"],
        f"-n 2 wall {year}/{short} nights": summary[f"-n 2 {year}"]["wall"]
        / summary[f"-n 2 {short}"]["wall"],
        f"-n 0 CPU {year}/{short} nights": summary[f"-n 0 {year}"]["cpu"]
        / summary[f"-n 0 {short}"]["cpu"],
        f"floor {year}/{short} nights": summary[f"floor {year}"]["wall"]
        / summary[f"floor {short}"]["wall"],
        "peak MiB, largest process": max(s["peak_mib"] for s in summary.values()),
        "-n 0 fixed part (s)": fixed,
        "-n 0 seconds a night": per_night,
        f"-n 0 {middle} nights measured / on the line": summary[f"-n 0 {middle}"]["wall"] / on_line,
        f"-n 0 wall beyond the {base}-night run, {year}/{short} nights": (
            summary[f"-n 0 {year}"]["wall"] - summary[f"-n 0 {base}"]["wall"]
        )
        / (summary[f"-n 0 {short}"]["wall"] - summary[f"-n 0 {base}"]["wall"]),
        f"-n 0 CPU beyond the {base}-night run, {year}/{short} nights": (
            summary[f"-n 0 {year}"]["cpu"] - summary[f"-n 0 {base}"]["cpu"]
        )
        / (summary[f"-n 0 {short}"]["cpu"] - summary[f"-n 0 {base}"]["cpu"]),
        "examined nights beyond the base, year/short (the target of the two above)": (
            examined[year] - examined[base]
        )
        / (examined[short] - examined[base]),
        "examined nights, year/short (the target of the plain ratios)": examined[year]
        / examined[short],
    }
    print(f"\nmedians of {args.repeat} (load average at the start of each run):")
    for name, values in summary.items():
        print(
            f"  {name:12} {values['wall']:7.2f} s wall {values['cpu']:7.2f} s CPU"
            f" {values['peak_mib']:6.0f} MiB (all processes: {values['peak_total_mib']:.0f} MiB RSS,"
            f" {values['peak_total_pss_mib']:.0f} MiB PSS)"
            f"  load {values['load']:.1f}"
        )
    print(f"examined nights: {examined}")
    print(
        "ratios (targets: ≤ 3; ≤ 1.15; ≥ 1.3; nights ratios within 10 % of the examined nights';"
        " peak ≤ 500 MiB):"
    )
    for name, value in ratios.items():
        print(f"  {name:28} {value:.2f}")
    (work / "suite_year.json").write_text(
        json.dumps(
            {"builds": timings, "medians": summary, "ratios": ratios, "runs": series}, indent=1
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
