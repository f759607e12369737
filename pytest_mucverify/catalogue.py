"""The catalogue of checks: every step of the plan that the suites verify.

Suites name a check by its id (``@check("host.cores")``); the catalogue says which phase of the
migration it belongs to, where the plan asks for it, and for which accounts it applies. A check
that does not apply to an account is recorded as not-applicable, never as passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .phases import PHASES
from .site import Account

Applicability = Callable[[Account], str | None]
"""None when the check applies to the account, else the reason it does not."""


def always(account: Account) -> str | None:
    return None


def needs(feature: str, why: str) -> Applicability:
    def applies(account: Account) -> str | None:
        return None if account.has(feature) else f"{account.name} {why}"

    return applies


def qc_cluster_only(account: Account) -> str | None:
    return None if account.qc_cluster else f"{account.name} is not a QC-cluster account"


def has_data_disk(account: Account) -> str | None:
    if account.has("muc_migrate") or account.has("full_migration"):
        return None
    return f"{account.name} has no data disk to migrate"


@dataclass(frozen=True)
class CheckSpec:
    id: str
    phase: str
    section: str
    title: str
    applies: Applicability = always

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "host.is-muc", "setup", "Architecture", "the new blade answers as the muc it is meant to be"
    ),
    CheckSpec("host.64bit", "setup", "Architecture", "the muc runs a 64-bit OS"),
    CheckSpec("host.cores", "setup", "Architecture", "the muc offers at least 12 cores"),
    CheckSpec(
        "host.condor-slots",
        "pipeline",
        "I.7",
        "condor answers on the muc with the configured number of slots",
        needs("condor", "runs no pipeline through condor"),
    ),
    CheckSpec("host.ops-reachable", "setup", "I.2", "the old blade answers, as itself"),
    CheckSpec("host.shared-home", "setup", "I.3", "both blades see the same $HOME"),
    CheckSpec(
        "disk.standard-dirs",
        "setup",
        "I.3",
        "the standard DFO directories exist on the muc data disk",
    ),
    CheckSpec(
        "disk.sticky-bit", "setup", "I.3", "every /data directory of the account has the sticky bit"
    ),
    CheckSpec(
        "disk.owner",
        "setup",
        "I.3",
        "every /data directory of the account belongs to the account, who may read, write and enter it",
    ),
    CheckSpec(
        "disk.physical-path",
        "setup",
        "I.3",
        "the data disk, its standard directories and top-level entries resolve to the account's own"
        " physical disk on the muc",
    ),
    CheckSpec(
        "rc.muc-variables",
        "baseline",
        "I.5",
        ".dfosrc_muc defines every standard DFO variable on the muc",
    ),
    CheckSpec(
        "rc.no-physical-prefix",
        "baseline",
        "I.5",
        "no rc value holds a physical disk prefix or an old blade's name",
    ),
    CheckSpec(
        "rc.qcrc-cluster-roots",
        "setup",
        "I.3",
        ".qcrc on the muc makes DFO_ROOT_DIR_FC and DFO_ROOT_DIR_DISKA equal DFO_ROOT_DIR",
        qc_cluster_only,
    ),
    CheckSpec("rc.dbrc-hosts", "pipeline", "II.6", ".dbrc names the muc blades, not the old ones"),
    CheckSpec("rc.dbrc-mode", "pipeline", "II.6", ".dbrc is readable by its owner only (mode 600)"),
    CheckSpec(
        "ab.clean-paths",
        "pipeline",
        "I.7",
        "every path in the night's ABs on the muc is clean: no physical prefix (in any line), no"
        " '..', in its place",
        needs("condor", "runs no pipeline on the muc"),
    ),
    CheckSpec(
        "ab.references-exist",
        "pipeline",
        "I.7",
        "every raw file and master calibration an active AB names is on the muc",
        needs("condor", "runs no pipeline on the muc"),
    ),
    CheckSpec(
        "ab.sof-consistent",
        "pipeline",
        "I.7",
        "every SOF_CONTENT frame is one of the AB's raw files or master calibrations",
        needs("condor", "runs no pipeline on the muc"),
    ),
    CheckSpec(
        "fits.stray",
        "operational",
        "II.5",
        "no FITS file slipped onto the muc data disk outside the nights the muc processed",
        has_data_disk,
    ),
    CheckSpec(
        "migration.incremental",
        "incremental",
        "I.4",
        "the 2012-12 and 2013 date folders of logs, lists, plots and headers reached the muc",
        needs("incremental", "takes no incremental data (muc_migrate -I)"),
    ),
    CheckSpec(
        "migration.full",
        "full-migration",
        "I.9",
        "every non-FITS file of the standard directories (and GEN_CALDIR's FITS) reached the muc;"
        " non-standard ones decided",
        needs("full_migration", "takes no full data migration (muc_migrate -A)"),
    ),
    CheckSpec(
        "migration.calibration-memory",
        "verification",
        "II.2",
        "calChecker's memory (VCAL, PREVIOUS, CAL4CAL) and the data reports are on the muc",
        needs("calchecker", "runs no calChecker"),
    ),
    CheckSpec(
        "cron.syntax",
        "setup",
        "II.5",
        "the account's crontabs on both blades parse as cron reads them, their commands as the"
        " shell reads them, and their SHELL, HOME and time zone let every job run as before",
    ),
    CheckSpec(
        "cron.commands",
        "verification",
        "II.5",
        "the program of every active cron line exists on the muc",
    ),
    CheckSpec(
        "cron.calchecker",
        "verification",
        "II.2",
        "the muc runs the old blade's two calChecker lines reading .dfosrc_muc, as often and on"
        " the same days, staggered, and after the switch only the muc",
        needs("calchecker", "runs no calChecker"),
    ),
    CheckSpec(
        "cron.autodaily",
        "setup",
        "II.4",
        "autoDaily runs from cron on exactly one blade, at the same times, the old line commented out",
        needs("autodaily", "runs no autoDaily"),
    ),
    CheckSpec(
        "cron.display",
        "verification",
        "II.6",
        "cron jobs on the muc use one of the account's three VNC displays",
        needs("vnc", "has no VNC displays"),
    ),
    CheckSpec(
        "commissioning.ab-list-clean",
        "commissioning",
        "II.4",
        "the commissioning date has no DONE tag in its AB list and no AB on the muc; once"
        " operational, the muc's ABs of that date show it held",
        needs("autodaily", "runs no autoDaily"),
    ),
    CheckSpec(
        "commissioning.tool-versions",
        "commissioning",
        "II.4",
        "autoDaily and createJob are v2.1+ and every DFOS tool is its standard version",
    ),
    CheckSpec(
        "rc.switched",
        "baseline",
        "II.5",
        ".dfosrc the old blade's until the switch; then .dfosrc_old the old one, .dfosrc the muc"
        " one, .dfosrc_muc gone or identical",
    ),
    CheckSpec(
        "rc.no-xv",
        "baseline",
        "I.6",
        "no rc, job, config or tool file or crontab on the muc calls xv; display is there",
    ),
    CheckSpec(
        "qc1.values",
        "verification",
        "II.3",
        "every QC1 parameter of every HDU of every product is the same on both blades, within"
        " tolerance",
        needs("condor", "runs no pipeline on the muc"),
    ),
    CheckSpec(
        "qc1.scores",
        "verification",
        "II.3",
        "every score, scored value and AB's TOTAL is the same on both blades",
        needs("condor", "runs no pipeline on the muc"),
    ),
    CheckSpec(
        "qc1.coverage",
        "verification",
        "II.3",
        "both blades ran the same CALIB and SCIENCE ABs to the same state into the same products",
        needs("condor", "runs no pipeline on the muc"),
    ),
)

MINIMUM_EVIDENCE: dict[str, str] = {
    "host.is-muc": "the muc's hostname answered",
    "host.64bit": "uname -m answered",
    "host.cores": "nproc answered",
    "host.condor-slots": "condor_status listed the slots",
    "host.ops-reachable": "the old blade's hostname answered",
    "host.shared-home": ".dfosrc and .qcrc read on both blades",
    "disk.standard-dirs": "every standard directory looked up",
    "disk.sticky-bit": "the data root and its directories listed",
    "disk.owner": "the data root and its directories listed",
    "disk.physical-path": "the data root, its top-level entries and standard directories resolved",
    "rc.muc-variables": "the muc rc sourced by bash, its variables counted",
    "rc.no-physical-prefix": "the rc's own variables read",
    "rc.qcrc-cluster-roots": "the three root variables read on both blades",
    "rc.dbrc-hosts": "at least one host named in .dbrc (none named fails)",
    "rc.dbrc-mode": ".dbrc stat'ed",
    "ab.clean-paths": "per night the muc processes: at least one AB of the night (none fails);"
    " outside the window: every AB folder listed and every AB read",
    "ab.references-exist": "per night the muc processes: the night's ABs (none fails), the files"
    " its active ABs name",
    "ab.sof-consistent": "per night the muc processes: the night's ABs (none fails)",
    "fits.stray": "every data directory looked at, and scanned where it exists",
    "migration.incremental": "per directory: at least one file of the incremental set on the old"
    " blade (none fails)",
    "migration.full": "per directory: the old tree listed; logs, lists, headers, plots and"
    " calibrations must hold a file to migrate (none fails)",
    "migration.calibration-memory": "every memory folder looked up; CALCHECK and REPORT"
    " missing on the old blade fail",
    "cron.syntax": "both crontabs read, their settings and commands; empty on an account that"
    " runs tools from cron fails",
    "cron.commands": "the muc's active cron lines; none on an account that runs tools from"
    " cron fails",
    "cron.calchecker": "both crontabs read",
    "cron.autodaily": "both crontabs read",
    "cron.display": "the cron jobs that use a DISPLAY; none on an account with VNC fails",
    "commissioning.ab-list-clean": "the commissioning date's AB list and AB folders looked at;"
    " once operational, at least one AB of the date on the muc (none fails)",
    "commissioning.tool-versions": "every tool of [tool_versions] read (none listed fails)",
    "rc.switched": "the rc files compared, the old blade's rc variables read",
    "rc.no-xv": "the rc, job, config and tool files and the muc crontab read",
    "qc1.values": "per night both blades process: at least one product paired (none fails)",
    "qc1.scores": "per night both blades process: at least one AB scored on both (none fails)",
    "qc1.coverage": "per night both blades process: the ABs of both (none on either fails)",
}
"""what each check must have examined before it may pass; a pass without any count is failed
by the plugin, and a check finds its own "nothing to compare" where the site says there must
be something."""

_BY_ID = {spec.id: spec for spec in CHECKS}
assert len(_BY_ID) == len(CHECKS), "duplicate check id"
assert all(spec.phase in PHASES for spec in CHECKS)
assert set(MINIMUM_EVIDENCE) == set(_BY_ID), "every check writes down its minimum evidence"


def get_check(check_id: str) -> CheckSpec:
    try:
        return _BY_ID[check_id]
    except KeyError:
        raise KeyError(f"no check {check_id!r} in the catalogue") from None


def catalogue_lines() -> list[str]:
    return [f"{s.id:28} {s.phase:15} {s.section:13} {s.title}" for s in CHECKS]
