"""What one blade holds of an account's nights: AB files, pipeline products with their QC1
parameters, score files. Read in bulk (one listing per folder, one read per batch of files) and
kept per worker only where the set is small (the active ABs)."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from .blade import Blade, BladeError
from .dfos.ab import AssociationBlock, parse_ab
from .dfos.fitscards import card_values
from .dfos.paf import parse_paf
from .dfos.qc1 import Qc1Value, qc1_from_header_bytes
from .dfos.qc1pairing import (
    AbIndex,
    AbRecord,
    ProductKey,
    ab_record,
    is_product_file,
    number_products,
    product_order,
)
from .dfos.qc1sources import BytesSource, GzipSource
from .dfos.scores import ScoreFile, parse_scores

_DATE_LINE = re.compile(rb"^DATE[ \t]+(\S+)", re.M)
ABS_A_BATCH = 500
"""ABs read together by abs_no_night_reads (a dense night holds ~100)."""
AB_NAMES = (".ab", ".ab.gz")
MAX_AB_BYTES = 16 * 2**20
"""An AB is a few KiB; a gzipped one that inflates beyond this is not read."""
PRODUCT_CARDS = ("ESO PRO CATG", "ESO PRO REC1 RAW1 NAME", "PIPEFILE")


def is_ab_name(name: str) -> bool:
    return name.lower().endswith(AB_NAMES)


def _is_plain_ab(name: str) -> bool:
    """An AB as a night's rows read it."""
    return name.endswith(".ab")


def gunzip_small(data: bytes) -> bytes:
    """The content of a gzipped AB (every gzip member, as ``zcat`` reads it); ValueError when
    it is corrupt, cut short, or inflates beyond MAX_AB_BYTES."""
    inflated = GzipSource(BytesSource(data))
    content = inflated.read(MAX_AB_BYTES + 1)
    if inflated.error is not None:
        raise ValueError(inflated.error)
    if len(content) > MAX_AB_BYTES:
        raise ValueError(f"inflates beyond {MAX_AB_BYTES} bytes: not read")
    return content


@dataclass(frozen=True)
class AbBatch:
    abs_read: list[tuple[str, bytes]]
    problems: list[str]
    """a line naming each file or folder that could not be read."""
    folders: int
    """folders searched, each with everything below it."""


def _ab_date(data: bytes) -> str:
    found = _DATE_LINE.search(data)
    if found and found.group(1).isascii():
        return found.group(1).decode()
    return parse_ab(data).value("DATE") or ""


@dataclass(frozen=True)
class Product:
    path: str
    key: ProductKey
    """(AB name, PRO.CATG, n): how the product is paired with the other blade's (see
    :mod:`pytest_mucverify.dfos.qc1pairing`)."""
    values: dict[str, Qc1Value]
    """QC1 parameters of every HDU, named ``QC.X`` or ``CHIP2:QC.X``."""
    problems: tuple[str, ...] = ()

    @property
    def ab(self) -> str:
        return self.key[0]

    @property
    def catg(self) -> str:
        return self.key[1]

    @property
    def label(self) -> str:
        """How rows name the product: its category, with its number when not the first."""
        _ab, catg, number = self.key
        return f"{catg}#{number}" if number else catg


NIGHTS_KEPT = 4
"""nights whose ABs and QC1 values a worker keeps: every check of a night reads them once, and
memory stays that of a few nights, not of the year."""


T = TypeVar("T")


