"""The ``mucverify`` command: the demo site, and the catalogues of checks and faults."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .catalogue import catalogue_lines
from .phases import PHASES


def _demo_site(args: argparse.Namespace) -> int:
    from .demo import DemoOptions, build_demo_site
    from .runplan import split_accounts

    try:
        options = DemoOptions(
            accounts=tuple(split_accounts([args.accounts])),
            nights=args.nights,
            phase=args.phase,
            faults=tuple(args.fault),
            today=args.today,
        )
        site = build_demo_site(Path(args.dir), options)
    except (ValueError, KeyError, FileExistsError, PermissionError) as exc:
        print(f"mucverify demo-site: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    print(site)
    return 0


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _checks(args: argparse.Namespace) -> int:
    print("\n".join(catalogue_lines(minimum=args.evidence)))
    return 0


def _faults(args: argparse.Namespace) -> int:
    from .demo import FAULTS

    for fault in FAULTS:
        print(f"{fault.id:28} {fault.check:24} {fault.account:9} {fault.breaks}")
    return 0


def _tool(name: str) -> Callable[[Sequence[str]], int]:
    """Subcommands with their own argument parser (and --help), handed the rest of the line."""
    from . import crontab_lint, qc1tools
    from .report import signoff

    tools: dict[str, Callable[[Sequence[str]], int]] = {
        "qc1": qc1tools.qc1_main,
        "compare-qc1": qc1tools.compare_main,
        "crontab-lint": crontab_lint.main,
        "signoff": signoff.main,
    }
    return tools[name]


TOOLS = ("qc1", "compare-qc1", "crontab-lint", "signoff")


def build_parser() -> argparse.ArgumentParser:
    from .demo import DEFAULT_ACCOUNTS, DEFAULT_NIGHTS

    parser = argparse.ArgumentParser(
        prog="mucverify", description="dfo/qc -> muc migration verification"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo-site", help="build the simulated blade pair into DIR")
    demo.add_argument("dir", metavar="DIR")
    demo.add_argument(
        "--accounts", default=",".join(DEFAULT_ACCOUNTS), help="comma-separated demo accounts"
    )
    demo.add_argument(
        "--nights", type=int, default=DEFAULT_NIGHTS, help="nights around the transition date"
    )
    demo.add_argument(
        "--phase", choices=PHASES, default="operational", help="phase the accounts have reached"
    )
    demo.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="build the site as of this day of its calendar: it holds the nights before it"
        " (default: the day the phase typically stands at)",
    )
    demo.add_argument(
        "--fault", action="append", default=[], metavar="ID", help="inject a catalogued fault"
    )
    demo.set_defaults(run=_demo_site)
    checks = commands.add_parser("checks", help="the catalogue of checks")
    checks.add_argument(
        "--evidence", action="store_true", help="what each check must examine before it may pass"
    )
    checks.set_defaults(run=_checks)
    commands.add_parser("faults", help="the catalogue of demo faults").set_defaults(run=_faults)
    for name, help_text in (
        ("qc1", "print the ESO QC keywords of FITS files as JSON"),
        ("compare-qc1", "compare QC1 parameters of old-blade and muc products"),
        ("crontab-lint", "check crontab files the way the blades' cron reads them"),
        ("signoff", "fail-closed sign-off of every account's latest run"),
    ):
        commands.add_parser(name, help=f"{help_text} (see: mucverify {name} --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in TOOLS:
        return int(_tool(words[0])(words[1:]))
    args = build_parser().parse_args(words)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
