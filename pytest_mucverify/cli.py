"""The ``mucverify`` command: the demo site, and the catalogues of checks and faults."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

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
            density=args.density,
        )
        site = build_demo_site(Path(args.dir), options)
    except (ValueError, KeyError, FileExistsError, PermissionError) as exc:
        print(f"mucverify demo-site: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    print(site)
    return 0


def _demo_serve(args: argparse.Namespace) -> int:
    from .demo.sshserve import NotRoot, ServeError, serve_site, stop_site

    site_dir = Path(args.dir)
    if args.stop:
        stopped = stop_site(site_dir)
        print(f"stopped: {', '.join(stopped) or 'nothing was served'}")
        return 0
    if not (site_dir / "site.toml").is_file():
        print(
            f"mucverify demo-serve: {site_dir}: no demo site here (no site.toml)", file=sys.stderr
        )
        return 2
    try:
        site, served = serve_site(
            site_dir,
            [h for h in args.hosts.split(",") if h] if args.hosts else None,
            timeout=args.timeout,
            login_shell=args.login_shell,
        )
    except (NotRoot, ServeError, OSError) as exc:
        print(f"mucverify demo-serve: {exc}", file=sys.stderr)
        return 2
    for blade in served.values():
        print(f"{blade.host}: sshd pid {blade.pid} on {blade.address}:{blade.port}")
    print(site)
    return 0


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _checks(args: argparse.Namespace) -> int:
    from .catalogue import CHECKS, MINIMUM_EVIDENCE

    if args.evidence:
        minimum = [(s.id, MINIMUM_EVIDENCE[s.id]) for s in CHECKS]
        print("\n".join(table(("check", "what it must examine before it may pass"), minimum)))
        return 0
    rows = [(s.id, s.phase, s.section, s.title) for s in CHECKS]
    print("\n".join(table(("check", "phase", "plan", "what it verifies"), rows)))
    return 0


def _faults(args: argparse.Namespace) -> int:
    from .demo import FAULTS

    print(
        "\n".join(
            table(
                ("fault", "check", "account", "phase", "what it breaks"),
                [(f.id, f.check, f.account, f.phase, f.breaks) for f in FAULTS],
            )
        )
    )
    return 0


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns as wide as their longest cell; the last one runs free."""
    widths = [max(len(str(row[n])) for row in [header, *rows]) for n in range(len(header) - 1)]
    return [
        "  ".join([*(f"{cell!s:{w}}" for cell, w in zip(row, widths, strict=False)), str(row[-1])])
        for row in [header, *rows]
    ]


def _tool(name: str) -> Callable[[Sequence[str]], int]:
    """Subcommands with their own argument parser (and --help), handed the rest of the line."""
    from . import crontab_lint, qc1tools
    from .report import signoff_cli

    tools: dict[str, Callable[[Sequence[str]], int]] = {
        "qc1": qc1tools.qc1_main,
        "compare-qc1": qc1tools.compare_main,
        "crontab-lint": crontab_lint.main,
        "signoff": signoff_cli.main,
    }
    return tools[name]


TOOLS = ("qc1", "compare-qc1", "crontab-lint", "signoff")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .demo import DEFAULT_ACCOUNTS, DEFAULT_NIGHTS

    parser = argparse.ArgumentParser(
        prog="mucverify", description="dfo/qc -> muc migration verification"
    )
    parser.add_argument("--version", action="version", version=f"mucverify {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo-site",
        help="build the simulated blade pair into DIR",
        description="Build the demo site into DIR (a new or empty folder): a shared home, the"
        " muc and the old blades of the accounts, and DIR/site.toml to run against.",
    )
    demo.add_argument("dir", metavar="DIR", help="where to build the site")
    demo.add_argument(
        "--accounts",
        default=",".join(DEFAULT_ACCOUNTS),
        help="comma-separated demo accounts (default: %(default)s)",
    )
    demo.add_argument(
        "--nights",
        type=int,
        default=DEFAULT_NIGHTS,
        help="nights of the calendar, half of them before the transition date, at least one"
        " before and four from it (default: %(default)s)",
    )
    demo.add_argument(
        "--phase",
        choices=PHASES,
        default="operational",
        help="the phase the accounts have reached (default: %(default)s)",
    )
    demo.add_argument(
        "--density",
        type=int,
        default=1,
        help="CALIB ABs of each raw type a night; a busy account has ~100 ABs a night"
        " (default: %(default)s)",
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
    serve = commands.add_parser(
        "demo-serve",
        help="serve a built demo site's old blades over ssh on loopback (root only)",
        description="Serve each old blade of the demo site in DIR as a real ssh host: its own"
        " mount namespace with the blade's disks at the real paths, the shared home, its"
        " commands first on PATH, a unix account with key login, sshd on 127.0.0.N only."
        " Writes DIR/site-ssh.toml and DIR/ssh/<blade>/sshd.pid; --stop stops them by PID.",
    )
    serve.add_argument("dir", metavar="DIR", help="a folder built by mucverify demo-site")
    serve.add_argument("--hosts", help="comma-separated old blades (default: every one)")
    serve.add_argument("--timeout", type=float, help="the served blades' timeout in site-ssh.toml")
    serve.add_argument("--login-shell", help="the accounts' login shell there (e.g. /bin/tcsh)")
    serve.add_argument("--stop", action="store_true", help="stop the blades served from DIR")
    serve.set_defaults(run=_demo_serve)
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
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `mucverify faults | head` ends quietly
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in TOOLS:
        return int(_tool(words[0])(words[1:]))
    args = build_parser().parse_args(words)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
