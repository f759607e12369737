"""I.7: the ABs on the muc carry clean paths to files the muc holds, and hand the recipe its inputs."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from collections.abc import Sized
from itertools import chain

from pytest_mucverify import check, examined, note, require_none
from pytest_mucverify.bladedata import AbBatch
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.abpaths import (
    count_path_lines,
    header_instead,
    required_files,
    sof_outsiders,
)


def where_abs_of_night_lie(account: AccountUnderTest, night: dt.date) -> list[str]:
    return [
        f"{account.muc.name}:{account.directory('DFO_AB_DIR')} (active, by DATE)",
        f"{account.muc.name}:{account.directory('DFO_LOG_DIR')}/{night} (archived)",
    ]


def some_abs_of_night(account: AccountUnderTest, night: dt.date, found: Sized) -> None:
    """A night the muc processes has ABs on the muc; one it does not is not applicable."""
    if not found:
        account.nothing_of_night_on_muc(
            night, f"no AB of {night}", where_abs_of_night_lie(account, night)
        )


@check("ab.clean-paths")
def test_every_path_in_the_nights_abs_is_clean(account: AccountUnderTest, night: dt.date) -> None:
    ab_files = account.muc_data.ab_files_of_night(night)
    some_abs_of_night(account, night, ab_files)
    rules = account.ab_path_rules
    examined("ABs", len(ab_files))
    examined("path lines", sum(count_path_lines(data) for _, data in ab_files))
    examined("lines read for physical prefixes", sum(data.count(b"\n") for _, data in ab_files))
    require_none(
        (line for path, data in ab_files for line in rules.unclean_paths_of_file(data, path)),
        f"unclean paths in the ABs of {night}",
    )


@check("ab.clean-paths")
def test_every_ab_outside_the_window_is_clean(account: AccountUnderTest) -> None:
    """Every AB on the muc is read: those of nights outside the run's window, active ABs whose
    night cannot be told, which belong to no night's row, and any AB file below DFO_AB_DIR or
    DFO_LOG_DIR that no night's row reads (a month folder, a sub-folder, another name)."""
    window = {str(night) for night in account.target.nights}
    problems: list[str] = []
    _, unreadable = account.muc_data.active_abs_read
    problems += [f"{reason}  (an active AB that cannot be read)" for reason in unreadable]
    rules = account.ab_path_rules
    outside_active = []
    for path, data, date in account.muc_data.active_ab_files:
        if not date:
            problems.append(f"{path}: no readable DATE line: the AB belongs to no night")
        if date not in window:
            outside_active.append((path, data))
    read = 0
    batches = chain([AbBatch(outside_active, [], 0)], account.muc_data.abs_no_night_reads(window))
    for batch in batches:
        problems += [f"{reason}  (cannot be read)" for reason in batch.problems]
        read += len(batch.abs_read)
        examined("AB trees searched", batch.folders)
        examined("ABs", len(batch.abs_read))
        examined("path lines", sum(count_path_lines(data) for _, data in batch.abs_read))
        examined(
            "lines read for physical prefixes",
            sum(data.count(b"\n") for _, data in batch.abs_read),
        )
        problems += [
            line
            for path, data in batch.abs_read
            for line in rules.unclean_paths_of_file(data, path)
        ]
    note(f"{read} ABs of nights outside {account.target.window_text} or of no night's folder")
    require_none(problems, "ABs outside the night window that are unclean or belong to no night")


@check("ab.references-exist")
def test_every_file_an_active_ab_names_is_on_the_muc(
    account: AccountUnderTest, night: dt.date
) -> None:
    abs_of_night = account.muc_data.abs_of_night(night)
    some_abs_of_night(account, night, abs_of_night)
    examined("ABs of the night", len(abs_of_night))
    active = account.muc_data.abs_of_night(night, active_only=True)
    if not active:
        note(
            f"all {len(abs_of_night)} ABs of {night} are archived: their inputs are gone by design"
        )
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
    examined("active ABs", len(active))
    examined("files named", sum(len(needed) for needed in wanted.values()))
    for folder, needed in wanted.items():
        present = {e.path: e for e in account.listing(account.muc, folder, max_depth=1).entries}
        for where, qualifier, path in needed:
            name = posixpath.basename(path)
            found = present.get(name) or present.get(header_instead(name))
            if found is None:
                missing.append(f"{where}  {qualifier}  {path}  missing on {account.muc.name}")
            elif found.kind == "l" and not account.muc.exists(f"{folder}/{found.path}"):
                missing.append(
                    f"{where}  {qualifier}  {path}  a link to {found.target}, which does not"
                    f" exist on {account.muc.name}"
                )
    require_none(missing, f"files named by active ABs of {night} but not on the muc")


@check("ab.sof-consistent")
def test_every_sof_frame_is_an_input_of_its_ab(account: AccountUnderTest, night: dt.date) -> None:
    abs_of_night = account.muc_data.abs_of_night(night)
    some_abs_of_night(account, night, abs_of_night)
    env = account.muc_env.variables
    examined("ABs", len(abs_of_night))
    examined("SOF frames", sum(len(ab.entries_of("SOF_CONTENT")) for _, ab in abs_of_night))
    require_none(
        (
            line
            for path, ab in abs_of_night
            for line in sof_outsiders(ab, env, account.canonical, path)
        ),
        f"SOF_CONTENT frames of {night} that are not inputs of their AB",
    )
