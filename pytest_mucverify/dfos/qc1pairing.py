"""Which AB made a product, and which product of the other blade it is compared with.

The pairing rule (README, "QC1: pairing"): a product is identified on both blades by
``(AB name, PRO.CATG, n)``, the n-th product of that category made by that AB. The AB is found
from the night's ABs, never guessed from a file name alone, because AB names may carry a grouping
tag and need not be the first raw file's name:

1. the product's file name or its ``PIPEFILE`` is listed in an AB's ``PRODUCTS`` lines;
2. else the DFOS product-root naming ``<PROD_ROOT_NAME>_<NNNN>`` names the AB by its
   ``PROD_ROOT_NAME``;
3. else ``PRO.REC1.RAW1.NAME`` is the first ``RAWFILE`` of exactly one AB.

A product none of these place is reported by name. Products of one AB and category are ordered by
their pipeline number ``NNNN`` where their name or ``PIPEFILE`` tells it, else by name; the HDU of
a parameter is part of its name (``CHIP2:QC.…``), so HDUs pair by name within a product. PAF files
pair among themselves (their category is written ``<PRO.CATG> (PAF)``).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .ab import AssociationBlock

ProductKey = tuple[str, str, int]
"""(AB name, PRO.CATG, n): the n-th product of that category of that AB."""

PRODUCT_SUFFIXES = (".fits", ".fits.gz", ".fits.z", ".fz", ".hdr", ".paf")
_PIPELINE_NAME_RE = re.compile(r"^(?P<root>.+)_(?P<number>\d{4})$")


def product_stem(name: str) -> str:
    """A product's file name without folder and product suffix (``.fits.gz``, ``.hdr``, …)."""
    base = posixpath.basename(name)
    for suffix in PRODUCT_SUFFIXES:
        if base.lower().endswith(suffix):
            return base[: -len(suffix)]
    return base


def is_product_file(name: str) -> bool:
    return name.lower().endswith(PRODUCT_SUFFIXES)


@dataclass(frozen=True)
class AbRecord:
    """What the coverage check needs of one AB: its name, category and state."""

    name: str
    dpr_catg: str
    state: str
    """SUCCESSFUL, FAILED, INCOMPLETE (an AB createAB marked incomplete that ran no recipe), or
    the PROCESS_STATUS as written (CREATED, or none)."""

    @property
    def succeeded(self) -> bool:
        return self.state == "SUCCESSFUL"


def ab_record(path: str, ab: AssociationBlock) -> AbRecord:
    status = (ab.value("PROCESS_STATUS") or "").upper()
    complete = (ab.value("COMPLETENESS") or "COMPLETE").upper()
    state = status if status in ("FAILED", "SUCCESSFUL") else ""
    if not state and complete == "INCOMPLETE":
        state = "INCOMPLETE"
    return AbRecord(
        ab.value("AB_NAME") or posixpath.basename(path),
        (ab.value("DPR_CATG") or "").upper() or "(no DPR_CATG)",
        state or status or "(no PROCESS_STATUS)",
    )


class AbIndex:
    """The night's ABs, looked up by what a product carries."""

    def __init__(self, abs_: Iterable[tuple[str, AssociationBlock]]) -> None:
        self.by_product: dict[str, str] = {}
        self.by_root: dict[str, str] = {}
        first_raws: Counter[str] = Counter()
        by_raw: dict[str, str] = {}
        for path, ab in abs_:
            name = ab.value("AB_NAME") or posixpath.basename(path)
            for entry in ab.entries_of("PRODUCTS"):
                if entry.columns:
                    self.by_product.setdefault(product_stem(entry.columns[0]), name)
            root = ab.value("PROD_ROOT_NAME")
            if root:
                self.by_root.setdefault(posixpath.basename(root), name)
            raws = ab.entries_of("RAWFILE")
            if raws and raws[0].columns:
                raw = product_stem(raws[0].columns[0])
                first_raws[raw] += 1
                by_raw[raw] = name
        self.by_first_raw = {raw: name for raw, name in by_raw.items() if first_raws[raw] == 1}

    def ab_of(self, file_name: str, pipefile: str | None, raw1: str | None) -> str | None:
        names = [product_stem(file_name), *([product_stem(pipefile)] if pipefile else [])]
        for stem in names:
            if stem in self.by_product:
                return self.by_product[stem]
        for stem in names:
            found = _PIPELINE_NAME_RE.match(stem)
            if found and found["root"] in self.by_root:
                return self.by_root[found["root"]]
        if raw1:
            return self.by_first_raw.get(product_stem(raw1))
        return None


def product_order(file_name: str, pipefile: str | None) -> tuple[int, str]:
    """Where a product stands among the products of its AB and category."""
    for name in (pipefile, file_name):
        found = _PIPELINE_NAME_RE.match(product_stem(name)) if name else None
        if found:
            return int(found["number"]), ""
    return 1 << 30, product_stem(file_name)


def number_products(
    placed: Iterable[tuple[str, str, str, tuple[int, str]]],
) -> dict[str, ProductKey]:
    """(path, AB, CATG, order) of each product -> its key, numbering the products of one AB and
    category from 0 in their order."""
    groups: dict[tuple[str, str], list[tuple[tuple[int, str], str]]] = {}
    for path, ab, catg, order in placed:
        groups.setdefault((ab, catg), []).append((order, path))
    return {
        path: (ab, catg, n)
        for (ab, catg), members in groups.items()
        for n, (_order, path) in enumerate(sorted(members))
    }
