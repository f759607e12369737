"""``mucverify crontab-lint FILE...``: check crontab files the way the blades' cron reads them.

Prints ``FILE:LINE: reason`` for every line cron would refuse (rules: :mod:`.dfos.crontab`).
``-`` reads standard input. Exit status: 0 every file is valid, 1 some file has errors, 2 a file
could not be read (``FILE: cannot read: reason`` on standard error) or the arguments are wrong.
A line that is not UTF-8 is an error line, not a crash.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .dfos.crontab import lint

PROG = "mucverify crontab-lint"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check crontab files against the rules of the blades' cron (cronie).",
    )
    parser.add_argument("files", metavar="FILE", nargs="+", help="crontab file, or - for stdin")
    return parser


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def main(argv: Sequence[str]) -> int:
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exc:  # argparse: --help is 0, a usage error 2
        return exc.code if isinstance(exc.code, int) else 2
    status = 0
    for name in args.files:
        try:
            data = _read(name)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"{name}: cannot read: {reason}", file=sys.stderr)
            status = 2
            continue
        problems = lint(data, name)
        for problem in problems:
            print(problem)
        if problems and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
