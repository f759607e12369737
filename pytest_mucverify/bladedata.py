"""What one blade holds of an account's nights: AB files, pipeline products with their QC1
parameters, score files. Read in bulk (one listing per folder, one read per batch of files) and
kept per worker only where the set is small (the active ABs)."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from .blade import Blade, BladeError
from .dfos.ab import AssociationBlock, parse_ab
from .dfos.fitscards import card_values
from .dfos.layout import is_fits
from .dfos.placement import night_of
from .dfos.qc1 import Qc1Value, qc1_from_header_bytes
from .dfos.scores import ScoreFile, parse_scores

_DATE_LINE = re.compile(rb"^DATE[ \t]+(\S+)", re.M)
PRODUCT_CARDS = ("ESO PRO CATG", "ESO PRO REC1 RAW1 NAME")


def _ab_date(data: bytes) -> str:
    found = _DATE_LINE.search(data)
    if found and found.group(1).isascii():
        return found.group(1).decode()
    return parse_ab(data).value("DATE") or ""


@dataclass(frozen=True)
class Product:
    path: str
    ab: str
    """the AB that made it: named after its first raw file (``ESO PRO REC1 RAW1 NAME``)."""
    catg: str
    values: dict[str, Qc1Value]
    problems: tuple[str, ...] = ()


def ab_of_product(path: str, raw1: str | None) -> str:
    if raw1:
        return re.sub(r"\.fits(\.gz|\.Z)?$", "", raw1) + ".ab"
    name = posixpath.basename(path)
    match = re.match(r"^r\.(.+)_\d{4}\.(fits|fits\.gz|hdr)$", name)
    return (match.group(1) if match else name) + ".ab"


class BladeData:
    def __init__(self, blade: Blade, directory: Callable[[str], str]) -> None:
        self.blade = blade
        self.directory = directory
        self._calib_abs: dict[dt.date, frozenset[str]] = {}
        self._products: dict[dt.date, tuple[dict[tuple[str, str], Product], list[str]]] = {}

    def read(self, paths: list[str]) -> list[tuple[str, bytes]]:
        contents, problems = self.blade.read_many(paths)
        if problems:
            path, reason = next(iter(problems.items()))
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise BladeError(f"{self.blade.name}:{path}: {reason}{more}")
        return [(path, contents[path]) for path in paths]

    def read_each(self, paths: list[str]) -> tuple[list[tuple[str, bytes]], list[str]]:
        """The files that could be read, and a problem naming each one that could not."""
        contents, problems = self.blade.read_many(paths)
        found = [(path, contents[path]) for path in paths if path in contents]
        return found, [f"{self.blade.name}:{path}: {reason}" for path, reason in problems.items()]

    def names(self, folder: str, keep: Callable[[str], bool]) -> list[str]:
        """Files (and links, which the tools follow) of a folder whose names ``keep`` wants."""
        listed = self.blade.list_names(folder, missing_ok=True)
        return sorted(
            f"{folder}/{name}" for name, kind in listed if kind in ("f", "l") and keep(name)
        )

    @cached_property
    def active_ab_files(self) -> list[tuple[str, bytes, str]]:
        """(path, content, DATE) of every active AB that could be read; a handful at a time, so
        kept. DATE is "" where the AB names no readable date."""
        found, _ = self.active_abs_read
        return [(path, data, _ab_date(data)) for path, data in found]

    @cached_property
    def active_abs_read(self) -> tuple[list[tuple[str, bytes]], list[str]]:
        paths = self.names(self.directory("DFO_AB_DIR"), lambda name: name.endswith(".ab"))
        return self.read_each(paths)

    def archived_ab_folders(self) -> list[str]:
        """The date folders of DFO_LOG_DIR, where moveProducts archives a night's ABs."""
        logs = self.directory("DFO_LOG_DIR")
        return sorted(
            f"{logs}/{name}"
            for name, kind in self.blade.list_names(logs, missing_ok=True)
            if kind in ("d", "l") and night_of(name) is not None
        )

    def ab_files_of_night(
        self, night: dt.date, active_only: bool = False
    ) -> list[tuple[str, bytes]]:
        """Active ABs of the night (DFO_AB_DIR, by their DATE), and archived ones in
        DFO_LOG_DIR/<night> unless active_only."""
        found = [(path, data) for path, data, date in self.active_ab_files if date == str(night)]
        if not active_only:
            folder = f"{self.directory('DFO_LOG_DIR')}/{night}"
            found += self.read(self.names(folder, lambda name: name.endswith(".ab")))
        return found

    def abs_of_night(
        self, night: dt.date, active_only: bool = False
    ) -> list[tuple[str, AssociationBlock]]:
        return [
            (path, parse_ab(data, posixpath.basename(path)))
            for path, data in self.ab_files_of_night(night, active_only)
        ]

    def calib_abs(self, night: dt.date) -> frozenset[str]:
        """The names of the night's CALIB ABs the pipeline processed (kept: several QC1 checks
        ask for the same night)."""
        if night not in self._calib_abs:
            self._calib_abs[night] = frozenset(
                ab.value("AB_NAME") or posixpath.basename(path)
                for path, ab in self.abs_of_night(night)
                if ab.value("DPR_CATG") == "CALIB" and ab.value("PROCESS_STATUS") != "FAILED"
            )
        return self._calib_abs[night]

    def products_of_night(self, night: dt.date) -> tuple[dict[tuple[str, str], Product], list[str]]:
        """Products by (AB name, PRO.CATG), from DFS_PRODUCT/<RAW_TYPE>/<night> and, after
        moveProducts, DFO_CAL_DIR/<night> (``.hdr`` after cleanup); and what could not be read.
        Read once per night and kept: only the QC1 values stay, not the headers."""
        if night not in self._products:
            self._products[night] = self._read_products(night)
        products, problems = self._products[night]
        return products, list(problems)

    def _read_products(self, night: dt.date) -> tuple[dict[tuple[str, str], Product], list[str]]:
        product_root = self.directory("DFS_PRODUCT")
        folders = [
            f"{product_root}/{name}/{night}"
            for name, kind in self.blade.list_names(product_root, missing_ok=True)
            if kind == "d"
        ]
        folders.append(f"{self.directory('DFO_CAL_DIR')}/{night}")
        paths = [
            p
            for folder in folders
            for p in self.names(folder, lambda n: is_fits(n) or n.endswith(".hdr"))
        ]
        headers, unreadable = self.blade.read_headers(paths)
        problems = [f"{self.blade.name}:{path}: {reason}" for path, reason in unreadable.items()]
        products: dict[tuple[str, str], Product] = {}
        for path in paths:
            if path not in headers:
                continue
            cards = card_values(headers[path], PRODUCT_CARDS)
            catg = cards.get("ESO PRO CATG")
            if not isinstance(catg, str):
                problems.append(f"{self.blade.name}:{path}: no readable ESO PRO CATG card")
                continue
            raw1 = cards.get("ESO PRO REC1 RAW1 NAME")
            qc1 = qc1_from_header_bytes(headers[path], path)
            product = Product(
                path,
                ab_of_product(path, raw1 if isinstance(raw1, str) else None),
                catg,
                qc1.values,
                qc1.diagnostics,
            )
            products.setdefault((product.ab, catg), product)
        return products, problems

    def score_files(self, night: dt.date, ab_names: list[str]) -> dict[str, ScoreFile]:
        """Score files of the named ABs, by AB name; an AB without one is absent."""
        folder = f"{self.directory('DFO_LOG_DIR')}/{night}"
        wanted = {name.removesuffix(".ab") + ".score": name for name in ab_names}
        paths = self.names(folder, lambda name: name in wanted)
        return {
            wanted[posixpath.basename(path)]: parse_scores(data.decode("utf-8", "replace"))
            for path, data in self.read(paths)
        }
