"""Build a demo site: a shared home, an old blade per account and the muc, and site.toml.

The data disks are laid out as real accounts have them, not as the checks would find easiest
(where DOMAIN.md is silent, the most plausible DFOS form, chosen here):

- ``/data/<account>`` -> ``/datavlt/<account>`` -> ``/<disk>/data/<account>`` on each blade.
- Headers sit in month folders, ``hdr/2013-02/2013-02-20``: DOMAIN.md does not say which
  directories DFOS nests; the header tree is the largest and the one most plausibly split by
  month. The other dated directories keep flat date folders.
- The old disk holds what accounts accumulate beside the standard directories: a folder carried
  to the muc, one left behind, a loose file at the top (left behind) and a folder kept elsewhere
  on the old disk, reached through a link and carried by hand as a plain folder; ``lists/latest``
  is a relative link that ``muc_migrate -A`` copies as a link. On the muc, ``current`` links to
  the raw folder of the last night (dangling until the muc processes nights).
- Account-specific names and the shared job folder: see :mod:`.home`.
- ``CRON_LOGS`` in ``$DFO_MON_DIR`` holds a log per tool and night of the blade that ran it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import replace
from pathlib import Path

from ..dfos.layout import BY_VARIABLE, DATA_DIRECTORIES, INCREMENTAL_VARIABLES, is_fits
from ..phases import reached
from .faults import apply_fault
from .home import IN_HOME, RENAMED, TOOL_VERSIONS, write_home
from .hostroot import crontab_text, make_data_disk, seal_data_disk, write_commands, write_passwd
from .nights import (
    ab_list_text,
    write_calibration_memory,
    write_headers,
    write_processed_night,
    write_virtual_masters,
)
from .world import (
    CONDOR_SLOTS,
    INSTRUMENTS,
    MUC,
    MUC_DISK,
    OLD_DISK,
    TRANSITION,
    Calendar,
    DemoOptions,
    Instrument,
    incremental_set,
)


def build_demo_site(dest: Path, options: DemoOptions) -> Path:
    """Write the demo site into dest (which must not exist or be empty); returns site.toml."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest}: not empty; the demo site is built into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    calendar = Calendar.for_options(options)
    accounts = [
        replace(INSTRUMENTS[name], density=options.density) for name in sorted(options.accounts)
    ]
    as_root = os.geteuid() == 0
    old_hosts = sorted({inst.ops for inst in accounts})
    for host in [MUC, *old_hosts]:
        root = dest / "hosts" / host
        write_commands(root, host, muc=host == MUC)
        write_passwd(root, accounts, as_root)
        (root / "crontabs").mkdir(parents=True, exist_ok=True)
    for vnc_group, inst in enumerate(accounts):
        _build_account(
            dest, inst, calendar, options.phase, vnc_display=1 + 3 * vnc_group, as_root=as_root
        )
    site = dest / "site.toml"
    site.write_text(site_toml(accounts, calendar))
    for fault in options.faults:
        apply_fault(dest, fault, options)
    return site


def _build_account(
    dest: Path, inst: Instrument, calendar: Calendar, phase: str, vnc_display: int, as_root: bool
) -> None:
    home = dest / "home" / inst.account
    write_home(home, inst, phase)
    old_root, muc_root = dest / "hosts" / inst.ops, dest / "hosts" / MUC
    old_disk = make_data_disk(old_root, OLD_DISK, inst)
    muc_disk = make_data_disk(muc_root, MUC_DISK, inst)

    nights = calendar.nights
    on_old = [n for n in nights if calendar.processed_on_old_blade(n)]
    for night in on_old:
        write_headers(old_disk, inst, night)
        write_processed_night(old_disk, inst, night, calendar.age(night, on_old), calendar)
    for night in nights:
        done = not (phase == "commissioning" and night >= calendar.commissioning)
        (home / "monitor" / f"AB_list_CALIB_{night}").write_text(ab_list_text(inst, night, done))
    write_calibration_memory(old_disk, inst, tuple(on_old) or nights)

    _write_non_standard(old_disk)
    _write_non_standard_top_level(old_disk, muc_disk, phase)
    _migrate(old_disk, muc_disk, phase)
    if reached(phase, "full-migration"):
        _copy_tree(old_disk / CARRIED, muc_disk / CARRIED, fits_too=True)
    on_muc = [n for n in nights if calendar.processed_on_muc(n)]
    if reached(phase, "pipeline"):
        for sub in ("gencal", "calib/VCAL"):
            _copy_tree(old_disk / sub, muc_disk / sub, fits_too=True)
    for night in on_muc:
        write_headers(muc_disk, inst, night)
        write_processed_night(muc_disk, inst, night, calendar.age(night, on_muc), calendar)
    # after the switch the muc's own calChecker makes the virtual masters the next nights name
    write_virtual_masters(muc_disk, inst, [n for n in on_muc if n not in on_old])
    (home / "monitor" / "list_data_dates").write_text("".join(f"{n}\n" for n in nights))
    (home / "monitor" / "DFO_STATUS").write_text("".join(f"{n} finishNight\n" for n in nights))

    (old_root / "crontabs" / inst.account).write_text(
        crontab_text(inst, inst.ops, phase, vnc_display)
    )
    (muc_root / "crontabs" / inst.account).write_text(crontab_text(inst, MUC, phase, vnc_display))
    for disk in (old_disk, muc_disk):
        _write_job_lists(disk, nights)
        _nest_by_month(disk / "hdr")
    _write_links(old_disk, muc_disk, phase, nights)
    _apply_account_layout(home, inst, (old_disk, muc_disk))
    _write_cron_logs(home, inst, phase, calendar)
    seal_data_disk(old_disk, inst, as_root)
    seal_data_disk(muc_disk, inst, as_root)


