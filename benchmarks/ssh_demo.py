"""The whole suite on the demo site with the old blade local, and with it behind a real sshd.

Builds the demo site (giraffe), serves its old blade dfo23 over ssh on 127.0.0.23
(``mucverify demo-serve``; needs root), and runs the verification suites against ``site.toml``
(every blade a local folder) and ``site-ssh.toml`` (dfo23 over ssh) in turn, from the same
process tree, interleaved; prints the median wall time of each and their ratio. Both runs must
give the same verdict. With ``--rtt-ms 100`` a third series reaches the blade through
``delay_proxy.py`` (a ProxyCommand that holds every chunk half the round trip each way, named by
the site's ``ssh_config``), for the ratio at a WAN-like round trip.

Run (as root): python benchmarks/ssh_demo.py [--nights 8] [--workers 2] [--repeat 3] [--rtt-ms 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from suiterun import timed_run

from pytest_mucverify.demo import DemoOptions, build_demo_site
from pytest_mucverify.demo.sshserve import NotRoot, ServeError, served_site

ACCOUNT = "giraffe"


def run_suite(site: Path, reports: Path, workers: int) -> tuple[float, str]:
    """Wall time of one whole run (pytest's start included) and its verdict."""
    seconds, results = timed_run(site, ACCOUNT, reports, workers)
    return seconds, str(results["verdict"])


def with_round_trip(ssh_site: Path, host: str, rtt_ms: float) -> Path:
    """A copy of the ssh site whose blade is reached through the delaying proxy."""
    config = ssh_site.parent / f"ssh_config-rtt{rtt_ms:g}"
    proxy = Path(__file__).resolve().parent / "delay_proxy.py"
    config.write_text(f"Host *\n  ProxyCommand {sys.executable} {proxy} %h %p {rtt_ms:g}\n")
    text = ssh_site.read_text().replace(
        f"[hosts.{host}]\n", f'[hosts.{host}]\nssh_config = "{config}"\n', 1
    )
    delayed = ssh_site.parent / f"site-ssh-rtt{rtt_ms:g}.toml"
    delayed.write_text(text)
    return delayed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rtt-ms", type=float, help="also run over a delayed connection")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mucverify-ssh-bench-") as tmp:
        folder = Path(tmp)
        site = build_demo_site(
            folder / "site", DemoOptions(accounts=(ACCOUNT,), nights=args.nights)
        )
        try:
            with served_site(site.parent, ["dfo23"]) as (ssh_site, served):
                blade = served["dfo23"]
                print(f"dfo23 served on {blade.address}:{blade.port} (sshd pid {blade.pid})")
                series = {"local": site, "ssh": ssh_site}
                if args.rtt_ms:
                    series["ssh+rtt"] = with_round_trip(ssh_site, "dfo23", args.rtt_ms)
                times: dict[str, list[float]] = {kind: [] for kind in series}
                for attempt in range(args.repeat):
                    for kind, site_file in series.items():
                        reports = folder / f"reports-{kind}-{attempt}"
                        seconds, verdict = run_suite(site_file, reports, args.workers)
                        print(f"  {kind:7} run {attempt + 1}: {seconds:6.2f} s  {verdict}")
                        if verdict != "READY":
                            print(f"{kind} run gave {verdict}", file=sys.stderr)
                            return 1
                        times[kind].append(seconds)
        except (NotRoot, ServeError) as exc:
            print(f"ssh_demo: {exc}", file=sys.stderr)
            return 2
    local, over_ssh = statistics.median(times["local"]), statistics.median(times["ssh"])
    print(
        f"median of {args.repeat}, -n {args.workers}, {args.nights} nights: local {local:.2f} s,"
        f" old blade over ssh {over_ssh:.2f} s, ratio {over_ssh / local:.2f}"
    )
    if args.rtt_ms:
        delayed = statistics.median(times["ssh+rtt"])
        print(f"  at a {args.rtt_ms:g} ms round trip: {delayed:.2f} s, ratio {delayed / local:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
