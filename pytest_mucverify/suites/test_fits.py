"""II.5 (cleanupProducts -E): no FITS file slipped onto the muc data disk."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable

import pytest

from pytest_mucverify import check, examined, note, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import DATA_DIRECTORIES, is_fits
from pytest_mucverify.dfos.placement import fits_allowed
from pytest_mucverify.fitsreach import ReachableFits, reachable_fits, scanned_by_rows, within
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


def standard_places(account: AccountUnderTest) -> list[str]:
    """The physical data root and standard data directories of the muc: every place one of this
    check's rows scans."""
    places = [account.physical_root]
    for d in DATA_DIRECTORIES:
        path = account.muc_env.variables.get(d.variable)
        if path and account.muc.exists(path):
            places.append(account.muc.resolve(path))
    return places


def into_standard(account: AccountUnderTest, folder: str) -> bool:
    """A convenience link into a standard directory (``current -> raw/2013-02-24``): its files
    are judged, and counted, in that directory's own row."""
    target = account.muc.resolve(folder)
    return any(within(target, s) for s in standard_places(account)[1:])


def place_on_disk(account: AccountUnderTest, path: str) -> tuple[str | None, str] | None:
    """(standard variable or None, path relative to it or to the data root) of a logical or
    physical muc path on the data disk; None off the disk."""
    path = account.canonical(path)
    for d in DATA_DIRECTORIES:
        base = account.muc_env.variables.get(d.variable)
        if base and within(path, posixpath.normpath(base)):
            return d.variable, path[len(posixpath.normpath(base)) + 1 :]
    if within(path, account.data_root):
        return None, path[len(account.data_root) + 1 :]
    return None


def strays_among(
    account: AccountUnderTest, variable: str | None, folder: str, found: list[ReachableFits]
) -> list[tuple[str, int]]:
    """What of the FITS reachable below folder lies where no FITS may: judged where the path
    (through any link) puts it; a FITS-named link to a file also where that file lies on the
    data disk (its name there need not say FITS), the target read as written in the link."""
    processed = muc_processes(account)
    strays = []
    for entry in found:
        if not fits_allowed(variable, entry.path, processed):
            strays.append((str(entry), entry.size))
            continue
        if entry.is_link and entry.leads_to == "f":
            link_folder = posixpath.dirname(f"{folder}/{entry.path}")
            place = place_on_disk(account, posixpath.join(link_folder, entry.target))
            if place is not None and not fits_allowed(*place, processed):
                strays.append((f"{entry}, where no FITS may lie", 0))
    return strays


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
        strays += [
            (f"{e.path}  {e.size} bytes", e.size) for e in entries if e.is_file and is_fits(e.path)
        ]
        strays += [
            (f"{e.path} -> {e.target}  a link", 0)
            for e in entries
            if e.kind == "l" and is_fits(e.path)
        ]
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
    judged_elsewhere = scanned_by_rows(standard_places(account))
    found = [
        (folder, reachable_fits(account.muc, folder, judged_elsewhere, errors))
        for folder in folders
    ]
    examined("folders scanned", len(found))
    examined("FITS files and links found", sum(len(files) for _, files in found) + len(strays))
    strays += [
        (f"{folder}/{stray}", size)
        for folder, files in found
        for stray, size in strays_among(account, rule, folder, files)
    ]
    require(not errors, f"parts of {variable} on {account.muc.name} could not be read", errors)
    total = sum(size for _, size in strays)
    require_none(
        (stray for stray, _ in strays),
        f"stray FITS files ({total} bytes in all) in {variable} on {account.muc.name}",
    )
