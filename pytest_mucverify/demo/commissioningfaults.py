"""Faults in the commissioning of autoDaily on the muc (plan II.4): the commissioning date's
traces and the versions of the DFOS tools."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _edit, _muc_disk
from .world import INSTRUMENTS, Calendar

if TYPE_CHECKING:
    from .world import DemoOptions


def _commissioning_done(dest: Path, account: str, options: DemoOptions) -> None:
    date = Calendar.for_options(options).commissioning
    _edit(
        dest / "home" / account / "monitor" / f"AB_list_CALIB_{date}",
        lambda t: t.replace("\tCOMPLETE\n", "\tCOMPLETE\tDONE\n", 1),
    )


def _commissioning_ab_on_muc(dest: Path, account: str, options: DemoOptions) -> None:
    date = str(Calendar.for_options(options).commissioning)
    old_disk = dest / "hosts" / INSTRUMENTS[account].ops / "diska" / "data" / account
    source = sorted(
        [*(old_disk / "AB").glob(f"*{date}T*.ab"), *(old_disk / "logs" / date).glob("*.ab")]
    )[0]
    target = _muc_disk(dest, account) / "logs" / date
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target / source.name)


def _commissioning_leftover_ab(dest: Path, account: str, options: DemoOptions) -> None:
    """One AB of the commissioning date on the muc is days older than the others: left from an
    earlier run, taken as done by autoDaily -D."""
    date = str(Calendar.for_options(options).commissioning)
    disk = _muc_disk(dest, account)
    found = sorted([*(disk / "AB").glob(f"*{date}T*.ab"), *(disk / "logs" / date).glob("*.ab")])
    victim = found[0]
    stat = victim.stat()
    os.utime(victim, (stat.st_atime - 3 * 86400, stat.st_mtime - 3 * 86400))


def _commissioning_abs_copied(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc's ABs of the commissioning date all carry a time days before that night: copies
    kept with their times (cp -p, rsync -t), not made by autoDaily -D on the muc."""
    date = Calendar.for_options(options).commissioning
    disk = _muc_disk(dest, account)
    before = calendar.timegm((date - dt.timedelta(days=3)).timetuple()) + 10 * 3600
    for path in [*(disk / "AB").glob(f"*{date}T*.ab"), *(disk / "logs" / str(date)).glob("*.ab")]:
        os.utime(path, (before, before))


def _old_tool(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        dest / "home" / account / "bin" / "autoDaily",
        lambda t: t.replace('TOOL_VERSION="2.1"', 'TOOL_VERSION="2.0"'),
    )


def _second_version_line(dest: Path, account: str, options: DemoOptions) -> None:
    """A block pasted from the old release further down: the shell keeps the last assignment."""
    _edit(
        dest / "home" / account / "bin" / "autoDaily",
        lambda t: t.replace(
            "\ncase ", '\n# kept from v2.0 for the old blades\nTOOL_VERSION="2.0"\ncase ', 1
        ),
    )


def _shadowed_by_function(dest: Path, account: str, options: DemoOptions) -> None:
    """An exported shell function of the tool's name, calling an old copy, in the muc rc."""
    home = dest / "home" / account
    switched = (home / ".dfosrc").read_bytes() == (home / ".dfosrc_muc").read_bytes()
    for rc in (".dfosrc_muc", ".dfosrc") if switched else (".dfosrc_muc",):
        _edit(
            home / rc,
            lambda t: t + 'autoDaily() { $HOME/old/autoDaily "$@"; }\nexport -f autoDaily\n',
        )


def _shadowed_on_path(dest: Path, account: str, options: DemoOptions) -> None:
    """An old copy of autoDaily in a folder the muc's rc puts before DFO_BIN_DIR on the PATH."""
    home = dest / "home" / account
    old_bin = home / "bin.v2.0"
    old_bin.mkdir()
    copy = old_bin / "autoDaily"
    copy.write_text(
        (home / "bin" / "autoDaily").read_text().replace('TOOL_VERSION="2.1"', 'TOOL_VERSION="2.0"')
    )
    copy.chmod(0o755)
    switched = (home / ".dfosrc").read_bytes() == (home / ".dfosrc_muc").read_bytes()
    for rc in (".dfosrc_muc", ".dfosrc") if switched else (".dfosrc_muc",):
        _edit(home / rc, lambda t: t + "export PATH=$HOME/bin.v2.0:$PATH\n")


COMMISSIONING_FAULTS: tuple[Fault, ...] = (
    Fault(
        "commissioning-done-tag",
        "commissioning.ab-list-clean",
        "the commissioning date's AB list carries a DONE tag",
        _commissioning_done,
        phase="commissioning",
    ),
    Fault(
        "commissioning-ab-on-muc",
        "commissioning.ab-list-clean",
        "an AB of the commissioning date already sits on the muc",
        _commissioning_ab_on_muc,
        phase="commissioning",
    ),
    Fault(
        "commissioning-leftover-ab",
        "commissioning.ab-list-clean",
        "after the switch, one AB of the commissioning date on the muc predates the autoDaily -D run",
        _commissioning_leftover_ab,
    ),
    Fault(
        "commissioning-abs-copied",
        "commissioning.ab-list-clean",
        "after the switch, the muc's ABs of the commissioning date were written before that"
        " night: copies, not products of autoDaily -D on the muc",
        _commissioning_abs_copied,
    ),
    Fault(
        "autodaily-v2.0", "commissioning.tool-versions", "autoDaily is v2.0 on the muc", _old_tool
    ),
    Fault(
        "autodaily-two-version-lines",
        "commissioning.tool-versions",
        "autoDaily on the muc sets TOOL_VERSION to 2.1 and later to 2.0",
        _second_version_line,
    ),
    Fault(
        "autodaily-shadowed-by-a-function",
        "commissioning.tool-versions",
        "the muc's rc exports a shell function autoDaily that runs an old copy",
        _shadowed_by_function,
    ),
    Fault(
        "autodaily-shadowed-on-path",
        "commissioning.tool-versions",
        "the muc's PATH finds an old autoDaily before DFO_BIN_DIR",
        _shadowed_on_path,
    ),
)
