"""I.4, I.9, II.2: the data reached the muc: the incremental set, the full set, calChecker's memory."""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_mucverify import check, examined, note, nothing_to_compare, require, require_none
from pytest_mucverify.blade import BladeError
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, INCREMENTAL_VARIABLES, is_fits
from pytest_mucverify.dfos.migration import (
    NOT_OLDER_VARIABLES,
    digested_names,
    exact_copy_expected,
)
from pytest_mucverify.dfos.placement import night_of_path
from pytest_mucverify.treecompare import TreeComparison, Verdict, View

INCREMENTAL_FROM = dt.date(2012, 12, 1)
"""muc_migrate -I copies the date folders of 2012-12 and after."""
MIGRATED = [d.variable for d in DATA_DIRECTORIES if d.migrated]
NON_STANDARD = "non-standard"
CALIBRATION_MEMORY = (
    ("DFO_CAL_DIR", "CALCHECK/VCAL"),
    ("TMP_DIR", "CALCHECK/PREVIOUS"),
    ("DFO_CAL_DIR", "CAL4CAL/VCAL"),
    ("TMP_DIR", "CAL4CAL/PREVIOUS"),
    ("DFO_LST_DIR", "REPORT"),
)
ALWAYS_FILLED = ("DFO_LOG_DIR", "DFO_LST_DIR", "DFO_HDR_DIR", "DFO_PLT_DIR", "DFO_CAL_DIR")
"""what every account that processes nights writes; an empty one on the old blade is a wrong path."""
REQUIRED_MEMORY = ("CALCHECK/VCAL", "CALCHECK/PREVIOUS", "REPORT")
"""what calChecker keeps on every blade that runs it; CAL4CAL only where the account has it."""
MEMORY_FOLDERS = {
    variable: tuple(sub for v, sub in CALIBRATION_MEMORY if v == variable)
    for variable, _ in CALIBRATION_MEMORY
}


def migration_views(account: AccountUnderTest, variable: str) -> dict[str, View]:
    """How the migration checks read the tree of a data directory: the full migration the files
    muc_migrate -A copies; the incremental set (date folders from 2012-12 on, before the
    transition date, from which the muc makes its own) where the directory has one."""
    transition, today = account.spec.transition_date, account.plan.today
    memory = MEMORY_FOLDERS.get(variable, ())

    def in_full_set(path: str) -> bool:
        if any(path == m or path.startswith(m + "/") for m in memory):
            return False  # calChecker's memory has its own check
        if not exact_copy_expected(path, transition):
            return False
        return variable == "GEN_CALDIR" or not is_fits(path)

    def in_incremental_set(path: str) -> bool:
        night = night_of_path(path)
        return (
            night is not None
            and INCREMENTAL_FROM <= night < today
            and "/" in path
            and not is_fits(path)
            and exact_copy_expected(path, transition)
        )

    views = {"full": View(in_full_set, not_older=variable in NOT_OLDER_VARIABLES)}
    if variable in INCREMENTAL_VARIABLES:
        views["incremental"] = View(in_incremental_set, not_older=True)
    return views


def list_old_tops(account: AccountUnderTest) -> None:
    """The top level of every migrated directory of the old blade in one bulk listing (one
    command over ssh), kept for the comparisons that start from it."""
    folders = []
    for variable in MIGRATED:
        try:
            folders.append(account.directory(variable, account.ops))
        except BladeError:
            continue  # its own comparison says so
    account.listings(account.ops, list(dict.fromkeys(folders)), 1)


def comparison_of(account: AccountUnderTest, variable: str) -> tuple[str, TreeComparison]:
    """The old blade's folder of the data directory, and its tree against the muc's, read once
    for every check that needs it."""
    old_dir = account.directory(variable, account.ops)
    list_old_tops(account)
    found = account.tree_comparison(
        old_dir,
        account.directory(variable),
        migration_views(account, variable),
        digested_names(variable),
    )
    return old_dir, found


def judged(found: TreeComparison, view: str) -> Verdict:
    """A view's verdict, with what it examined; content that could not be read fails the row."""
    verdict = found.views[view]
    if verdict.digests:
        examined("digests compared", verdict.digests)
    require(not verdict.unreadable, "files whose content could not be read", verdict.unreadable)
    return verdict


def compare_whole(account: AccountUnderTest, old_dir: str, new_dir: str) -> Verdict:
    """Every file and link of a folder of the old blade against the muc's, by content."""
    everything = {"all": View(lambda path: True)}
    return judged(account.tree_comparison(old_dir, new_dir, everything, None), "all")


