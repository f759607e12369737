"""``mucverify qc1`` and ``mucverify compare-qc1``: the QC1 reader and comparison outside pytest."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .blade.header_script import HeaderProblem, header_blocks, problem_of
from .dfos.layout import is_fits
from .dfos.qc1 import Qc1Result, qc1_from_header_bytes
from .dfos.qc1compare import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    Tolerance,
    Tolerances,
    compare_qc1,
    tolerances_from,
)
from .tomlfile import read_toml


def _json_value(value: object) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    return value


def _read(path: Path) -> Qc1Result:
    """Every HDU's QC1 values, read as the checks read a blade's products (header_blocks)."""
    try:
        with path.open("rb") as handle:
            headers = header_blocks(handle)
    except (HeaderProblem, OSError) as exc:
        return Qc1Result({}, (f"cannot read: {problem_of(exc)}",), str(path))
    return qc1_from_header_bytes(headers, str(path), extensions=True, data_units=False)


def qc1_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mucverify qc1", description="print the ESO QC keywords of FITS files as JSON"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help=".fits, .fits.gz, .fits.Z or .hdr")
    args = parser.parse_args(argv)
    output: dict[str, dict[str, Any]] = {}
    failed = False
    for name in args.files:
        result = _read(Path(name))
        output[name] = {key: _json_value(value) for key, value in result.parameters.items()}
        for problem in result.diagnostics:
            failed = True
            print(f"{name}: {problem}", file=sys.stderr)
    print(json.dumps(output, indent=2))
    return 2 if failed else 0


def _products(root: Path) -> dict[str, Path]:
    if root.is_file():
        return {root.name: root}
    return {
        str(path.relative_to(root)): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and (is_fits(path.name) or path.name.endswith(".hdr"))
    }


def _tolerances(args: argparse.Namespace) -> Tolerances:
    default = Tolerance(args.rtol, args.atol)
    if not args.tolerances:
        return Tolerances(default)
    data = read_toml(Path(args.tolerances), "tolerance file", ValueError)
    table = data.get("tolerances", data)
    try:
        loaded = tolerances_from(table, "tolerances")
    except ValueError as exc:
        raise ValueError(f"{args.tolerances}: {exc}") from None
    return Tolerances(loaded.default if "default" in table else default, loaded.patterns)


def compare_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mucverify compare-qc1",
        description="compare the QC1 parameters of products of the old blade and the muc; exit 0 identical within tolerance, 1 differences, 2 usage or read error",
    )
    parser.add_argument(
        "old", metavar="OLD", help="a product, or a folder of products, of the old blade"
    )
    parser.add_argument(
        "new", metavar="NEW", help="the same from the muc (folders are matched by relative path)"
    )
    parser.add_argument(
        "--rtol",
        type=float,
        default=DEFAULT_RTOL,
        help=f"relative tolerance for floats (default {DEFAULT_RTOL:g})",
    )
    parser.add_argument(
        "--atol",
        type=float,
        default=DEFAULT_ATOL,
        help=f"absolute tolerance for floats (default {DEFAULT_ATOL:g})",
    )
    parser.add_argument(
        "--tolerances",
        metavar="FILE",
        help='TOML of per-parameter tolerances, e.g. "QC.*.RON.*" = {rtol = 1e-5}',
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    old_root, new_root = Path(args.old), Path(args.new)
    for root in (old_root, new_root):
        if not root.exists():
            print(f"compare-qc1: {root}: no such file or folder", file=sys.stderr)
            return 2
    try:
        tolerances = _tolerances(args)
    except ValueError as exc:
        print(f"compare-qc1: {exc}", file=sys.stderr)
        return 2
    old, new = _products(old_root), _products(new_root)
    if old_root.is_file() and new_root.is_file():
        old, new = {"(file)": old_root}, {"(file)": new_root}
    rows: list[str] = []
    read_errors = False
    for name in sorted(set(old) | set(new)):
        if name not in new or name not in old:
            rows.append(
                f"{name}  (whole product)  only on the {'old blade' if name in old else 'muc'}"
            )
            continue
        before, after = _read(old[name]), _read(new[name])
        for result in (before, after):
            for problem in result.diagnostics:
                read_errors = True
                print(f"compare-qc1: {result.source}: {problem}", file=sys.stderr)
        rows += [
            d.evidence("", name).strip()
            for d in compare_qc1(before.parameters, after.parameters, tolerances)
        ]
    for row in rows:
        print(row)
    print(f"{len(rows)} difference(s) in {len(set(old) | set(new))} product(s)", file=sys.stderr)
    if read_errors:
        return 2
    return 1 if rows else 0
