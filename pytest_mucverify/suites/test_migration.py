"""I.4, I.9, II.2: the data reached the muc: the incremental set, the full set, calChecker's memory."""

from __future__ import annotations

import datetime as dt

import pytest

from pytest_mucverify import check, examined, note, nothing_to_compare, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, INCREMENTAL_VARIABLES, is_fits
from pytest_mucverify.dfos.migration import compare_files, exact_copy_expected
from pytest_mucverify.dfos.placement import night_of

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
MEMORY_FOLDERS = {
    variable: tuple(sub for v, sub in CALIBRATION_MEMORY if v == variable)
    for variable, _ in CALIBRATION_MEMORY
}


@check("migration.incremental")
@pytest.mark.parametrize("variable", INCREMENTAL_VARIABLES)
def test_the_incremental_set_reached_the_muc(account: AccountUnderTest, variable: str) -> None:
    """The date folders from 2012-12 on that the old blade holds (before the transition date,
    from which the muc makes its own) are on the muc, same size, not older."""
    old_dir, new_dir = account.directory(variable, account.ops), account.directory(variable)
    old = account.complete_listing(account.ops, old_dir)
    transition = account.spec.transition_date

    def in_set(path: str) -> bool:
        night = night_of(path.split("/", 1)[0])
        return (
            night is not None
            and night >= INCREMENTAL_FROM
            and night < account.plan.today
            and "/" in path
            and not is_fits(path)
            and exact_copy_expected(path, transition)
        )

    shortfalls, compared = compare_files(
        old.entries, account.listing(account.muc, new_dir).entries, in_set, not_older=True
    )
    if not compared:
        nothing_to_compare(
            f"the old blade holds no file of the incremental set ({INCREMENTAL_FROM} on) in {variable}",
            [f"{account.ops.name}:{old_dir}"],
        )
    examined("files compared", compared)
    examined("months", len({entry.path[:7] for entry in old.entries if in_set(entry.path)}))
    require_none(
        (f"{new_dir}/{s}" for s in shortfalls),
        f"of {compared} files of the incremental set in {variable} not (fully) on the muc",
    )


@check("migration.full")
@pytest.mark.parametrize("variable", [*MIGRATED, NON_STANDARD])
def test_the_full_migration_reached_the_muc(account: AccountUnderTest, variable: str) -> None:
    if variable == NON_STANDARD:
        check_non_standard_folders(account)
        return
    old_dir, new_dir = account.directory(variable, account.ops), account.directory(variable)
    transition = account.spec.transition_date
    memory = MEMORY_FOLDERS.get(variable, ())

    def wanted(path: str) -> bool:
        if any(path == m or path.startswith(m + "/") for m in memory):
            return False  # calChecker's memory has its own check
        if not exact_copy_expected(path, transition):
            return False
        return variable == "GEN_CALDIR" or not is_fits(path)

    old = account.complete_listing(account.ops, old_dir)
    shortfalls, compared = compare_files(
        old.entries, account.listing(account.muc, new_dir).entries, wanted
    )
    files = sum(1 for entry in old.entries if entry.kind == "f")
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
    require_none(
        (f"{new_dir}/{s}" for s in shortfalls),
        f"of {compared} files of {variable} not (fully) on the muc",
    )


def check_non_standard_folders(account: AccountUnderTest) -> None:
    """Non-standard top-level directories are the account's to carry or leave behind, by name."""
    folders = account.non_standard_folders(account.ops)
    examined("data roots listed", 1)
    examined("non-standard folders", len(folders))
    names = {folder.rsplit("/", 1)[-1] for folder in folders}
    lost = [
        f"{name}: carried in the site file, but on neither data disk"
        for name in account.spec.carried
        if name not in names and not account.muc.exists(f"{account.data_root}/{name}")
    ]
    if not folders:
        note(f"no non-standard directory on the {account.ops.name} data disk")
    undecided, short = lost, []
    for folder in folders:
        name = folder.rsplit("/", 1)[-1]
        listing = account.complete_listing(account.ops, folder)
        if name in account.spec.left_behind:
            continue
        if name not in account.spec.carried:
            size = sum(e.size for e in listing.entries if e.kind == "f")
            undecided.append(
                f"{folder}  {size} bytes  neither carried nor left_behind in the site file"
            )
            continue
        muc_folder = f"{account.data_root}/{name}"
        shortfalls, compared = compare_files(
            listing.entries, account.listing(account.muc, muc_folder).entries, lambda path: True
        )
        examined("files compared", compared)
        short += [f"{muc_folder}/{s}" for s in shortfalls]
    require_none([*undecided, *short], "non-standard directories undecided or not carried")


@check("migration.calibration-memory")
def test_calcheckers_memory_is_on_the_muc(account: AccountUnderTest) -> None:
    problems, looked = [], 0
    for variable, sub in CALIBRATION_MEMORY:
        old_dir = f"{account.directory(variable, account.ops)}/{sub}"
        if account.ops.stat(old_dir) is None:
            continue
        looked += 1
        examined("memory folders", 1)
        new_dir = f"{account.directory(variable)}/{sub}"
        if account.muc.stat(new_dir) is None:
            problems.append(f"{new_dir}  missing on {account.muc.name}")
            continue
        old = account.complete_listing(account.ops, old_dir)
        shortfalls, compared = compare_files(
            old.entries, account.listing(account.muc, new_dir).entries, lambda path: True
        )
        examined("files compared", compared)
        problems += [f"{new_dir}/{s}" for s in shortfalls]
    require(
        looked,
        f"the old blade {account.ops.name} holds no calibration memory (CALCHECK, CAL4CAL, REPORT)",
    )
    require_none(problems, "parts of calChecker's memory missing or different on the muc")
