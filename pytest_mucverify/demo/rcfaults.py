"""Faults in the rc files a real migration gets wrong in less obvious ways (plan I.3, I.5, I.6,
II.5): a muc rc that keeps the operational values, an indirect physical prefix, the old blade's
name in capitals, an rc switched before the switch, a ``.dfosrc_old`` that is not the old one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _edit, _muc_rc_files
from .world import INSTRUMENTS

if TYPE_CHECKING:
    from .world import DemoOptions


def _muc_rc_keeps_operational_values(dest: Path, account: str, options: DemoOptions) -> None:
    """The ``${VAR:-default}`` idiom: the muc keeps the value .qcrc brought from the old .dfosrc,
    and DFO_OFFSET is left to it altogether."""
    _edit(
        dest / "home" / account / ".dfosrc_muc",
        lambda t: re.sub(
            r"^export DFO_OFFSET=.*\n",
            "",
            t.replace("export DFO_USE_CONDOR=YES", "export DFO_USE_CONDOR=${DFO_USE_CONDOR:-YES}"),
            flags=re.M,
        ),
    )


def _prefix_in_a_list(dest: Path, account: str, options: DemoOptions) -> None:
    """A search list whose second member is the physical path, written the long way."""
    for rc in _muc_rc_files(dest, account, options):
        _edit(
            rc,
            lambda t: (
                t + f"export DFO_CALIB_PATH=$DFO_CAL_DIR,/data/../fujisan3/data/{account}/gencal\n"
            ),
        )


def _old_blade_in_capitals(dest: Path, account: str, options: DemoOptions) -> None:
    ops = INSTRUMENTS[account].ops
    for rc in _muc_rc_files(dest, account, options):
        _edit(rc, lambda t: t + f"export DFO_HDR_SERVER={ops.upper()}.hq.eso.org\n")


def _switched_early(dest: Path, account: str, options: DemoOptions) -> None:
    """.dfosrc made the muc one while the old blade still runs autoDaily with it."""
    home = dest / "home" / account
    shutil.copy2(home / ".dfosrc_muc", home / ".dfosrc")


def _old_rc_not_kept(dest: Path, account: str, options: DemoOptions) -> None:
    """.dfosrc_old is a copy of the switched .dfosrc, not the old blade's file."""
    home = dest / "home" / account
    shutil.copy2(home / ".dfosrc", home / ".dfosrc_old")


def _xv_in_config_subfolder(dest: Path, account: str, options: DemoOptions) -> None:
    folder = dest / "home" / account / "config" / "trendPlotter"
    folder.mkdir()
    (folder / "config.trendPlotter").write_text('# trendPlotter\nPLOT_VIEWER "xv"\n')


def _old_cluster_fc_is_root(dest: Path, account: str, options: DemoOptions) -> None:
    """One of the old cluster blade's two roots edited to the muc's value."""
    _edit(
        dest / "home" / account / ".qcrc",
        lambda t: t.replace(
            f"  export DFO_ROOT_DIR_FC=/fc/{account}", "  export DFO_ROOT_DIR_FC=$DFO_ROOT_DIR"
        ),
    )


def _other_accounts_disk(dest: Path, account: str, options: DemoOptions) -> None:
    for rc in _muc_rc_files(dest, account, options):
        _edit(
            rc,
            lambda t: t.replace(
                "export DFO_LST_DIR=$DFO_ROOT_DIR/lists", "export DFO_LST_DIR=/data/uves/lists"
            ),
        )


def _qcrc_spells_dfosrc_otherwise(dest: Path, account: str, options: DemoOptions) -> None:
    """.qcrc reaches .dfosrc through a folder variable (``$RC_DIR/.dfosrc`` with a trailing
    slash in RC_DIR), and .dfosrc_muc lacks DFO_PLT_DIR, which .dfosrc still gives."""
    home = dest / "home" / account
    _edit(
        home / ".qcrc",
        lambda t: t.replace("source $HOME/.dfosrc", "RC_DIR=$HOME/\nsource ${RC_DIR}/./.dfosrc"),
    )
    _edit(home / ".dfosrc_muc", lambda t: re.sub(r"^export DFO_PLT_DIR=.*\n", "", t, flags=re.M))


RC_FAULTS: tuple[Fault, ...] = (
    Fault(
        "rc-muc-keeps-operational-values",
        "rc.muc-variables",
        ".dfosrc_muc keeps DFO_USE_CONDOR from .dfosrc (${DFO_USE_CONDOR:-YES}) and lacks DFO_OFFSET",
        _muc_rc_keeps_operational_values,
        phase="verification",
    ),
    Fault(
        "rc-physical-prefix-in-a-list",
        "rc.no-physical-prefix",
        ".dfosrc_muc lists $DFO_CAL_DIR,/data/../fujisan3/... in DFO_CALIB_PATH",
        _prefix_in_a_list,
    ),
    Fault(
        "rc-old-blade-in-capitals",
        "rc.no-physical-prefix",
        ".dfosrc_muc names DFO23.hq.eso.org",
        _old_blade_in_capitals,
    ),
    Fault(
        "dfosrc-switched-early",
        "rc.switched",
        ".dfosrc is the muc one before the switch, while the old blade still runs autoDaily",
        _switched_early,
        phase="verification",
    ),
    Fault(
        "dfosrc-old-not-kept",
        "rc.switched",
        ".dfosrc_old is a copy of the switched .dfosrc, not the old blade's file",
        _old_rc_not_kept,
    ),
    Fault(
        "xv-in-config-subfolder",
        "rc.no-xv",
        'a configuration in a sub-folder of DFO_CONFIG_DIR sets PLOT_VIEWER "xv"',
        _xv_in_config_subfolder,
    ),
    Fault(
        "qcrc-old-cluster-fc-is-root",
        "rc.qcrc-cluster-roots",
        ".qcrc gives the old QC blade DFO_ROOT_DIR as its FC root",
        _old_cluster_fc_is_root,
        account="xshooter",
    ),
    Fault(
        "rc-other-accounts-disk",
        "rc.no-physical-prefix",
        ".dfosrc_muc points DFO_LST_DIR at uves's disk",
        _other_accounts_disk,
        # giraffe's own lists folder is then neither standard nor migrated
        also=(
            "disk.standard-dirs",
            "migration.incremental",
            "migration.full",
            "migration.calibration-memory",
        ),
    ),
    Fault(
        "qcrc-sources-dfosrc-spelt-otherwise",
        "rc.muc-variables",
        ".qcrc sources ${RC_DIR}/./.dfosrc and .dfosrc_muc lacks DFO_PLT_DIR, inherited from it",
        _qcrc_spells_dfosrc_otherwise,
        phase="verification",
    ),
)
