"""I.4, I.9, II.2: the data reached the muc: the incremental set, the full set, calChecker's memory."""

from __future__ import annotations

import pytest

from pytest_mucverify import check, not_applicable, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, INCREMENTAL_VARIABLES, is_fits
from pytest_mucverify.dfos.migration import compare_files, exact_copy_expected

INCREMENTAL_MONTHS = ("2012-12", *(f"2013-{month:02d}" for month in range(1, 13)))
MIGRATED = [d.variable for d in DATA_DIRECTORIES if d.migrated]
NON_STANDARD = "non-standard"
CALIBRATION_MEMORY = (
    ("DFO_CAL_DIR", "CALCHECK/VCAL"),
    ("TMP_DIR", "CALCHECK/PREVIOUS"),
    ("DFO_CAL_DIR", "CAL4CAL/VCAL"),
    ("TMP_DIR", "CAL4CAL/PREVIOUS"),
    ("DFO_LST_DIR", "REPORT"),
)
MEMORY_FOLDERS = {
    variable: tuple(sub for v, sub in CALIBRATION_MEMORY if v == variable)
    for variable, _ in CALIBRATION_MEMORY
}


@check("migration.incremental")
@pytest.mark.parametrize("variable", INCREMENTAL_VARIABLES)
@pytest.mark.parametrize("month", INCREMENTAL_MONTHS)
def test_the_incremental_set_reached_the_muc(
    account: AccountUnderTest, variable: str, month: str
) -> None:
    old_dir, new_dir = account.directory(variable, account.ops), account.directory(variable)
    old = account.complete_listing(account.ops, old_dir)

    transition = account.spec.transition_date

    def in_month(path: str) -> bool:
        return (
            path.startswith(month + "-")
            and "/" in path
            and not is_fits(path)
            and exact_copy_expected(path, transition)
        )

    shortfalls, compared = compare_files(
        old.entries, account.listing(account.muc, new_dir).entries, in_month, not_older=True
    )
    if not compared:
        not_applicable(f"the old blade has no {month} files in {variable}")
    require_none(
        (f"{new_dir}/{s}" for s in shortfalls),
        f"of {compared} files of {month} in {variable} not (fully) on the muc",
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
    if not compared:
        not_applicable(f"the old blade has nothing to migrate in {variable}")
    require_none(
        (f"{new_dir}/{s}" for s in shortfalls),
        f"of {compared} files of {variable} not (fully) on the muc",
    )


def check_non_standard_folders(account: AccountUnderTest) -> None:
    """Non-standard top-level directories are the account's to carry or leave behind, by name."""
    folders = account.non_standard_folders(account.ops)
    if not folders:
        not_applicable(f"no non-standard directory on the {account.ops.name} data disk")
    undecided, short = [], []
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
        shortfalls, _ = compare_files(
            listing.entries, account.listing(account.muc, muc_folder).entries, lambda path: True
        )
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
        new_dir = f"{account.directory(variable)}/{sub}"
        if account.muc.stat(new_dir) is None:
            problems.append(f"{new_dir}  missing on {account.muc.name}")
            continue
        old = account.complete_listing(account.ops, old_dir)
        shortfalls, _ = compare_files(
            old.entries, account.listing(account.muc, new_dir).entries, lambda path: True
        )
        problems += [f"{new_dir}/{s}" for s in shortfalls]
    require(
        looked,
        f"the old blade {account.ops.name} holds no calibration memory (CALCHECK, CAL4CAL, REPORT)",
    )
    require_none(problems, "parts of calChecker's memory missing or different on the muc")
