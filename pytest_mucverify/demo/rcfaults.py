"""Faults in the rc files and .dbrc (plan I.3, I.5, I.6, II.5, II.6): a variable missing or only
inherited, a physical prefix or the old blade's name (also written indirectly, in a list, in
capitals), another account's disk, a .qcrc that breaks either blade, an rc switched too early or
a .dfosrc_old that is not the old one, xv, .dbrc entries and mode."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _edit, _muc_rc_files
from .world import INSTRUMENTS, MUC, MUC_DISK

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


def _rc_drop(variable: str) -> Callable[[Path, str, DemoOptions], None]:
    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        for rc in _muc_rc_files(dest, account, options):
            _edit(rc, lambda t: re.sub(rf"^export {variable}=.*\n", "", t, flags=re.M))

    return apply


def _rc_physical_prefix(dest: Path, account: str, options: DemoOptions) -> None:
    for rc in _muc_rc_files(dest, account, options):
        _edit(
            rc,
            lambda t: t.replace(
                "export DFO_PLT_DIR=$DFO_ROOT_DIR/plots",
                f"export DFO_PLT_DIR={MUC_DISK}/data/{account}/plots",
            ),
        )


def _rc_old_blade(dest: Path, account: str, options: DemoOptions) -> None:
    ops = INSTRUMENTS[account].ops
    for rc in _muc_rc_files(dest, account, options):
        _edit(rc, lambda t: t + f"export DFO_ARCHIVE_HOST={ops}.hq.eso.org\n")


def _qcrc_not_conditional(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        dest / "home" / account / ".qcrc",
        lambda t: re.sub(
            r"CHECK_MUC=.*?\nfi\n",
            f"export DFO_ROOT_DIR_FC=/fc/{account}\nexport DFO_ROOT_DIR_DISKA=$DFO_ROOT_DIR\n",
            t,
            flags=re.S,
        ),
    )


def _dbrc_old_blade(dest: Path, account: str, options: DemoOptions) -> None:
    ops = INSTRUMENTS[account].ops
    _edit(
        dest / "home" / account / ".dbrc",
        lambda t: re.sub(r"\bmuc\d\d$", ops, t, count=1, flags=re.M),
    )


def _rc_variable_only_in_dfosrc(dest: Path, account: str, options: DemoOptions) -> None:
    """.dfosrc_muc lacks a variable that the operational .dfosrc (sourced by .qcrc) still gives."""
    _edit(
        dest / "home" / account / ".dfosrc_muc",
        lambda t: re.sub(r"^export DFO_DOC_DIR=.*\n", "", t, flags=re.M),
    )


def _qcrc_breaks_old_cluster(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc's roots set unconditionally: right on the muc, wrong on the old cluster blade."""
    _edit(
        dest / "home" / account / ".qcrc",
        lambda t: re.sub(
            r"CHECK_MUC=.*?\nfi\n",
            "export DFO_ROOT_DIR_FC=$DFO_ROOT_DIR; export DFO_ROOT_DIR_DISKA=$DFO_ROOT_DIR\n",
            t,
            flags=re.S,
        ),
    )


def _dbrc_host_port(dest: Path, account: str, options: DemoOptions) -> None:
    ops = INSTRUMENTS[account].ops
    _edit(
        dest / "home" / account / ".dbrc",
        lambda t: t.replace("qcdb.hq.eso.org", f"{ops}:4100", 1),
    )


def _dbrc_other_muc(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        dest / "home" / account / ".dbrc",
        lambda t: re.sub(r"\bmuc02$", "muc05", t, count=1, flags=re.M),
    )


def _xv_viewer_in_config(dest: Path, account: str, options: DemoOptions) -> None:
    (dest / "home" / account / "config" / "config.dfoMonitor").write_text(
        "# dfoMonitor configuration\nVIEWER=xv\n"
    )


def _display_missing(dest: Path, account: str, options: DemoOptions) -> None:
    (dest / "hosts" / MUC / "usr" / "bin" / "display").unlink()


def _dbrc_readable(dest: Path, account: str, options: DemoOptions) -> None:
    (dest / "home" / account / ".dbrc").chmod(0o644)


RC_FAULTS: tuple[Fault, ...] = (
    Fault(
        "rc-variable-missing",
        "rc.muc-variables",
        ".dfosrc_muc does not define DFO_DOC_DIR",
        _rc_drop("DFO_DOC_DIR"),
    ),
    Fault(
        "ab-raw-dir-unset",
        "ab.clean-paths",
        ".dfosrc_muc does not define DFO_RAW_DIR, so no RAWFILE of an AB can be placed",
        _rc_drop("DFO_RAW_DIR"),
        # the same loss seen by the rc, the disk layout, the migration and the stray-FITS checks
        also=("rc.muc-variables", "disk.standard-dirs", "migration.full", "fits.stray"),
    ),
    Fault(
        "rc-physical-prefix",
        "rc.no-physical-prefix",
        ".dfosrc_muc writes DFO_PLT_DIR with /fujisan3",
        _rc_physical_prefix,
    ),
    Fault(
        "rc-old-blade-name",
        "rc.no-physical-prefix",
        ".dfosrc_muc names the old blade dfo23",
        _rc_old_blade,
    ),
    Fault(
        "qcrc-not-conditional",
        "rc.qcrc-cluster-roots",
        ".qcrc sets DFO_ROOT_DIR_FC to the cluster path whatever the host",
        _qcrc_not_conditional,
        account="xshooter",
    ),
    Fault(
        "rc-variable-only-in-dfosrc",
        "rc.muc-variables",
        ".dfosrc_muc lacks DFO_DOC_DIR, inherited from .dfosrc through .qcrc until the switch",
        _rc_variable_only_in_dfosrc,
        phase="verification",
    ),
    Fault(
        "qcrc-breaks-old-cluster-blade",
        "rc.qcrc-cluster-roots",
        ".qcrc sets the muc's cluster roots whatever the host, redirecting the old QC blade",
        _qcrc_breaks_old_cluster,
        account="xshooter",
    ),
    Fault(
        "dbrc-old-blade-host-port",
        "rc.dbrc-hosts",
        ".dbrc names the old blade as host:port (dfo23:4100)",
        _dbrc_host_port,
    ),
    Fault(
        "dbrc-other-muc",
        "rc.dbrc-hosts",
        ".dbrc names muc05, not giraffe's muc02",
        _dbrc_other_muc,
    ),
    Fault(
        "xv-viewer-in-config",
        "rc.no-xv",
        "a configuration file sets VIEWER=xv",
        _xv_viewer_in_config,
    ),
    Fault(
        "display-missing-on-muc",
        "rc.no-xv",
        "ImageMagick's display, which replaces xv, is not on the muc",
        _display_missing,
    ),
    Fault("dbrc-old-blade", "rc.dbrc-hosts", ".dbrc still names the old blade", _dbrc_old_blade),
    Fault(
        "dbrc-readable", "rc.dbrc-mode", ".dbrc is readable by everyone (mode 644)", _dbrc_readable
    ),
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
