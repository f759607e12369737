"""Faults in how the muc's data disk is laid out: a standard directory that lies on another
account's disk, one the account cannot write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _muc_disk

if TYPE_CHECKING:
    from .world import DemoOptions


def _logs_on_other_account(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc's logs were moved into another account's tmp folder on the same physical disk
    and linked back: the data root still resolves to the account's own disk."""
    disk = _muc_disk(dest, account)
    other = "uves" if account != "uves" else "giraffe"
    moved = disk.parent / other / "tmp" / f"{account}_logs"
    moved.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(disk / "logs"), str(moved))
    (disk / "logs").symlink_to(os.path.relpath(moved, disk))


def _ab_dir_not_writable(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc's AB directory is r-x for its owner (sticky bit kept): createAB cannot write."""
    (_muc_disk(dest, account) / "AB").chmod(0o1500)


DISK_FAULTS: tuple[Fault, ...] = (
    Fault(
        "logs-on-other-account-disk",
        "disk.physical-path",
        "the muc's logs directory is a link into another account's tmp on the same disk",
        _logs_on_other_account,
    ),
    Fault(
        "ab-dir-not-writable",
        "disk.owner",
        "the muc's AB directory has mode 1500: its owner cannot write it",
        _ab_dir_not_writable,
    ),
)
