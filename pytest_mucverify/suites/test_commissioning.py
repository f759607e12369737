"""II.4: before autoDaily is commissioned on the muc, the date is untouched there and the tools
are the standard versions autoDaily -D needs."""

from __future__ import annotations

import datetime as dt
import posixpath
import re

from pytest_mucverify import check, examined, nothing_to_compare, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.commissioning import made_problems
from pytest_mucverify.dfos.toolversion import version_problems
from pytest_mucverify.phases import reached

MINIMUM = {"autoDaily": (2, 1), "createJob": (2, 1)}


@check("commissioning.ab-list-clean")
def test_the_commissioning_date_is_untouched_on_the_muc(account: AccountUnderTest) -> None:
    date = account.spec.commissioning_date
    require(date is not None, f"the site file gives no commissioning_date for {account.name}")
    assert date is not None
    if reached(account.phase, "operational"):
        precondition_held_when_autodaily_ran(account, date)
        return
    ab_list = f"{account.directory('DFO_MON_DIR')}/AB_list_CALIB_{date}"
    problems = []
    examined("AB lists looked at", 1)
    if account.muc.exists(ab_list):
        text = account.muc.read_text(ab_list)
        examined("AB list lines", len(text.splitlines()))
        problems += [
            f"{ab_list} line {n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if re.search(r"\bDONE\b", line)
        ]
    on_muc = account.muc_data.ab_files_of_night(date)
    examined("AB folders looked at", 2)
    problems += [f"{path}: an AB of {date} already on {account.muc.name}" for path, _ in on_muc]
    require_none(problems, f"traces of {date} that autoDaily -D would take as done")


def precondition_held_when_autodaily_ran(account: AccountUnderTest, date: dt.date) -> None:
    """Evidence, after the fact, from the muc's own files of the commissioning date: every AB of
    the date's AB list is on the muc (an AB tagged DONE is skipped by autoDaily -D, so it is
    missing), and all of them were made by one run on the muc (an AB left from an earlier run
    is older than the others by more than RUN_SPAN; one written before the night began is a
    copy)."""
    ab_paths = {path for path, _ in account.muc_data.ab_files_of_night(date)}
    examined("AB folders looked at", 2)
    if not ab_paths:
        nothing_to_compare(
            f"no AB of the commissioning date {date} on {account.muc.name}, which processed it"
            " with autoDaily -D",
            [account.directory("DFO_AB_DIR"), f"{account.directory('DFO_LOG_DIR')}/{date}"],
        )
    stats = {}
    for folder in {path.rsplit("/", 1)[0] for path in ab_paths}:
        for entry in account.complete_listing(account.muc, folder, max_depth=1).entries:
            stats[f"{folder}/{entry.path}"] = entry
    made = {path: stats[path].mtime_ns for path in ab_paths if path in stats}
    examined("ABs of the commissioning date", len(made))
    problems = [f"{path}: listed but not found" for path in sorted(ab_paths - set(made))]
    problems += made_problems(made, date)
    ab_list = f"{account.directory('DFO_MON_DIR')}/AB_list_CALIB_{date}"
    names = {path.rsplit("/", 1)[-1] for path in ab_paths}
    if account.muc.exists(ab_list):
        listed = [
            line.split()[0] for line in account.muc.read_text(ab_list).splitlines() if line.split()
        ]
        examined("AB list lines", len(listed))
        problems += [
            f"{ab_list}: {name} is not on {account.muc.name}: autoDaily -D skipped it (a DONE tag?)"
            for name in listed
            if name not in names
        ]
    require_none(
        problems,
        f"the muc's files of {date} show the commissioning precondition did not hold",
    )


@check("commissioning.tool-versions")
def test_the_dfos_tools_are_standard_versions(account: AccountUnderTest) -> None:
    expected = account.site.tool_versions
    require(expected, "the site file lists no [tool_versions]")
    bin_dir = account.directory("DFO_BIN_DIR")
    paths = [posixpath.join(bin_dir, tool) for tool in sorted(expected)]
    contents, unreadable = account.muc.read_many(paths)
    examined("tools read", len(contents))
    problems = [f"{path}: {reason}" for path, reason in unreadable.items()]
    for path, data in contents.items():
        tool = posixpath.basename(path)
        problems += version_problems(tool, data, expected[tool], MINIMUM.get(tool))
    search_path = account.muc_env.variables.get("PATH", "")
    examined("PATH folders searched", len(search_path.split(":")))
    functions = {
        name.removeprefix("BASH_FUNC_").removesuffix("%%")
        for name in account.muc_env.variables
        if name.startswith("BASH_FUNC_")
    }
    for tool in sorted(expected):
        if tool in functions:
            problems.append(
                f"{tool}: the muc's rc files export a shell function {tool}, which runs instead"
                f" of {bin_dir}/{tool}"
            )
        found = account.find_program(account.muc, tool, search_path)
        if found is None:
            problems.append(f"{tool}: not on the muc's PATH ({search_path or 'empty'})")
        elif posixpath.normpath(found) != posixpath.normpath(posixpath.join(bin_dir, tool)):
            problems.append(
                f"{tool}: the muc's PATH runs {found}, not the standard {bin_dir}/{tool}"
            )
    require_none(problems, f"DFOS tools on {account.muc.name} that are not the standard versions")
