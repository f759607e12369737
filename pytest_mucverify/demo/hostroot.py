"""The root folder of a demo blade: its commands, its passwd, its data disks and crontabs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..dfos.layout import DATA_DIRECTORIES
from ..phases import reached
from .world import CONDOR_SLOTS, MUC, Instrument


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def write_commands(root: Path, host: str, muc: bool) -> None:
    """Commands that answer as this blade would: 64-bit 24-thread muc, 32-bit dual-core dfo."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    machine = "x86_64" if muc else "i686"
    _script(bin_dir / "hostname", f"echo {host}\n")
    _script(
        bin_dir / "uname",
        f"""case "$1" in
  -m|-p|-i) echo {machine} ;;
  -n) echo {host} ;;
  -a) echo "Linux {host} 2.6.32-358.el6.{machine} #1 SMP {machine} GNU/Linux" ;;
  *) echo Linux ;;
esac
""",
    )
    _script(bin_dir / "nproc", f"echo {24 if muc else 2}\n")
    # the image viewer: xv on the 32-bit blades, ImageMagick's display on the muc (plan I.6)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True, exist_ok=True)
    viewer = "display" if muc else "xv"
    _script(usr_bin / viewer, f'echo "{viewer}: demo copy" >&2\n')
    _script(
        bin_dir / "crontab",
        """here=$(cd "$(dirname "$0")/.." && pwd)
if [ "$1" != "-l" ]; then echo "crontab: this blade's crontab is read-only here (use -l)" >&2; exit 1; fi
user=${USER:-$(id -un)}
if [ -f "$here/crontabs/$user" ]; then cat "$here/crontabs/$user"; else echo "no crontab for $user" >&2; exit 1; fi
""",
    )
    if muc:
        slots = "\n".join(
            f"slot{n}@{host}.hq.eso.org LINUX      X86_64 Unclaimed Idle      0.000 5461  0+00:00:0{n}"
            for n in range(1, CONDOR_SLOTS + 1)
        )
        _script(
            bin_dir / "condor_status",
            f"""cat <<'SLOTS'

Name               OpSys      Arch   State     Activity LoadAv Mem   ActvtyTime

{slots}
                     Total Owner Claimed Unclaimed Matched Preempting Backfill

        X86_64/LINUX     {CONDOR_SLOTS}     0       0         {CONDOR_SLOTS}       0          0        0

               Total     {CONDOR_SLOTS}     0       0         {CONDOR_SLOTS}       0          0        0
SLOTS
""",
        )


def write_passwd(root: Path, accounts: Sequence[Instrument], as_root: bool) -> None:
    etc = root / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    uid = os.getuid()
    lines = ["root:x:0:0:root:/root:/bin/bash"]
    for inst in accounts:
        owner = inst.uid if as_root else uid
        lines.append(
            f"{inst.account}:x:{owner}:{owner}:{inst.account} DFOS account:/home/{inst.account}:/bin/bash"
        )
    (etc / "passwd").write_text("\n".join(lines) + "\n")


def make_data_disk(root: Path, disk_prefix: str, inst: Instrument) -> Path:
    """/<prefix>/data/<account> with the standard directories, reached from /data/<account>
    through /datavlt/<account> (DOMAIN.md §1: ``/datavlt/kmos`` -> ``/fujisan3/data/kmos``)."""
    physical = root / disk_prefix.strip("/") / "data" / inst.account
    physical.mkdir(parents=True, exist_ok=True)
    for directory in DATA_DIRECTORIES:
        (physical / directory.name).mkdir(exist_ok=True)
    # /data/<account> -> /datavlt/<account> -> /<prefix>/data/<account>, as on the blades
    vlt = root / "datavlt" / inst.account
    vlt.parent.mkdir(parents=True, exist_ok=True)
    if not vlt.is_symlink():
        vlt.symlink_to(os.path.relpath(physical, vlt.parent))
    logical = root / "data" / inst.account
    logical.parent.mkdir(parents=True, exist_ok=True)
    if not logical.is_symlink():
        logical.symlink_to(os.path.relpath(vlt, logical.parent))
    return physical


def seal_data_disk(physical: Path, inst: Instrument, as_root: bool) -> None:
    """Sticky bit on the /data directories; ownership by the account where we may chown."""
    directories = [physical, *(p for p in physical.iterdir() if p.is_dir() and not p.is_symlink())]
    for directory in directories:
        directory.chmod(0o1775)
    if as_root:
        for folder, dirs, files in os.walk(physical):
            os.chown(folder, inst.uid, inst.uid)
            for name in dirs + files:
                os.lchown(os.path.join(folder, name), inst.uid, inst.uid)


def crontab_text(inst: Instrument, host: str, phase: str, vnc_display: int) -> str:
    """What ``crontab -l`` prints for the account on that blade at that phase."""
    dfos_cron = f"/home/{inst.account}/bin/dfosCron"
    operational = reached(phase, "operational")
    on_muc = host == MUC
    lines = [f"# crontab of {inst.account}@{host}", f"MAILTO={inst.account}"]
    if on_muc:
        lines.append(f"DISPLAY=:{vnc_display}")
        if reached(phase, "verification"):
            lines += [
                # the old blade's two lines, reading .dfosrc_muc, a quarter of an hour later
                f"15,45 * * * * {dfos_cron} -t calChecker -r .dfosrc_muc",
                f"30 6 * * * {dfos_cron} -t calChecker -F -r .dfosrc_muc",
            ]
        if operational:
            lines += [
                f"0 8-18 * * * {dfos_cron} -t autoDaily -r .dfosrc_muc",
                f"30 6 * * * {dfos_cron} -t JOBS_TREND",
                f"*/5 * * * * /home/{inst.account}/bin/vnc_keepalive :{vnc_display}",
            ]
        return "\n".join(lines) + "\n"
    off = "#" if operational else ""
    auto_off = "#" if operational or phase == "commissioning" else ""
    lines += [
        f"{off}*/30 * * * * {dfos_cron} -t calChecker",
        f"{off}15 6 * * * {dfos_cron} -t calChecker -F",
        f"{auto_off}0 8-18 * * * {dfos_cron} -t autoDaily",
        f"{off}30 6 * * * {dfos_cron} -t JOBS_TREND",
    ]
    return "\n".join(lines) + "\n"
