"""Faults in what muc_migrate -A copied: a copy on the muc that keeps the old size (and time) but
not the content, or that is older than the old blade's file."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _muc_disk, _old_disk
from .world import INSTRUMENTS

if TYPE_CHECKING:
    from .world import DemoOptions


def _flip_byte(path: Path, at: int) -> None:
    """One byte of the file changed in place, its size and modification time kept."""
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _gencal_byte_flipped(dest: Path, account: str, options: DemoOptions) -> None:
    """The bad pixel map in the muc's GEN_CALDIR has one byte of its data unit flipped."""
    bpm = _muc_disk(dest, account) / "gencal" / f"{INSTRUMENTS[account].code}_BPM_STATIC_1x1.fits"
    _flip_byte(bpm, bpm.stat().st_size - 100)


def _gencal_stale_on_muc(dest: Path, account: str, options: DemoOptions) -> None:
    """The old blade's line catalogue was updated after the migration (same size): the muc keeps
    the older copy."""
    name = f"{INSTRUMENTS[account].code}_LINE_CATALOG.fits"
    old = _old_disk(dest, account) / "gencal" / name
    _flip_byte(old, old.stat().st_size - 100)
    later = time.time_ns()
    os.utime(old, ns=(later, later))
    muc = _muc_disk(dest, account) / "gencal" / name
    earlier = muc.stat().st_mtime_ns - 86_400 * 10**9
    os.utime(muc, ns=(earlier, earlier))


def _vcal_header_edited(dest: Path, account: str, options: DemoOptions) -> None:
    """A virtual master calibration on the muc says it combined another number of frames: same
    size, same modification time."""
    header = sorted((_muc_disk(dest, account) / "calib" / "VCAL").glob("*.hdr"))[0]
    before = header.stat()
    text = header.read_text()
    changed = text.replace("NCOMBINED = 3", "NCOMBINED = 5", 1)
    if changed == text:
        raise RuntimeError(f"{header} has no NCOMBINED = 3 to change")
    header.write_text(changed)
    os.utime(header, ns=(before.st_atime_ns, before.st_mtime_ns))


COPY_FAULTS: tuple[Fault, ...] = (
    Fault(
        "gencal-byte-flipped",
        "migration.full",
        "a static calibration in the muc's GEN_CALDIR has one byte flipped, same size and time",
        _gencal_byte_flipped,
    ),
    Fault(
        "gencal-stale-on-muc",
        "migration.full",
        "the old blade's line catalogue changed after the migration; the muc's is older",
        _gencal_stale_on_muc,
    ),
    Fault(
        "vcal-header-edited",
        "migration.full",
        "a virtual master calibration (VCAL .hdr) on the muc differs, same size and time",
        _vcal_header_edited,
    ),
)
