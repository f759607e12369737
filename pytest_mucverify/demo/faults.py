"""The fault catalogue: each fault breaks one thing the plan asks for, and names the check that
must catch it. ``mucverify demo-site --fault ID`` injects it into a freshly built demo site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..phases import reached
from .world import INSTRUMENTS, MUC, MUC_DISK, OLD_DISK

if TYPE_CHECKING:
    from .world import DemoOptions


@dataclass(frozen=True)
class Fault:
    id: str
    check: str
    breaks: str
    apply: Callable[[Path, str, DemoOptions], None]
    account: str = "giraffe"
    needs_root: bool = False
    """chown needs root; where the builder is not root the fault cannot be made."""
    phase: str = "operational"
    """the phase the fault shows in: the catalogue test builds and verifies the site at it."""
    tolerated: bool = False
    """a change the check must accept (a difference within tolerance): the site stays READY."""
    also: tuple[str, ...] = ()
    """other checks that rightly fail too (one loss seen from two sides of the plan)."""


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def _edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text()
    after = change(before)
    if after == before:
        raise RuntimeError(f"fault changed nothing in {path}")
    mode = path.stat().st_mode
    path.write_text(after)
    path.chmod(mode & 0o7777)


def _muc_rc_files(dest: Path, account: str, options: DemoOptions) -> list[Path]:
    """Every copy of the muc rc: .dfosrc_muc, and after the switch .dfosrc too."""
    home = dest / "home" / account
    files = [home / ".dfosrc_muc"]
    if reached(options.phase, "operational"):
        files.append(home / ".dfosrc")
    return files


def _muc_disk(dest: Path, account: str) -> Path:
    return dest / "hosts" / MUC / MUC_DISK.strip("/") / "data" / account


def _old_disk(dest: Path, account: str) -> Path:
    return dest / "hosts" / INSTRUMENTS[account].ops / OLD_DISK.strip("/") / "data" / account


def _hostname(host: str, answer: str) -> Callable[[Path, str, DemoOptions], None]:
    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        _script(dest / "hosts" / host / "bin" / "hostname", f"echo {answer}\n")

    return apply


def _muc_command(name: str, body: str) -> Callable[[Path, str, DemoOptions], None]:
    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        _script(dest / "hosts" / MUC / "bin" / name, body)

    return apply


def _home_not_shared(dest: Path, account: str, options: DemoOptions) -> None:
    """The old blade mounts a stale copy of the home, whose .dfosrc differs."""
    copy = dest / "home-ops"
    shutil.copytree(dest / "home", copy, symlinks=True)
    _edit(copy / account / ".dfosrc", lambda t: t + "export DFO_STALE_COPY=1\n")
    ops = INSTRUMENTS[account].ops
    _edit(
        dest / "site.toml",
        lambda t: t.replace(
            f'[hosts.{ops}]\nurl = "local://"\nroot = "hosts/{ops}"\nbin = "hosts/{ops}/bin"\nmounts = {{ "/home" = "home" }}',
            f'[hosts.{ops}]\nurl = "local://"\nroot = "hosts/{ops}"\nbin = "hosts/{ops}/bin"\nmounts = {{ "/home" = "home-ops" }}',
        ),
    )


def _lst_dir_renamed(dest: Path, account: str, options: DemoOptions) -> None:
    """muc_migrate was told a non-standard name for DFO_LST_DIR that the muc disk does not have."""
    _edit(
        dest / "home" / account / "bin" / "config.muc_migrate",
        lambda t: t.replace("DFO_LST_DIR lists", "DFO_LST_DIR lists_giraffe"),
    )


def _sci_dir_missing(dest: Path, account: str, options: DemoOptions) -> None:
    shutil.rmtree(_muc_disk(dest, account) / "science")


def _not_sticky(dest: Path, account: str, options: DemoOptions) -> None:
    logs = _muc_disk(dest, account) / "logs"
    logs.chmod(logs.stat().st_mode & 0o777 & ~0o1000)


def _foreign_owner(dest: Path, account: str, options: DemoOptions) -> None:
    other = next(i for i in INSTRUMENTS.values() if i.account != account)
    os.chown(_muc_disk(dest, account) / "plots", other.uid, other.uid)


def _disk_on_old_prefix(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc's /data/<account> points at a /diska copy instead of the muc's own /fujisan3 disk."""
    muc_root = dest / "hosts" / MUC
    moved = muc_root / OLD_DISK.strip("/") / "data" / account
    moved.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(_muc_disk(dest, account)), str(moved))
    link = muc_root / "data" / account
    link.unlink()
    link.symlink_to(os.path.relpath(moved, link.parent))


