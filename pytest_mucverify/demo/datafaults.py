"""Faults in the data the muc holds: AB paths, incomplete migration (stray FITS in fitsfaults)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .copyfaults import COPY_FAULTS
from .faults import Fault, _edit, _muc_disk, _old_disk
from .fitsfaults import FITS_FAULTS
from .world import INSTRUMENTS, MUC_DISK, OLD_DISK, TRANSITION

if TYPE_CHECKING:
    from .world import DemoOptions

Apply = Callable[[Path, str, "DemoOptions"], None]


def _archived_ab(dest: Path, account: str) -> Path:
    """An AB the muc created itself and has archived in DFO_LOG_DIR (a night from the transition)."""
    logs = _muc_disk(dest, account) / "logs"
    found = sorted(p for p in logs.glob("*/*.ab") if p.parent.name >= str(TRANSITION))
    if not found:
        raise RuntimeError(
            "the demo has no AB archived by the muc: build it with at least 8 nights"
        )
    return found[0]


def _ab_line(qualifier: str, change: Callable[[str, str], str]) -> Apply:
    """Rewrite the path of the first ``qualifier`` line of an archived AB on the muc."""

    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        def rewrite(text: str) -> str:
            lines = text.split("\n")
            for n, line in enumerate(lines):
                columns = line.split("\t")
                if columns[0] == qualifier:
                    at = 2 if qualifier in ("MCALIB", "MASSOC") else 1
                    columns[at] = change(columns[at], account)
                    lines[n] = "\t".join(columns)
                    break
            return "\n".join(lines)

        _edit(_archived_ab(dest, account), rewrite)

    return apply


def _physical(path: str, account: str) -> str:
    """The physical spelling of a logical muc path: what must never reach an AB."""
    for variable, folder in (("$GEN_CALDIR", "gencal"), ("$DFS_PRODUCT", "product")):
        path = path.replace(variable, f"/data/{account}/{folder}")
    return MUC_DISK + path


def _other_account_mcalib(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(_archived_ab(dest, account), lambda t: t.replace("$GEN_CALDIR/", "/data/uves/gencal/"))


def _sof_outsider(dest: Path, account: str, options: DemoOptions) -> None:
    ab = _archived_ab(dest, account)
    night = ab.parent.name
    frame = (
        f"/data/{account}/raw/{night}/{INSTRUMENTS[account].file_prefix}.{night}T23:59:59.999.fits"
    )
    _edit(ab, lambda t: t.replace("PRODUCTS\t", f"SOF_CONTENT\t{frame}\tBIAS\nPRODUCTS\t", 1))


def _first_raw_of_active_ab(dest: Path, account: str) -> Path:
    disk = _muc_disk(dest, account)
    first_ab = sorted((disk / "AB").glob("*.ab"))[0].read_text().splitlines()
    raw = next(line.split("\t")[1] for line in first_ab if line.startswith("RAWFILE\t"))
    return disk / raw.split(f"/data/{account}/", 1)[1]


def _raw_missing(dest: Path, account: str, options: DemoOptions) -> None:
    _first_raw_of_active_ab(dest, account).unlink()


def _raw_dangling_link(dest: Path, account: str, options: DemoOptions) -> None:
    """The raw file is a link whose target is gone (a download that never finished)."""
    raw = _first_raw_of_active_ab(dest, account)
    raw.unlink()
    raw.symlink_to(f"../../ngas_cache/{raw.name}")


def _month_missing(dest: Path, account: str, options: DemoOptions) -> None:
    month = str(TRANSITION)[:7]
    folders = list((_muc_disk(dest, account) / "plots").glob(f"{month}-*"))
    if not folders:
        raise RuntimeError(f"no {month} plots on the muc to remove")
    for folder in folders:
        shutil.rmtree(folder)


def _nested_headers_missing(dest: Path, account: str, options: DemoOptions) -> None:
    """The last headers of the incremental set, in their month folder, did not reach the muc."""
    month = _muc_disk(dest, account) / "hdr" / f"{TRANSITION:%Y-%m}"
    before = sorted(p for p in month.iterdir() if p.name < str(TRANSITION))
    shutil.rmtree(before[-1])


def _link_not_migrated(dest: Path, account: str, options: DemoOptions) -> None:
    (_muc_disk(dest, account) / "lists" / "latest").unlink()


def _top_level_file_undecided(dest: Path, account: str, options: DemoOptions) -> None:
    (_old_disk(dest, account) / "ingest_todo.txt").write_text("2012-11-30 redo ingestion\n")


def _memory_missing_on_old(dest: Path, account: str, options: DemoOptions) -> None:
    shutil.rmtree(_old_disk(dest, account) / "tmp" / "CALCHECK" / "PREVIOUS")


def _same_size_other_content(path: Path) -> None:
    text = path.read_text()
    changed = text.replace("OK", "NO") if "OK" in text else text.swapcase()
    if changed == text or len(changed) != len(text):
        raise RuntimeError(f"cannot change {path} keeping its size")
    path.write_text(changed)


def _memory_content_differs(dest: Path, account: str, options: DemoOptions) -> None:
    previous = _muc_disk(dest, account) / "tmp" / "CALCHECK" / "PREVIOUS"
    _same_size_other_content(sorted(previous.iterdir())[0])


def _list_content_differs(dest: Path, account: str, options: DemoOptions) -> None:
    lists = _muc_disk(dest, account) / "lists"
    first = min(p for p in lists.iterdir() if p.name[:4].isdigit())
    _same_size_other_content(sorted(first.iterdir())[0])


def _score_flipped_in_place(dest: Path, account: str, options: DemoOptions) -> None:
    """A migrated score file of the first night on the muc: one score 0 turned 1, same size and
    the old modification time, as a copy that went wrong would keep them."""
    logs = _muc_disk(dest, account) / "logs"
    first = min(p for p in logs.iterdir() if p.name < str(TRANSITION))
    score = sorted(first.glob("*.score"))[0]
    before = score.stat()
    lines = score.read_text().split("\n")
    at = next(n for n, line in enumerate(lines) if line.endswith("\t0"))
    lines[at] = lines[at][:-1] + "1"
    score.write_text("\n".join(lines))
    os.utime(score, ns=(before.st_atime_ns, before.st_mtime_ns))
    if score.stat().st_size != before.st_size:
        raise RuntimeError(f"{score} changed size")


def _log_unreadable(dest: Path, account: str, options: DemoOptions) -> None:
    """A migrated pipeline log on the muc, same size and time, that nobody may read (a copy made
    by another user with a tight umask)."""
    logs = _muc_disk(dest, account) / "logs"
    first = min(p for p in logs.iterdir() if p.name < str(TRANSITION))
    sorted(first.glob("*.log"))[0].chmod(0)


def _truncated(dest: Path, account: str, options: DemoOptions) -> None:
    victim = _muc_disk(dest, account) / "gencal" / f"{INSTRUMENTS[account].code}_LINE_CATALOG.fits"
    victim.write_bytes(victim.read_bytes()[:1000])


def _unlisted_folder(dest: Path, account: str, options: DemoOptions) -> None:
    old_disk = dest / "hosts" / INSTRUMENTS[account].ops / OLD_DISK.strip("/") / "data" / account
    (old_disk / "private_archive").mkdir()
    (old_disk / "private_archive" / "notes_2011.txt").write_text("notes kept by hand\n" * 20)


def _vcal_missing(dest: Path, account: str, options: DemoOptions) -> None:
    shutil.rmtree(_muc_disk(dest, account) / "calib" / "CALCHECK" / "VCAL")


def _undated_ab(dest: Path, account: str, options: DemoOptions) -> None:
    """An active AB on the muc without its DATE line, and full of /fujisan3 paths: it belongs to
    no night, so only a check that reads every AB sees it."""
    disk = _muc_disk(dest, account)
    model = sorted((disk / "AB").glob("*.ab"))[0].read_text()
    lines = [line for line in model.splitlines() if not line.startswith("DATE")]
    text = "\n".join(lines).replace(f"/data/{account}/", f"{MUC_DISK}/data/{account}/") + "\n"
    (disk / "AB" / "GIRAF.undated.ab").write_text(text)


def _unclean_outside_window(dest: Path, account: str, options: DemoOptions) -> None:
    """An archived AB of a night before the transition, on the muc only, with a /fujisan3 path:
    a night the per-night rows never look at."""
    disk = _muc_disk(dest, account)
    model = _archived_ab(dest, account)
    night = min(p.name for p in (disk / "logs").iterdir() if p.name < str(TRANSITION))
    text = model.read_text().replace(f"/data/{account}/", f"{MUC_DISK}/data/{account}/", 1)
    (disk / "logs" / night / f"redo_{model.name}").write_text(
        text.replace(model.parent.name, night)
    )


def _cut_short(dest: Path, account: str, options: DemoOptions) -> None:
    """An active AB cut in the middle of a comment line (a full disk, a copy stopped halfway):
    every line before it is clean, the paths after it are lost."""
    disk = _muc_disk(dest, account)
    ab = sorted((disk / "AB").glob("*.ab"))[-1]
    data = ab.read_bytes()
    ab.write_bytes(data[: data.index(b"\n#") + 5])


def _prefixed(qualifier: str) -> Apply:
    return _ab_line(qualifier, _physical)


DATA_FAULTS: tuple[Fault, ...] = (
    Fault(
        "ab-undated",
        "ab.clean-paths",
        "an active AB on the muc has no DATE line (and /fujisan3 paths): it belongs to no night",
        _undated_ab,
    ),
    Fault(
        "ab-cut-short",
        "ab.clean-paths",
        "an active AB on the muc is cut short in the middle of a comment line",
        _cut_short,
    ),
    Fault(
        "ab-unclean-outside-window",
        "ab.clean-paths",
        "an AB of a night before the transition, archived on the muc, holds a /fujisan3 path",
        _unclean_outside_window,
    ),
    Fault(
        "ab-prefix-rawfile",
        "ab.clean-paths",
        "a RAWFILE of an archived AB starts with /fujisan3",
        _prefixed("RAWFILE"),
    ),
    Fault(
        "ab-prefix-mcalib",
        "ab.clean-paths",
        "an MCALIB of an archived AB starts with /fujisan3",
        _prefixed("MCALIB"),
    ),
    Fault(
        "ab-prefix-massoc",
        "ab.clean-paths",
        "a MASSOC of an archived AB starts with /fujisan3",
        _prefixed("MASSOC"),
    ),
    Fault(
        "ab-prefix-sof",
        "ab.clean-paths",
        "a SOF_CONTENT of an archived AB starts with /fujisan3",
        _prefixed("SOF_CONTENT"),
    ),
    Fault(
        "ab-prefix-prod-path",
        "ab.clean-paths",
        "PROD_PATH of an archived AB starts with /fujisan3",
        _prefixed("PROD_PATH"),
    ),
    Fault(
        "ab-prefix-log-name",
        "ab.clean-paths",
        "LOG_NAME of an archived AB names its log with /fujisan3",
        _ab_line("LOG_NAME", lambda name, account: f"{MUC_DISK}/data/{account}/logs/{name}"),
    ),
    Fault(
        "ab-dotdot-path",
        "ab.clean-paths",
        "a RAWFILE path climbs with '..'",
        _ab_line("RAWFILE", lambda path, account: path.replace("/raw/", "/raw/../raw/", 1)),
    ),
    Fault(
        "ab-other-account-mcalib",
        "ab.clean-paths",
        "an MCALIB (and its SOF frame) lies on uves's disk",
        _other_account_mcalib,
    ),
    Fault(
        "ab-sof-outsider",
        "ab.sof-consistent",
        "a SOF_CONTENT frame is none of the AB's inputs",
        _sof_outsider,
    ),
    Fault(
        "raw-missing-active-ab",
        "ab.references-exist",
        "a raw file of an active AB is missing on the muc",
        _raw_missing,
    ),
    Fault(
        "raw-dangling-link",
        "ab.references-exist",
        "a raw file an active AB names is a link to nothing",
        _raw_dangling_link,
    ),
    *FITS_FAULTS,
    Fault(
        "incremental-month-missing",
        "migration.incremental",
        "the muc lacks the 2013-02 plots of the incremental set",
        _month_missing,
        phase="incremental",
    ),
    Fault(
        "full-file-truncated",
        "migration.full",
        "a GEN_CALDIR file on the muc is cut short",
        _truncated,
    ),
    *COPY_FAULTS,
    Fault(
        "non-standard-unlisted",
        "migration.full",
        "the old disk has a directory the site neither carries nor leaves behind",
        _unlisted_folder,
    ),
    Fault(
        "nested-headers-missing",
        "migration.incremental",
        "a night of headers in its month folder (hdr/2013-02/2013-02-20) is missing on the muc",
        _nested_headers_missing,
        phase="incremental",
    ),
    Fault(
        "link-not-migrated",
        "migration.full",
        "the old disk's lists/latest link did not reach the muc",
        _link_not_migrated,
    ),
    Fault(
        "top-level-file-undecided",
        "migration.full",
        "a file at the top of the old disk is neither carried nor left behind",
        _top_level_file_undecided,
    ),
    Fault(
        "list-content-differs",
        "migration.full",
        "a data report on the muc has the old one's size but another content",
        _list_content_differs,
        also=("migration.incremental",),
    ),
    Fault(
        "score-flipped-same-size-time",
        "migration.full",
        "a migrated score file on the muc has one score flipped, same size, same time",
        _score_flipped_in_place,
        also=("migration.incremental",),
    ),
    Fault(
        "log-unreadable-on-muc",
        "migration.full",
        "a migrated pipeline log on the muc has mode 000: same size and time, but unreadable",
        _log_unreadable,
        also=("migration.incremental",),
    ),
    Fault(
        "memory-missing-on-old",
        "migration.calibration-memory",
        "calChecker's PREVIOUS memory is not where the old blade's TMP_DIR says",
        _memory_missing_on_old,
    ),
    Fault(
        "memory-content-differs",
        "migration.calibration-memory",
        "a PREVIOUS memory file on the muc has the old size but another content",
        _memory_content_differs,
    ),
    Fault(
        "vcal-missing",
        "migration.calibration-memory",
        "calChecker's VCAL memory is missing on the muc",
        _vcal_missing,
    ),
)