@check("migration.incremental")
@pytest.mark.parametrize("variable", INCREMENTAL_VARIABLES)
def test_the_incremental_set_reached_the_muc(account: AccountUnderTest, variable: str) -> None:
    """The date folders from 2012-12 on that the old blade holds (before the transition date,
    from which the muc makes its own) are on the muc, same size, not older."""
    old_dir, found = comparison_of(account, variable)
    verdict = judged(found, "incremental")
    if not verdict.compared:
        nothing_to_compare(
            f"the old blade holds no file of the incremental set ({INCREMENTAL_FROM} on) in {variable}",
            [f"{account.ops.name}:{old_dir}"],
        )
    examined("files compared", verdict.compared)
    examined("months", len(verdict.months))
    require_none(
        verdict.shortfalls,
        f"of {verdict.compared} files of the incremental set in {variable} not (fully) on the muc",
    )


@check("migration.full")
@pytest.mark.parametrize("variable", [*MIGRATED, NON_STANDARD])
def test_the_full_migration_reached_the_muc(account: AccountUnderTest, variable: str) -> None:
    if variable == NON_STANDARD:
        check_non_standard_folders(account)
        return
    old_dir, found = comparison_of(account, variable)
    verdict = judged(found, "full")
    compared, files = verdict.compared, found.old_files
    if variable in ALWAYS_FILLED and not compared:
        nothing_to_compare(
            f"the old blade holds no file to migrate in {variable}, which every operational"
            " account fills",
            [f"{account.ops.name}:{old_dir}"],
        )
    examined("folders listed", 1)
    examined("files on the old blade", files)
    examined("files compared", compared)
    if not compared:
        note(
            f"{files} files on the old blade, none that muc_migrate -A copies (FITS, calChecker memory, or the muc's own nights)"
        )
    require_none(verdict.shortfalls, f"of {compared} files of {variable} not (fully) on the muc")


def check_non_standard_folders(account: AccountUnderTest) -> None:
    """Everything at the top of the old data disk that no standard variable names (folders,
    files, symbolic links) is the account's to carry or leave behind, by name; what is carried is
    compared with the muc's copy."""
    entries = account.non_standard_entries(account.ops)
    examined("data roots listed", 1)
    examined("non-standard entries", len(entries))
    names = {entry.path.rsplit("/", 1)[-1] for entry in entries}
    undecided = [
        f"{name}: carried in the site file, but on neither data disk"
        for name in account.spec.carried
        if name not in names and not account.muc.exists(f"{account.data_root}/{name}")
    ]
    if not entries:
        note(f"nothing beside the standard directories on the {account.ops.name} data disk")
    short: list[str] = []
    for entry in entries:
        name = entry.path.rsplit("/", 1)[-1]
        if name in account.spec.left_behind:
            continue
        kind = {"d": "directory", "f": "file", "l": f"link to {entry.target}"}.get(
            entry.kind, "entry"
        )
        if name not in account.spec.carried:
            size = (
                sum(
                    e.size
                    for e in account.complete_listing(account.ops, entry.path).entries
                    if e.kind == "f"
                )
                if entry.is_dir
                else entry.size
            )
            undecided.append(
                f"{entry.path}  ({kind}, {size} bytes)  neither carried nor left_behind in the site file"
            )
            continue
        muc_path = f"{account.data_root}/{name}"
        followed = account.ops.stat(entry.path) if entry.kind == "l" else entry
        if followed is not None and followed.is_dir:
            verdict = compare_whole(account, entry.path, muc_path)
            examined("files compared", verdict.compared)
            short += verdict.shortfalls
            continue
        examined("files compared", 1)
        if account.muc.stat(muc_path) is None:
            short.append(f"{muc_path}  missing on the muc ({kind} on the old blade)")
    require_none(
        [*undecided, *short], "non-standard entries of the old disk undecided or not carried"
    )


@check("migration.calibration-memory")
def test_calcheckers_memory_is_on_the_muc(account: AccountUnderTest) -> None:
    """Every memory folder compared file by file, by content; the CALCHECK folders and REPORT
    must exist on the old blade (calChecker keeps them there), CAL4CAL where either blade has it."""
    problems: list[str] = []
    folders = [
        (f"{account.directory(variable, account.ops)}/{sub}", sub, variable)
        for variable, sub in CALIBRATION_MEMORY
    ]
    present = [path for path, _, _ in folders if account.ops.stat(path) is not None]
    account.listings(account.ops, present, 1)  # every folder's top in one bulk listing
    for old_dir, sub, variable in folders:
        new_dir = f"{account.directory(variable)}/{sub}"
        on_old = old_dir in present
        examined("memory folders looked up", 1)
        if not on_old:
            if sub in REQUIRED_MEMORY:
                problems.append(
                    f"{account.ops.name}:{old_dir}  missing on the old blade: calChecker's memory"
                    " there was not found, so nothing shows it reached the muc"
                )
            continue
        examined("memory folders", 1)
        if account.muc.stat(new_dir) is None:
            problems.append(f"{new_dir}  missing on {account.muc.name}")
            continue
        verdict = compare_whole(account, old_dir, new_dir)
        examined("files compared", verdict.compared)
        problems += verdict.shortfalls
    require_none(problems, "parts of calChecker's memory missing or different on the muc")
