"""II.5 (cleanupProducts -E): no FITS file slipped onto the muc data disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from pytest_mucverify import check, examined, note, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, FITS_SUFFIXES, is_fits
from pytest_mucverify.dfos.placement import stray_fits
from pytest_mucverify.phases import reached

NON_STANDARD = "non-standard"


def muc_processes(account: AccountUnderTest) -> Callable[[dt.date], bool]:
    """The nights whose date folders may hold FITS on the muc: those the time model gives the
    muc, TODAY once autoDaily runs there from cron, and the commissioning date while autoDaily -D
    works on it."""

    def rule(night: dt.date) -> bool:
        if account.roles(night).muc is None:
            return True
        if night == account.plan.today and reached(account.phase, "operational"):
            return True
        return account.phase == "commissioning" and night == account.spec.commissioning_date

    return rule


def into_standard(account: AccountUnderTest, folder: str) -> bool:
    """A convenience link into a standard directory (``current -> raw/2013-02-24``): its files
    are judged, and counted, in that directory's own row."""
    standard = [
        account.muc.resolve(path)
        for d in DATA_DIRECTORIES
        if (path := account.muc_env.variables.get(d.variable))
    ]
    target = account.muc.resolve(folder)
    return any(target == s or target.startswith(s + "/") for s in standard)


@check("fits.stray")
@pytest.mark.parametrize("variable", [*(d.variable for d in DATA_DIRECTORIES), NON_STANDARD])
def test_no_fits_file_strays_onto_the_muc(account: AccountUnderTest, variable: str) -> None:
    transition = account.spec.transition_date
    require(transition is not None, f"the site file gives no transition_date for {account.name}")
    strays: list[tuple[str, int]] = []
    if variable == NON_STANDARD:
        # the data root itself: a FITS file lying there, non-standard folders, symbolic links
        # to folders elsewhere (scanned through the link, as cleanupProducts -E follows it)
        entries = account.non_standard_entries(account.muc)
        examined("data roots listed", 1)
        examined("top-level entries", len(entries))
        strays += [(e.path, e.size) for e in entries if e.is_file and is_fits(e.path)]
        folders = [
            f for f in account.non_standard_folders(account.muc) if not into_standard(account, f)
        ]
        if not entries:
            note(f"nothing beside the standard directories on the {account.muc.name} data disk")
    else:
        folder = account.directory(variable)
        examined("folders looked at", 1)
        if account.muc.stat(folder) is None:
            note(f"{folder} does not exist on {account.muc.name}: no FITS file can stray there")
            return
        folders = [folder]
    errors: list[str] = []
    rule = None if variable == NON_STANDARD else variable
    found = [
        (folder, list(account.muc.find_files(folder, FITS_SUFFIXES, errors))) for folder in folders
    ]
    examined("folders scanned", len(found))
    examined("FITS files found", sum(len(files) for _, files in found) + len(strays))
    processed = muc_processes(account)
    strays += [
        (f"{folder}/{path}", size)
        for folder, files in found
        for path, size in stray_fits(rule, files, processed)
    ]
    require(not errors, f"parts of {variable} on {account.muc.name} could not be read", errors)
    total = sum(size for _, size in strays)
    require_none(
        (f"{path}  {size} bytes" for path, size in strays),
        f"stray FITS files ({total} bytes in all) in {variable} on {account.muc.name}",
    )
