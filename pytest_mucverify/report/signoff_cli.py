"""``mucverify signoff``: the command line of the sign-off, and the files it writes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..runplan import UsageProblem, parse_today
from ..site import SiteError, load_site
from .rows import ERROR, FAILED, NOT_APPLICABLE, NOT_RUN, PASSED, READY, WAIVED
from .signoff import DEFAULT_MAX_AGE_HOURS, signoff
from .writer import ENV


def render_signoff(data: dict[str, Any]) -> str:
    return ENV.get_template("signoff.html.j2").render(
        d=data, statuses=(PASSED, FAILED, ERROR, WAIVED, NOT_APPLICABLE, NOT_RUN)
    )


def write_signoff(reports_dir: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    paths = reports_dir / "signoff.json", reports_dir / "signoff.html"
    texts = json.dumps(data, indent=2) + "\n", render_signoff(data)
    for path, text in zip(paths, texts, strict=True):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return paths


def _accounts(values: Sequence[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            if name.strip() and name.strip() not in names:
                names.append(name.strip())
    return names


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of hours") from None
    if not hours > 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be more than 0 hours")
    return hours


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mucverify signoff",
        description="Fail-closed sign-off of the accounts' latest verification runs: writes "
        "DIR/signoff.html and DIR/signoff.json; exit status 0 only when every account is READY.",
    )
    parser.add_argument(
        "--reports-dir",
        metavar="DIR",
        default="reports",
        help="the folder of <account>/<host>/results.json (default: reports)",
    )
    parser.add_argument(
        "--accounts",
        action="append",
        default=[],
        metavar="NAME[,NAME...]",
        help="the accounts to sign off (repeatable or comma-separated; default: every account "
        "folder in DIR); a named account without results is INCOMPLETE",
    )
    parser.add_argument(
        "--site",
        metavar="PATH|demo",
        help="sign off every account this site file ('demo': the demo site of this folder) places (of --host only, when given); an"
        " account without a current, complete, full-window run is not READY",
    )
    parser.add_argument("--host", metavar="mucNN", help="with --site: the accounts of this muc")
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the DFOS TODAY the runs must be for (default: the site's today, else the clock)",
    )
    parser.add_argument(
        "--max-age",
        type=_hours,
        default=DEFAULT_MAX_AGE_HOURS,
        metavar="HOURS",
        help=f"the latest run must have finished within this many hours (default: {DEFAULT_MAX_AGE_HOURS:g})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    reports_dir = Path(args.reports_dir)
    site = None
    today = None
    try:
        if args.site == "demo":  # the demo site a run here built, as pytest's --site=demo does
            from ..demo.cache import cached_demo_site

            site = load_site(cached_demo_site(Path.cwd() / ".mucverify-cache"))
        elif args.site:
            path = Path(args.site)
            site = load_site(path / "site.toml" if path.is_dir() else path)
            if args.host and args.host not in site.hosts:
                parser.error(f"--host={args.host}: the site {site.path} has no such host")
        elif args.host:
            parser.error("--host goes with --site")
        today = parse_today(args.today) if args.today else None
    except (SiteError, UsageProblem) as exc:
        parser.error(str(exc))
    data = signoff(
        reports_dir, _accounts(args.accounts), args.max_age, site=site, host=args.host, today=today
    )
    json_path, html_path = write_signoff(reports_dir, data)
    for entry in data["accounts"]:
        where = f"{entry['account']} on {entry['host'] or '?'}"
        why = f": {entry['reasons'][0]}" if entry["reasons"] else ""
        print(f"{where:22} {entry['verdict']:11}{why}")
    for reason in data["reasons"]:
        print(reason, file=sys.stderr)
    print(f"sign-off: {data['verdict']}  -> {html_path} ({json_path.name})")
    return 0 if data["verdict"] == READY else 1


if __name__ == "__main__":
    raise SystemExit(main())