def _migrate(old_disk: Path, muc_disk: Path, phase: str) -> None:
    """What muc_migrate -I and -A have copied by this phase (never FITS, but from GEN_CALDIR)."""
    if reached(phase, "full-migration"):
        for directory in DATA_DIRECTORIES:
            if directory.migrated:
                _copy_tree(
                    old_disk / directory.name,
                    muc_disk / directory.name,
                    fits_too=directory.variable == "GEN_CALDIR",
                )
        return
    if reached(phase, "incremental"):
        for variable in INCREMENTAL_VARIABLES:
            name = BY_VARIABLE[variable].name
            for dated in sorted((old_disk / name).iterdir()):
                if dated.is_dir() and _is_date(dated.name) and incremental_set(_date(dated.name)):
                    _copy_tree(dated, muc_disk / name / dated.name, fits_too=False)


def _write_job_lists(disk: Path, nights: tuple[dt.date, ...]) -> None:
    """JOBS_NIGHT calls the exec files of the last night; JOBS_TREND the trending of dfosCron."""
    last = nights[-1]
    (disk / "jobs" / "JOBS_NIGHT").write_text(
        f"$DFO_JOB_DIR/execAB_CALIB_{last}\n$DFO_JOB_DIR/execQC_CALIB_{last}\n"
    )
    (disk / "jobs" / "JOBS_TREND").write_text("trendPlotter -r ALL\n")


CARRIED = "qc_scripts"
LEFT_BEHIND = "trending_scratch"


def _write_non_standard(old_disk: Path) -> None:
    """What accounts keep beside the standard directories: one carried over, one left behind."""
    (old_disk / CARRIED).mkdir(exist_ok=True)
    (old_disk / CARRIED / "check_bias_trend.py").write_text("print('bias trend')\n")
    (old_disk / CARRIED / "README").write_text("hand-made QC scripts, carried to the muc\n")
    (old_disk / LEFT_BEHIND).mkdir(exist_ok=True)
    (old_disk / LEFT_BEHIND / "tmp_trend_2012.dat").write_text("0 1 2 3\n" * 50)


def _apply_account_layout(home: Path, inst: Instrument, disks: tuple[Path, Path]) -> None:
    """The account's own names (RENAMED) and the job folder in the shared $HOME (IN_HOME): the
    nights are written with the standard layout, then moved where this account keeps them. The
    muc's job files are written last, as the muc's tools rewrite the shared ones."""
    for disk in disks:
        for variable, name in RENAMED.get(inst.account, {}).items():
            standard = disk / BY_VARIABLE[variable].name
            if standard.is_dir():
                standard.rename(disk / name)
        for variable in IN_HOME:
            folder = disk / BY_VARIABLE[variable].name
            if folder.is_dir():
                _copy_tree(folder, home / BY_VARIABLE[variable].name, fits_too=True)
                shutil.rmtree(folder)


def _write_cron_logs(home: Path, inst: Instrument, phase: str, calendar: Calendar) -> None:
    """$DFO_MON_DIR/CRON_LOGS: one log per tool and night of what cron ran, on which blade."""
    logs = home / "monitor" / "CRON_LOGS"
    logs.mkdir(parents=True, exist_ok=True)
    for night in calendar.nights:
        lines = [f"{night} 06:15 {inst.ops} calChecker -F: finished, 0 red\n"]
        if reached(phase, "verification") and night >= calendar.transition:
            lines.append(f"{night} 06:30 {MUC} calChecker -F -r .dfosrc_muc: finished, 0 red\n")
        (logs / f"calChecker_{night}.log").write_text("".join(lines))
        blade = MUC if calendar.processed_on_muc(night) and night >= calendar.switch else inst.ops
        (logs / f"autoDaily_{night}.log").write_text(
            f"{night} 08:00 {blade} autoDaily: {len(inst.raw_types)} CALIB ABs processed\n"
        )