def _night_on_old_prefix(dest: Path, account: str, options: DemoOptions) -> None:
    """One raw night folder of the muc lies on a /diska copy, reached through a link: the data
    root itself still resolves to the muc's own disk."""
    muc_root = dest / "hosts" / MUC
    raw = _muc_disk(dest, account) / "raw"
    night = sorted(p for p in raw.iterdir() if p.is_dir())[-1]
    moved = muc_root / OLD_DISK.strip("/") / "data" / account / "raw" / night.name
    moved.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(night), str(moved))
    night.symlink_to(os.path.relpath(moved, night.parent))


SETUP_FAULTS: tuple[Fault, ...] = (
    Fault(
        "muc-answers-as-old-blade",
        "host.is-muc",
        "the new host's hostname answers dfo24, not muc02",
        _hostname(MUC, "dfo24"),
    ),
    Fault(
        "muc-32bit",
        "host.64bit",
        "the muc reports a 32-bit machine (i686)",
        _muc_command("uname", 'case "$1" in -m|-p|-i) echo i686;; *) echo Linux;; esac\n'),
    ),
    Fault(
        "muc-few-cores",
        "host.cores",
        "the muc offers only 4 cores",
        _muc_command("nproc", "echo 4\n"),
    ),
    Fault(
        "condor-slots-missing",
        "host.condor-slots",
        "condor lists 4 slots instead of the configured 8",
        _muc_command(
            "condor_status",
            "".join(
                f"echo 'slot{n}@muc02.hq.eso.org LINUX X86_64 Unclaimed Idle 0.000 5461 0+00:00:0{n}'\n"
                for n in range(1, 5)
            ),
        ),
    ),
    Fault(
        "condor-down",
        "host.condor-slots",
        "condor_status cannot reach the collector",
        _muc_command(
            "condor_status", "echo 'CEDAR:6001:Failed to connect to <muc02:9618>' >&2\nexit 1\n"
        ),
    ),
    Fault(
        "ops-answers-as-other-blade",
        "host.ops-reachable",
        "the old blade's address reaches dfo24 instead",
        lambda d, a, o: _hostname(INSTRUMENTS[a].ops, "dfo24")(d, a, o),
    ),
    Fault(
        "home-not-shared",
        "host.shared-home",
        "the old blade mounts a stale copy of $HOME",
        _home_not_shared,
    ),
    Fault(
        "lst-dir-renamed",
        "disk.standard-dirs",
        "config.muc_migrate names DFO_LST_DIR lists_giraffe, absent on the muc",
        _lst_dir_renamed,
    ),
    Fault(
        "sci-dir-missing",
        "disk.standard-dirs",
        "DFO_SCI_DIR does not exist on the muc data disk",
        _sci_dir_missing,
    ),
    Fault(
        "data-dir-not-sticky",
        "disk.sticky-bit",
        "the muc's logs directory lost its sticky bit",
        _not_sticky,
    ),
    Fault(
        "data-dir-foreign-owner",
        "disk.owner",
        "the muc's plots directory belongs to another account",
        _foreign_owner,
        needs_root=True,
    ),
    Fault(
        "data-disk-on-old-prefix",
        "disk.physical-path",
        "/data/giraffe on the muc resolves under /diska",
        _disk_on_old_prefix,
    ),
    Fault(
        "raw-night-on-old-prefix",
        "disk.physical-path",
        "a raw night folder of the muc is a link onto a /diska copy",
        _night_on_old_prefix,
        also=("fits.stray",),  # its FITS files lie off the muc's own disk too
    ),
)

from .commissioningfaults import COMMISSIONING_FAULTS  # noqa: E402
from .cronfaults import CRON_FAULTS  # noqa: E402
from .datafaults import DATA_FAULTS  # noqa: E402  (they build on the helpers above)
from .diskfaults import DISK_FAULTS  # noqa: E402
from .qc1faults import QC1_FAULTS  # noqa: E402
from .rcfaults import RC_FAULTS  # noqa: E402

FAULTS: tuple[Fault, ...] = (
    *SETUP_FAULTS,
    *DISK_FAULTS,
    *DATA_FAULTS,
    *QC1_FAULTS,
    *CRON_FAULTS,
    *COMMISSIONING_FAULTS,
    *RC_FAULTS,
)
_BY_ID = {fault.id: fault for fault in FAULTS}
assert len(_BY_ID) == len(FAULTS), "duplicate fault id"


def get_fault(fault_id: str) -> Fault:
    try:
        return _BY_ID[fault_id]
    except KeyError:
        raise KeyError(f"no fault {fault_id!r} (see `mucverify faults`)") from None


def apply_fault(dest: Path, fault_id: str, options: DemoOptions) -> None:
    fault = get_fault(fault_id)
    if fault.account not in options.accounts:
        raise ValueError(f"fault {fault_id} needs the demo account {fault.account}")
    if fault.needs_root and os.geteuid() != 0:
        raise PermissionError(f"fault {fault_id} needs root (it changes a file's owner)")
    fault.apply(dest, fault.account, options)
