"""II.4: before autoDaily is commissioned on the muc, the date is untouched there and the tools
are the standard versions autoDaily -D needs."""

from __future__ import annotations

import posixpath
import re

from pytest_mucverify import check, examined, not_applicable, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.phases import reached

MINIMUM = {"autoDaily": (2, 1), "createJob": (2, 1)}
_VERSION = re.compile(rb"""^\s*TOOL_VERSION=["']?([0-9][0-9.]*)["']?\s*$""", re.M)


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@check("commissioning.ab-list-clean")
def test_the_commissioning_date_is_untouched_on_the_muc(account: AccountUnderTest) -> None:
    date = account.spec.commissioning_date
    require(date is not None, f"the site file gives no commissioning_date for {account.name}")
    assert date is not None
    if reached(account.phase, "operational"):
        not_applicable(f"{account.name} is operational: the commissioning of {date} is behind it")
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
        found = _VERSION.search(data)
        version = found.group(1).decode() if found else None
        if version is None:
            problems.append(f"{tool}: no TOOL_VERSION line")
            continue
        if version != expected[tool]:
            problems.append(f"{tool}: v{version}, the standard version is v{expected[tool]}")
        minimum = MINIMUM.get(tool)
        if minimum and as_tuple(version) < minimum:
            problems.append(
                f"{tool}: v{version}, the muc needs v{'.'.join(map(str, minimum))} or later"
            )
    require_none(problems, f"DFOS tools on {account.muc.name} that are not the standard versions")
