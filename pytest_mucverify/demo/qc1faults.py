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
from .world import COMMISSIONING, TRANSITION, Calendar

if TYPE_CHECKING:
    from .world import DemoOptions

Apply = Callable[[Path, str, "DemoOptions"], None]


def _first_product(
    dest: Path, account: str, raw_type: str = "BIAS", pattern: str = "r.*_0000.fits"
) -> Path:
    """The muc's (first) product of the AB of ``raw_type`` of the latest night both blades
    processed (still in DFS_PRODUCT), the commissioning night aside: its ABs are the
    commissioning check's evidence too."""
    folder = _muc_disk(dest, account) / "product" / raw_type
    old = _old_disk(dest, account) / "product" / raw_type
    commissioning = str(COMMISSIONING)
    found = sorted(
        p
        for p in folder.glob(f"*/{pattern}")
        if (old / p.parent.name).is_dir() and p.parent.name != commissioning
    )
    if not found:
        raise RuntimeError(f"no {raw_type} product on the muc to break")
    return found[-1]


def _edit_header(
    change: Callable[[fits.Header], None], raw_type: str = "BIAS", pattern: str = "r.*_0000.fits"
) -> Apply:
    """Rewrite a muc product's primary header with astropy, keeping its data unit."""

    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        path = _first_product(dest, account, raw_type, pattern)
        data = path.read_bytes()
        cards = next(n for n in range(0, len(data), 80) if data[n : n + 80].rstrip() == b"END")
        header_size = (cards // BLOCK + 1) * BLOCK
        header = fits.Header.fromstring(data[:header_size].decode("ascii"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VerifyWarning)  # long HIERARCH cards lose comment text
            change(header)
        path.write_bytes(header.tostring().encode("ascii") + data[header_size:])

    return apply


def _edit_extension(extname: str, change: Callable[[fits.Header], None]) -> Apply:
    """Rewrite one detector extension's header of a muc product."""

    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        path = _first_product(dest, account)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VerifyWarning)
            with fits.open(path, mode="update") as hdul:
                change(hdul[extname].header)

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


def _remove_qc1(header: fits.Header) -> None:
    for keyword in [k for k in header if k.startswith("ESO QC")]:
        del header[keyword]


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
        lambda t: re.sub(r"^(\S+\s+\S+\s+)0$", r"\g<1>1", t, count=1, flags=re.M),
    )


def _total_differs(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        _score_file(dest, account),
        lambda t: re.sub(
            r"^TOTAL(\s+)(\d+)$", lambda m: f"TOTAL{m[1]}{int(m[2]) + 1}", t, flags=re.M
        ),
    )


def _score_in_another_layout(dest: Path, account: str, options: DemoOptions) -> None:
    """A score flipped, in a line of another layout (``name = value  score=1``)."""
    _edit(
        _score_file(dest, account),
        lambda t: re.sub(r"^(\S+)\s+(\S+)\s+0$", r"\1 = \2  score=1", t, count=1, flags=re.M),
    )


def _scored_value_drifts(dest: Path, account: str, options: DemoOptions) -> None:
    """A value only processQC computes (from the QC1 database, in no header) drifts by 5 %."""

    def drift(text: str) -> str:
        def scaled(match: re.Match[str]) -> str:
            value = float(match[2])
            return f"{match[1]}{value * 1.05 if value != -999 else 0.5}{match[3]}"

        return re.sub(r"^(QC\.\w+\.TREND\.DELTA\s+)(\S+)(\s+\S+)$", scaled, text, flags=re.M)

    _edit(_score_file(dest, account), drift)


def _paf_value_off(dest: Path, account: str, options: DemoOptions) -> None:
    """A QC1 value of a PAF file (in the products' qc/ sub-folder) is 2 % off on the muc."""
    product = _first_product(dest, account)
    paf = product.parent / "qc" / product.name.replace(".fits", ".paf")

    def change(text: str) -> str:
        return re.sub(
            r"^(QC\.BIAS\.MASTER\.MEDIAN\s+)(\S+)",
            lambda m: f"{m[1]}{float(m[2]) * 1.02}",
            text,
            flags=re.M,
        )

    _edit(paf, change)


