"""II.5 (cleanupProducts -E): no FITS file slipped onto the muc data disk."""

from __future__ import annotations

import pytest

from pytest_mucverify import check, examined, note, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, FITS_SUFFIXES
from pytest_mucverify.dfos.placement import stray_fits

NON_STANDARD = "non-standard"


@check("fits.stray")
@pytest.mark.parametrize("variable", [*(d.variable for d in DATA_DIRECTORIES), NON_STANDARD])
def test_no_fits_file_strays_onto_the_muc(account: AccountUnderTest, variable: str) -> None:
    transition = account.spec.transition_date
    require(transition is not None, f"the site file gives no transition_date for {account.name}")
    assert transition is not None
    if variable == NON_STANDARD:
        folders = account.non_standard_folders(account.muc)
        examined("data roots listed", 1)
        if not folders:
            note(f"no non-standard directory on the {account.muc.name} data disk")
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
    examined("FITS files found", sum(len(files) for _, files in found))
    strays = [
        (f"{folder}/{path}", size)
        for folder, files in found
        for path, size in stray_fits(rule, files, transition)
    ]
    require(not errors, f"parts of {variable} on {account.muc.name} could not be read", errors)
    total = sum(size for _, size in strays)
    require_none(
        (f"{path}  {size} bytes" for path, size in strays),
        f"stray FITS files ({total} bytes in all) in {variable} on {account.muc.name}",
    )
