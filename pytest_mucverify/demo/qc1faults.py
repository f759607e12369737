"""Faults in what the recompiled pipelines produced on the muc: QC1 values, scores, coverage."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from astropy.io import fits
from astropy.io.fits.verify import VerifyWarning

from .faults import Fault, _edit, _muc_disk, _old_disk
from .fitsfile import BLOCK
from .world import TRANSITION

if TYPE_CHECKING:
    from .world import DemoOptions

Apply = Callable[[Path, str, "DemoOptions"], None]


def _first_product(dest: Path, account: str, raw_type: str = "BIAS") -> Path:
    """The muc's product of the first AB of the latest night both blades processed (still in
    DFS_PRODUCT)."""
    folder = _muc_disk(dest, account) / "product" / raw_type
    old = _old_disk(dest, account) / "product" / raw_type
    found = sorted(p for p in folder.glob("*/r.*.fits") if (old / p.parent.name).is_dir())
    if not found:
        raise RuntimeError(f"no {raw_type} product on the muc to break")
    return found[-1]


def _edit_header(change: Callable[[fits.Header], None], raw_type: str = "BIAS") -> Apply:
    """Rewrite a muc product's primary header with astropy, keeping its data unit."""

    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        path = _first_product(dest, account, raw_type)
        data = path.read_bytes()
        cards = next(n for n in range(0, len(data), 80) if data[n : n + 80].rstrip() == b"END")
        header_size = (cards // BLOCK + 1) * BLOCK
        header = fits.Header.fromstring(data[:header_size].decode("ascii"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VerifyWarning)  # long HIERARCH cards lose comment text
            change(header)
        path.write_bytes(header.tostring().encode("ascii") + data[header_size:])

    return apply


def _scale(keyword: str, factor: float) -> Callable[[fits.Header], None]:
    def change(header: fits.Header) -> None:
        header[keyword] = float(header[keyword]) * factor

    return change


def _set(keyword: str, value: object) -> Callable[[fits.Header], None]:
    def change(header: fits.Header) -> None:
        header[keyword] = value

    return change


def _remove(keyword: str) -> Callable[[fits.Header], None]:
    def change(header: fits.Header) -> None:
        del header[keyword]

    return change


def _score_file(dest: Path, account: str) -> Path:
    """The score file of an active AB of a night both blades processed."""
    logs = _muc_disk(dest, account) / "logs"
    old_logs = _old_disk(dest, account) / "logs"
    found = sorted(
        p
        for p in logs.glob("*/*.score")
        if _muc_disk(dest, account).joinpath("AB", p.name.replace(".score", ".ab")).exists()
        and (old_logs / p.parent.name / p.name).exists()
    )
    if not found:
        raise RuntimeError("no score file of an active AB on the muc")
    return found[-1]


def _flip_score(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        _score_file(dest, account),
        lambda t: re.sub(r"^(\S+ \S+) 0$", r"\1 1", t, count=1, flags=re.M),
    )


def _total_differs(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        _score_file(dest, account),
        lambda t: re.sub(r"^TOTAL (\d+)$", lambda m: f"TOTAL {int(m.group(1)) + 1}", t, flags=re.M),
    )


def _ab_not_processed(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc never ran one AB of its latest night: no AB, product, score, log or plot."""
    product = _first_product(dest, account)
    base = product.name.removeprefix("r.").removesuffix("_0000.fits")
    disk = _muc_disk(dest, account)
    night = product.parent.name
    for path in (
        disk / "AB" / f"{base}.ab",
        product,
        *(disk / "logs" / night).glob(f"{base}.*"),
        *(disk / "plots" / night).glob(f"{base}.*"),
    ):
        path.unlink()


def _product_missing(dest: Path, account: str, options: DemoOptions) -> None:
    _first_product(dest, account, "DARK").unlink()


def _products_deleted(dest: Path, account: str, options: DemoOptions) -> None:
    """Every product the muc made is gone (DFS_PRODUCT and the certified ones in DFO_CAL_DIR):
    there is nothing left to compare, which must never pass."""
    disk = _muc_disk(dest, account)
    folders = [
        *(disk / "product").glob("*/20*"),
        *(p for p in (disk / "calib").glob("20*") if p.name >= str(TRANSITION)),
    ]
    if not folders:
        raise RuntimeError("no product of the muc to delete")
    for folder in folders:
        shutil.rmtree(folder)


QC1_FAULTS: tuple[Fault, ...] = (
    Fault(
        "muc-products-deleted",
        "qc1.values",
        "every product of the muc is deleted: nothing to compare",
        _products_deleted,
        also=("qc1.coverage",),
    ),
    Fault(
        "qc1-float-off-1e-3",
        "qc1.values",
        "a QC1 float differs by a relative 1e-3 on the muc",
        _edit_header(_scale("ESO QC BIAS MASTER MEDIAN", 1 + 1e-3)),
    ),
    Fault(
        "qc1-float-off-1e-8",
        "qc1.values",
        "a QC1 float differs by a relative 1e-8: within the default tolerance, so the site stays READY",
        _edit_header(_scale("ESO QC BIAS MASTER MEDIAN", 1 + 1e-8)),
        tolerated=True,
    ),
    Fault(
        "qc1-parameter-missing",
        "qc1.values",
        "a QC1 parameter is missing on the muc",
        _edit_header(_remove("ESO QC RON RAW")),
    ),
    Fault(
        "qc1-parameter-extra",
        "qc1.values",
        "the muc writes a QC1 parameter the old blade did not",
        _edit_header(_set("HIERARCH ESO QC BIAS EXTRA", 1.5)),
    ),
    Fault(
        "qc1-int-became-float",
        "qc1.values",
        "an int QC1 parameter became a float on the muc",
        _edit_header(_set("ESO QC NCOMBINED", 5.0)),
    ),
    Fault(
        "qc1-string-changed",
        "qc1.values",
        "a string QC1 parameter changed on the muc",
        _edit_header(_set("ESO QC DID", "DID000")),
    ),
    Fault("score-flipped", "qc1.scores", "a score flipped from 0 to 1 on the muc", _flip_score),
    Fault("total-differs", "qc1.scores", "an AB's TOTAL score differs on the muc", _total_differs),
    Fault(
        "ab-not-processed-on-muc",
        "qc1.coverage",
        "a CALIB AB the old blade processed was never run on the muc",
        _ab_not_processed,
    ),
    Fault(
        "product-missing-on-muc",
        "qc1.coverage",
        "one product of an AB is missing on the muc",
        _product_missing,
    ),
)