class NightCache(Generic[T]):
    """What was read of the last few nights, the oldest dropped first."""

    def __init__(self, size: int = NIGHTS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[dt.date, T] = OrderedDict()

    def get(self, night: dt.date, read: Callable[[dt.date], T]) -> T:
        if night in self._kept:
            self._kept.move_to_end(night)
            return self._kept[night]
        value = read(night)
        self._kept[night] = value
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return value


class BladeData:
    def __init__(self, blade: Blade, directory: Callable[[str], str]) -> None:
        self.blade = blade
        self.directory = directory
        self._ab_files: NightCache[list[tuple[str, bytes, bool]]] = NightCache()
        self._abs: NightCache[list[tuple[str, AssociationBlock, bool]]] = NightCache()
        self._products: NightCache[tuple[dict[ProductKey, Product], list[str]]] = NightCache()

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
        paths = self.names(self.directory("DFO_AB_DIR"), _is_plain_ab)
        return self.read_each(paths)

    def abs_no_night_reads(self, window: Collection[str]) -> Iterator[AbBatch]:
        """Every AB file below DFO_AB_DIR and DFO_LOG_DIR (``.ab`` in any case, or gzipped; links
        too) that no night's row reads, read a batch at a time: archived ABs of nights outside
        the window, and ABs of any night in a month folder, a sub-folder, a folder not named by a
        night, at the top of DFO_LOG_DIR or under another name. Folders are searched as
        ``find -H`` searches them; a link to a folder at the top of either is searched too. The
        active ABs of DFO_AB_DIR itself are not among them: they are read once,
        :attr:`active_ab_files`."""
        logs, active = self.directory("DFO_LOG_DIR"), self.directory("DFO_AB_DIR")
        read_elsewhere = {*self.names(active, _is_plain_ab)} | {
            path for night in window for path in self.names(f"{logs}/{night}", _is_plain_ab)
        }
        tops = [
            (f"{root}/{name}", True)
            for root in (active, logs)
            for name, kind in sorted(self.blade.list_names(root, missing_ok=True))
            if kind == "l" and not is_ab_name(name)
        ]
        pending: list[str] = []
        problems: list[str] = []
        for top, linked in [(active, False), (logs, False), *tops]:
            errors: list[str] = []
            for relative, _size in self.blade.find_files(top, AB_NAMES, errors, links=True):
                path = f"{top}/{relative}"
                if path not in read_elsewhere:
                    pending.append(path)
                if len(pending) >= ABS_A_BATCH:
                    yield self._read_abs(pending, [], 0)
                    pending = []
            problems += [
                f"{self.blade.name}:{error}"
                for error in errors
                if not (linked and error.endswith(": Not a directory"))
            ]
        yield self._read_abs(pending, problems, 2 + len(tops))

    def _read_abs(self, paths: list[str], problems: list[str], folders: int) -> AbBatch:
        found, unreadable = self.read_each(paths)
        abs_read = []
        for path, data in found:
            if path.lower().endswith(".gz"):
                try:
                    data = gunzip_small(data)
                except ValueError as exc:
                    unreadable.append(f"{self.blade.name}:{path}: {exc}")
                    continue
            abs_read.append((path, data))
        return AbBatch(abs_read, problems + unreadable, folders)

    def ab_files_of_night(
        self, night: dt.date, active_only: bool = False
    ) -> list[tuple[str, bytes]]:
        """Active ABs of the night (DFO_AB_DIR, by their DATE), and archived ones in
        DFO_LOG_DIR/<night> unless active_only; read once for the night's checks."""
        found = self._ab_files.get(night, self._read_ab_files)
        return [(path, data) for path, data, active in found if active or not active_only]

    def _read_ab_files(self, night: dt.date) -> list[tuple[str, bytes, bool]]:
        found = [
            (path, data, True) for path, data, date in self.active_ab_files if date == str(night)
        ]
        folder = f"{self.directory('DFO_LOG_DIR')}/{night}"
        archived = self.read(self.names(folder, _is_plain_ab))
        return found + [(path, data, False) for path, data in archived]

    def abs_of_night(
        self, night: dt.date, active_only: bool = False
    ) -> list[tuple[str, AssociationBlock]]:
        """The night's ABs parsed, once for all its checks."""
        parsed = self._abs.get(night, self._parse_abs)
        return [(path, ab) for path, ab, active in parsed if active or not active_only]

    def _parse_abs(self, night: dt.date) -> list[tuple[str, AssociationBlock, bool]]:
        found = self._ab_files.get(night, self._read_ab_files)
        return [
            (path, parse_ab(data, posixpath.basename(path)), active) for path, data, active in found
        ]

    def ab_states(self, night: dt.date) -> dict[str, AbRecord]:
        """Every AB of the night (CALIB and SCIENCE, whatever its state), by AB name."""
        return {
            record.name: record
            for record in (ab_record(path, ab) for path, ab in self.abs_of_night(night))
        }

    def products_of_night(self, night: dt.date) -> tuple[dict[ProductKey, Product], list[str]]:
        """Every product of the night, by its pairing key (see :mod:`.dfos.qc1pairing`), from
        DFS_PRODUCT/<RAW_TYPE>/<night> and, after moveProducts, DFO_CAL_DIR/<night> (``.hdr``
        after cleanup), sub-folders included, PAF files too; and what could not be read or
        placed. Read once per night and kept: only the QC1 values stay, not the headers."""
        products, problems = self._products.get(night, self._read_products)
        return products, list(problems)

    def _product_paths(self, night: dt.date, problems: list[str]) -> list[str]:
        product_root = self.directory("DFS_PRODUCT")
        folders = [
            f"{product_root}/{name}/{night}"
            for name, kind in self.blade.list_names(product_root, missing_ok=True)
            if kind == "d"
        ]
        folders.append(f"{self.directory('DFO_CAL_DIR')}/{night}")
        paths = []
        for folder, listing in zip(folders, self.blade.trees(folders), strict=True):
            problems += [
                f"{self.blade.name}:{error}"
                for error in listing.errors
                if not (error.startswith(f"{folder}:") and "No such file" in error)
            ]
            paths += [
                f"{folder}/{entry.path}"
                for entry in listing.entries
                if entry.kind in ("f", "l") and is_product_file(entry.path)
            ]
        return sorted(paths)

    def _read_products(self, night: dt.date) -> tuple[dict[ProductKey, Product], list[str]]:
        problems: list[str] = []
        paths = self._product_paths(night, problems)
        pafs = [p for p in paths if p.lower().endswith(".paf")]
        headers, unreadable = self.blade.read_headers([p for p in paths if p not in pafs])
        problems += [f"{self.blade.name}:{path}: {reason}" for path, reason in unreadable.items()]
        paf_texts, paf_problems = self.read_each(pafs)
        problems += paf_problems
        index = AbIndex(self.abs_of_night(night))
        found: dict[str, tuple[dict[str, Qc1Value], tuple[str, ...]]] = {}
        placed: list[tuple[str, str, str, tuple[int, str]]] = []

        def place(path: str, catg: object, pipefile: object, raw1: object) -> str | None:
            name = posixpath.basename(path)
            if not isinstance(catg, str):
                problems.append(f"{self.blade.name}:{path}: no readable PRO.CATG")
                return None
            pipe = pipefile if isinstance(pipefile, str) else None
            ab = index.ab_of(name, pipe, raw1 if isinstance(raw1, str) else None)
            if ab is None:
                problems.append(
                    f"{self.blade.name}:{path}: no AB of {night} made it (none lists it in"
                    f" PRODUCTS, has its product root, or starts with its PRO.REC1.RAW1.NAME"
                    f" {raw1!r})"
                )
                return None
            placed.append((path, ab, catg, product_order(name, pipe)))
            return ab

        for path in paths:
            if path in headers:
                cards = card_values(headers[path], PRODUCT_CARDS)
                if place(
                    path,
                    cards.get("ESO PRO CATG"),
                    cards.get("PIPEFILE"),
                    cards.get("ESO PRO REC1 RAW1 NAME"),
                ):
                    qc1 = qc1_from_header_bytes(
                        headers[path], path, extensions=True, data_units=False
                    )
                    found[path] = (qc1.parameters, qc1.diagnostics)
        for path, data in paf_texts:
            paf = parse_paf(data.decode("utf-8", "replace"), f"{self.blade.name}:{path}")
            catg = paf.text("PRO.CATG")
            if place(
                path,
                f"{catg} (PAF)" if catg else None,
                paf.text("PIPEFILE"),
                paf.text("PRO.REC1.RAW1.NAME"),
            ):
                found[path] = (paf.qc1, paf.problems)
        keys = number_products(placed)
        products = {
            keys[path]: Product(path, keys[path], values, diagnostics)
            for path, (values, diagnostics) in found.items()
        }
        return products, problems

    def score_files(self, night: dt.date, ab_names: list[str]) -> dict[str, ScoreFile]:
        """Score files of the named ABs, by AB name; an AB without one is absent."""
        folder = f"{self.directory('DFO_LOG_DIR')}/{night}"
        wanted = {name.removesuffix(".ab") + ".score": name for name in ab_names}
        paths = self.names(folder, lambda name: name in wanted)
        return {
            wanted[posixpath.basename(path)]: parse_scores(
                data.decode("utf-8", "replace"), f"{self.blade.name}:{path}"
            )
            for path, data in self.read(paths)
        }