NOTES = "DISK_NOTES.txt"
ARCHIVE = "trend_archive"


def _write_non_standard_top_level(old_disk: Path, muc_disk: Path, phase: str) -> None:
    """A loose file at the top of the old disk (left behind), and a folder kept on another part
    of the old disk reached through a link (carried to the muc by hand as a plain folder)."""
    (old_disk / NOTES).write_text("disk usage notes, 2012\n")
    elsewhere = old_disk.parent.parent / "archive" / old_disk.name
    elsewhere.mkdir(parents=True, exist_ok=True)
    (elsewhere / "bias_trend_2012.dat").write_text("0.1 0.2 0.3\n" * 20)
    (old_disk / ARCHIVE).symlink_to(os.path.relpath(elsewhere, old_disk))
    if reached(phase, "full-migration"):
        _copy_tree(elsewhere, muc_disk / ARCHIVE, fits_too=False)


def _write_links(old_disk: Path, muc_disk: Path, phase: str, nights: tuple[dt.date, ...]) -> None:
    """``lists/latest``: a relative link to the last night's lists, as muc_migrate -A copies it;
    on the muc a convenience link ``current`` to the raw folder of its last night."""
    (muc_disk / "current").symlink_to(f"raw/{nights[-1]}")
    before = [n for n in nights if n < TRANSITION]
    if not before:
        return
    (old_disk / "lists" / "latest").symlink_to(str(before[-1]))
    if reached(phase, "full-migration"):
        (muc_disk / "lists" / "latest").symlink_to(str(before[-1]))


def _nest_by_month(folder: Path) -> None:
    """Headers in month folders (``hdr/2013-02/2013-02-20``): see the module docstring."""
    for dated in sorted(folder.iterdir()):
        if dated.is_dir() and _is_date(dated.name):
            month = folder / dated.name[:7]
            month.mkdir(exist_ok=True)
            target = month / dated.name
            if target.exists():
                _copy_tree(dated, target, fits_too=True)
                shutil.rmtree(dated)
            else:
                dated.rename(target)


def _is_date(name: str) -> bool:
    return len(name) == 10 and name[4] == "-" and name[7] == "-" and name.replace("-", "").isdigit()


def _date(name: str) -> dt.date:
    return dt.date.fromisoformat(name)


def _copy_tree(source: Path, target: Path, fits_too: bool) -> None:
    if not source.is_dir():
        return
    for folder, _dirs, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if fits_too or not is_fits(name):
                shutil.copy2(Path(folder) / name, target / rel / name)


def site_toml(accounts: list[Instrument], calendar: Calendar) -> str:
    lines = [
        "# The demo site: a simulated muc blade and the old blades its accounts come from.",
        "# Built by `mucverify demo-site`; folders are relative to this file.",
        "[site]",
        'name = "demo"',
        "demo = true",
        'physical_prefixes = ["/fujisan3", "/diska"]',
        "timeout = 20",
        f"# the demo's nights run from {calendar.span[0]} to {calendar.span[-1]}: runs take the day"
        " below as TODAY unless --today says otherwise",
        f"today = {calendar.today}",
        "",
        f"[hosts.{MUC}]",
        'url = "local://"',
        f'root = "hosts/{MUC}"',
        f'bin = "hosts/{MUC}/bin"',
        'mounts = { "/home" = "home" }',
        f'disk_prefixes = ["{MUC_DISK}"]',
        f"condor_slots = {CONDOR_SLOTS}",
    ]
    for host in sorted({inst.ops for inst in accounts}):
        lines += [
            "",
            f"[hosts.{host}]",
            'url = "local://"',
            f'root = "hosts/{host}"',
            f'bin = "hosts/{host}/bin"',
            'mounts = { "/home" = "home" }',
            f'disk_prefixes = ["{OLD_DISK}"]',
        ]
    lines += ["", "# the standard versions of the DFOS tools", "[tool_versions]"]
    lines += [f'{tool} = "{version}"' for tool, version in TOOL_VERSIONS.items()]
    for inst in accounts:
        features = ", ".join(f'"{f}"' for f in inst.features)
        lines += [
            "",
            f"[accounts.{inst.account}]",
            f'muc = "{MUC}"',
            f'ops = "{inst.ops}"',
            f"features = [{features}]",
            f'processqc = "{inst.processqc}"',
            f"qc_cluster = {'true' if inst.qc_cluster else 'false'}",
            f"transition_date = {calendar.transition}",
            f"commissioning_date = {calendar.commissioning}",
            f'carried = ["{CARRIED}", "{ARCHIVE}"]',
            f'left_behind = ["{LEFT_BEHIND}", "{NOTES}"]',
            f"switch_date = {calendar.switch}",
        ]
    return "\n".join(lines) + "\n"
