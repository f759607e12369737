"""I.7: the ABs on the muc carry clean paths to files the muc holds, and hand the recipe its inputs."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict

from pytest_mucverify import check, not_applicable, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.abpaths import (
    header_instead,
    required_files,
    sof_outsiders,
)


@check("ab.clean-paths")
def test_every_path_in_the_nights_abs_is_clean(account: AccountUnderTest, night: dt.date) -> None:
    ab_files = account.muc_data.ab_files_of_night(night)
    if not ab_files:
        not_applicable(f"no AB of {night} on {account.muc.name}")
    rules = account.ab_path_rules
    require_none(
        (line for path, data in ab_files for line in rules.unclean_paths_of_file(data, path)),
        f"unclean paths in the ABs of {night}",
    )


@check("ab.references-exist")
def test_every_file_an_active_ab_names_is_on_the_muc(
    account: AccountUnderTest, night: dt.date
) -> None:
    active = account.muc_data.abs_of_night(night, active_only=True)
    if not active:
        not_applicable(f"no active AB of {night} on {account.muc.name}")
    env = account.muc_env.variables
    vcal = posixpath.join(account.directory("DFO_CAL_DIR"), "VCAL") + "/"
    wanted: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for shown, ab in active:
        for entry, expanded in required_files(ab, env):
            if entry.flag == "VIRTUAL" and not account.canonical(expanded).startswith(vcal):
                wanted["(not under VCAL)"].append((shown, entry.qualifier, expanded))
                continue
            wanted[posixpath.dirname(expanded)].append(
                (f"{shown}:{entry.line}", entry.qualifier, expanded)
            )
    missing = [
        f"{where}  {qualifier}  {path}  not under {vcal}"
        for where, qualifier, path in wanted.pop("(not under VCAL)", [])
    ]
    for folder, needed in wanted.items():
        present = {e.path for e in account.listing(account.muc, folder, max_depth=1).entries}
        for where, qualifier, path in needed:
            name = posixpath.basename(path)
            if name not in present and header_instead(name) not in present:
                missing.append(f"{where}  {qualifier}  {path}  missing on {account.muc.name}")
    require_none(missing, f"files named by active ABs of {night} but not on the muc")


@check("ab.sof-consistent")
def test_every_sof_frame_is_an_input_of_its_ab(account: AccountUnderTest, night: dt.date) -> None:
    abs_of_night = account.muc_data.abs_of_night(night)
    if not abs_of_night:
        not_applicable(f"no AB of {night} on {account.muc.name}")
    env = account.muc_env.variables
    require_none(
        (
            line
            for path, ab in abs_of_night
            for line in sof_outsiders(ab, env, account.canonical, path)
        ),
        f"SOF_CONTENT frames of {night} that are not inputs of their AB",
    )