def _science_ab_failed(dest: Path, account: str, options: DemoOptions) -> None:
    """The SCIENCE AB of a night both blades processed ends FAILED on the muc."""
    product = _first_product(dest, account, "OBJECT")
    base = product.name.removeprefix("r.").removesuffix("_0000.fits")
    _edit(
        _muc_disk(dest, account) / "AB" / f"{base}.ab",
        lambda t: t.replace("PROCESS_STATUS\tSUCCESSFUL", "PROCESS_STATUS\tFAILED"),
    )


def _ab_not_processed(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc never ran one AB of its latest night: no AB, product, score, log or plot."""
    product = _first_product(dest, account)
    base = product.name.removeprefix("r.").removesuffix("_0000.fits")
    disk = _muc_disk(dest, account)
    night = product.parent.name
    for path in (
        disk / "AB" / f"{base}.ab",
        *product.parent.glob(f"r.{base}_*"),
        *product.parent.glob(f"qc/r.{base}_*"),
        *(disk / "logs" / night).glob(f"{base}.*"),
        *(disk / "plots" / night).glob(f"{base}.*"),
    ):
        path.unlink()


def _product_missing(dest: Path, account: str, options: DemoOptions) -> None:
    """The second master of a DARK AB (whose name carries a grouping tag) is not on the muc."""
    _first_product(dest, account, "DARK", "r.*_0001.fits").unlink()


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


def _own_night_products_lost(dest: Path, account: str, options: DemoOptions) -> None:
    """The products of the switch night, which only the muc processes, are gone from the muc:
    there is no old blade to compare with, and the night must still not pass."""
    switch = str(Calendar.for_options(options).switch)
    folders = list((_muc_disk(dest, account) / "product").glob(f"*/{switch}"))
    if not folders:
        raise RuntimeError(f"the muc has no product of {switch}")
    for folder in folders:
        shutil.rmtree(folder)


QC1_FAULTS: tuple[Fault, ...] = (
    Fault(
        "muc-own-night-products-lost",
        "qc1.coverage",
        "after the switch the muc's own night has ABs run successfully but no products",
        _own_night_products_lost,
    ),
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
        also=("qc1.values",),  # its products are on the old blade only
    ),
    Fault(
        "product-missing-on-muc",
        "qc1.values",
        "the second master of an AB with a grouping tag is missing on the muc",
        _product_missing,
        also=("qc1.coverage",),  # the AB made fewer products of that category
    ),
    Fault(
        "qc1-extension-value-off",
        "qc1.values",
        "a QC1 value in a detector extension (CHIP2) differs by 56 % on the muc",
        _edit_extension("CHIP2", _scale("ESO QC BIAS MASTER MEDIAN", 1.56)),
    ),
    Fault(
        "qc1-extension-qc-missing",
        "qc1.values",
        "a detector extension of a muc product carries no QC1 parameter",
        _edit_extension("CHIP1", _remove_qc1),
    ),
    Fault(
        "qc1-second-product-differs",
        "qc1.values",
        "the second master of one category made by one AB differs on the muc",
        _edit_header(_scale("ESO QC DARK MASTER MEDIAN", 1 + 1e-2), "DARK", "r.*_0001.fits"),
    ),
    Fault(
        "qc1-paf-value-off",
        "qc1.values",
        "a QC1 value in a PAF file of a product's qc/ sub-folder differs on the muc",
        _paf_value_off,
    ),
    Fault(
        "score-in-another-layout",
        "qc1.scores",
        "a flipped score written in another layout on the muc",
        _score_in_another_layout,
    ),
    Fault(
        "scored-value-drifts",
        "qc1.scores",
        "a value only processQC computes (in no header) drifts in the muc's score file",
        _scored_value_drifts,
    ),
    Fault(
        "science-ab-failed-on-muc",
        "qc1.coverage",
        "a SCIENCE AB that succeeded on the old blade is FAILED on the muc",
        _science_ab_failed,
    ),
)
