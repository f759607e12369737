"""Faults that leave a FITS file (or a link named as one) where none may lie on the muc disk."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _muc_disk
from .world import INSTRUMENTS, MUC, MUC_DISK, TRANSITION, Calendar

if TYPE_CHECKING:
    from collections.abc import Callable

    from .world import DemoOptions

    Apply = Callable[[Path, str, DemoOptions], None]


def _stray(relative: str) -> Apply:
    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        disk = _muc_disk(dest, account)
        night = min(p.name for p in (disk / "logs").iterdir() if p.name[:4].isdigit())
        path = disk / relative.format(night=night, prefix=INSTRUMENTS[account].file_prefix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"SIMPLE  =                    T".ljust(2880))

    return apply


FITS_BLOCK = b"SIMPLE  =                    T".ljust(2880)


def _stray_at_data_root(dest: Path, account: str, options: DemoOptions) -> None:
    prefix = INSTRUMENTS[account].file_prefix
    (_muc_disk(dest, account) / f"{prefix}.{TRANSITION}T10:00:00.000.fits").write_bytes(FITS_BLOCK)


def _stray_behind_symlink(dest: Path, account: str, options: DemoOptions) -> None:
    """A scratch folder elsewhere on the muc's disk, reached through a link in the data root."""
    scratch = dest / "hosts" / MUC / MUC_DISK.strip("/") / f"scratch_{account}"
    scratch.mkdir(parents=True)
    (scratch / "reprocessed_bias.fits").write_bytes(FITS_BLOCK)
    link = _muc_disk(dest, account) / "scratch"
    link.symlink_to(os.path.relpath(scratch, link.parent))


def _stray_unprocessed_night(dest: Path, account: str, options: DemoOptions) -> None:
    """Products in the date folder of a night the muc never processed (the day after TODAY: a
    date typed by hand), nested in its month folder."""
    night = Calendar.for_options(options).today + dt.timedelta(days=1)
    folder = _muc_disk(dest, account) / "science" / f"{night:%Y-%m}" / str(night)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = INSTRUMENTS[account].file_prefix
    (folder / f"{prefix}.{night}T22:10:00.000.fits").write_bytes(FITS_BLOCK)


def _first_muc_night(dest: Path, account: str) -> Path:
    logs = _muc_disk(dest, account) / "logs"
    return min(p for p in logs.iterdir() if p.name >= str(TRANSITION))


def _stray_behind_link_in_date_folder(dest: Path, account: str, options: DemoOptions) -> None:
    """A night's log folder links to a pool of reprocessed frames elsewhere on the muc's disk,
    off the data root (and the pool links to itself, so a scan that follows links blindly never
    ends)."""
    pool = dest / "hosts" / MUC / MUC_DISK.strip("/") / f"pool_{account}"
    pool.mkdir(parents=True)
    (pool / "reprocessed_flat.fits").write_bytes(FITS_BLOCK)
    (pool / "again").symlink_to(".")
    night = _first_muc_night(dest, account)
    (night / "pool").symlink_to(os.path.relpath(pool, night))


def _dangling_fits_link(dest: Path, account: str, options: DemoOptions) -> None:
    """A link named as a raw frame in a night's log folder, leading nowhere (the frame it named
    was deleted): the name still says a FITS file is on the disk."""
    night = _first_muc_night(dest, account)
    prefix = INSTRUMENTS[account].file_prefix
    (night / f"{prefix}.{night.name}T23:00:00.000.fits").symlink_to("../../ngas_cache/gone.fits")


def _fits_link_to_unnamed_file(dest: Path, account: str, options: DemoOptions) -> None:
    """A raw frame of a night the muc processed is a link to a file lying at the top of the data
    disk under a name that does not say FITS: the frame's place is right, its content is not."""
    disk = _muc_disk(dest, account)
    raw = min(p for p in (disk / "raw").iterdir() if p.name >= str(TRANSITION))
    (disk / "frame_copy").write_bytes(FITS_BLOCK)
    prefix = INSTRUMENTS[account].file_prefix
    (raw / f"{prefix}.{raw.name}T23:30:00.000.fits").symlink_to("../../frame_copy")


def _fits_link_at_data_root(dest: Path, account: str, options: DemoOptions) -> None:
    """A link named as a raw frame at the top of the muc's data disk, to a frame the muc keeps
    in its raw folder (a shortcut made by hand, never removed)."""
    disk = _muc_disk(dest, account)
    frame = min((disk / "raw").glob("*/*.fits"))
    (disk / frame.name).symlink_to(frame.relative_to(disk))


FITS_FAULTS: tuple[Fault, ...] = (
    Fault(
        "stray-fits-in-logs",
        "fits.stray",
        "a .fits file sits in the muc's logs",
        _stray("logs/{night}/leftover_{night}.fits"),
    ),
    Fault(
        "stray-fits-xz-in-calib",
        "fits.stray",
        "an xz-compressed master calibration of a night before the transition sits on the muc",
        _stray("calib/{night}/GI_MBIA_{night}_1x1.fits.xz"),
    ),
    Fault(
        "stray-fits-zip-in-logs",
        "fits.stray",
        "a zipped FITS file (upper-case suffix) sits in the muc's logs",
        _stray("logs/{night}/QUICKLOOK.FITS.ZIP"),
    ),
    Fault(
        "stray-fits-gz-in-plots",
        "fits.stray",
        "a .fits.gz file sits in the muc's plots",
        _stray("plots/{night}/quicklook.fits.gz"),
    ),
    Fault(
        "stray-fits-before-transition",
        "fits.stray",
        "a raw FITS of a night before the transition sits on the muc",
        _stray("raw/{night}/{prefix}.{night}T10:00:00.000.fits"),
    ),
    Fault(
        "stray-fits-at-data-root",
        "fits.stray",
        "a raw FITS file lies directly in the muc's data root",
        _stray_at_data_root,
    ),
    Fault(
        "stray-fits-behind-symlink",
        "fits.stray",
        "a FITS file sits in a folder the muc's data root links to",
        _stray_behind_symlink,
        also=("disk.physical-path",),  # the linked folder lies off the account's data root
    ),
    Fault(
        "stray-fits-unprocessed-night",
        "fits.stray",
        "FITS files sit in the date folder of a night the muc never processed",
        _stray_unprocessed_night,
    ),
    Fault(
        "stray-fits-behind-link-in-date-folder",
        "fits.stray",
        "a night's log folder links to a folder off the data root that holds a FITS file",
        _stray_behind_link_in_date_folder,
    ),
    Fault(
        "stray-fits-dangling-link",
        "fits.stray",
        "a link named as a FITS file, leading nowhere, sits in a night's log folder",
        _dangling_fits_link,
    ),
    Fault(
        "stray-fits-link-to-unnamed-file",
        "fits.stray",
        "a raw frame of a muc night links to a FITS file at the data root named without .fits",
        _fits_link_to_unnamed_file,
    ),
    Fault(
        "stray-fits-link-at-data-root",
        "fits.stray",
        "a link named as a FITS file lies at the top of the muc's data disk",
        _fits_link_at_data_root,
    ),
)
