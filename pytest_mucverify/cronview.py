"""What the cron lines of an account's blade run, for the cron checks: the account's wrapper
scripts read from the blade (one batch per depth of scripts that run scripts), links to DFOS
tools under other names, and each line's calls looked through them."""

from __future__ import annotations

import posixpath

from .blade import Blade
from .context import AccountUnderTest
from .dfos.croncalls import SHELLS, CommandCalls, analyse, expand_home, runs_tool, tool_options
from .dfos.crontab import CronEntry, Crontab, environment_for

__all__ = ["CronCalls", "programs_run", "reads_muc_rc", "tool_links", "wrapper_scripts"]

SCRIPT_LIMIT = 1 << 20
SCRIPT_ROUNDS = 3
"""how deep scripts that run scripts are read (each depth one batch read)."""


def dfos_tools(account: AccountUnderTest) -> frozenset[str]:
    """Tools whose bodies are not searched for what they call: the standard DFOS tools."""
    return frozenset({*account.site.tool_versions, "dfosCron"})


def programs_run(
    account: AccountUnderTest, blade: Blade, scripts: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """The account's programs and scripts its cron lines on that blade run or source (DFOS
    tools and shells aside), and those the ``scripts`` already read run: where each lies on
    the blade -> the words the lines use for it."""
    crontab = account.crontab(blade)
    home = account.spec.home
    skip = dfos_tools(account)
    wanted: dict[str, list[str]] = {}
    for entry in [*crontab.entries, *crontab.commented_entries]:
        path_value = environment_for(crontab, entry, home, account.name).get("PATH", "")
        for word in analysed(account, crontab, entry, scripts, skip).wanted:
            name = word.rsplit("/", 1)[-1]
            if name in skip or name in SHELLS:
                continue
            found = account.find_program(blade, expand_home(word, home), path_value)
            if found:
                wanted.setdefault(found, []).append(expand_home(word, home))
    return wanted


def wrapper_scripts(
    blade: Blade, programs: dict[str, list[str]]
) -> tuple[dict[str, str], dict[str, str]]:
    """The programs' texts (wrapper scripts), by the name the line uses and by path, read in
    one batch; and why each that could not be read was not."""
    contents, problems = blade.read_many(sorted(programs))
    scripts: dict[str, str] = {}
    for path, data in contents.items():
        if len(data) > SCRIPT_LIMIT or b"\0" in data:
            continue
        for name in [path, *programs[path]]:
            scripts[name] = data.decode("utf-8", "replace")
    unreadable = {
        name: reason for path, reason in problems.items() for name in [path, *programs[path]]
    }
    return scripts, unreadable


def tool_links(
    account: AccountUnderTest, blade: Blade, programs: dict[str, list[str]]
) -> dict[str, str]:
    """Programs that are symbolic links to a DFOS tool under another name (``$HOME/bin/ad`` ->
    ``autoDaily``): path and the lines' words for it -> the tool. One listing per folder."""
    tools = dfos_tools(account)
    links: dict[str, str] = {}
    for folder in sorted({posixpath.dirname(path) for path in programs}):
        for stat in account.listing(blade, folder, max_depth=1).entries:
            target = posixpath.basename(stat.target.rstrip("/"))
            path = posixpath.join(folder, stat.path)
            if stat.kind == "l" and target in tools and path in programs:
                links.update({name: target for name in [path, *programs[path]]})
    return links


def analysed(
    account: AccountUnderTest,
    crontab: Crontab,
    entry: CronEntry,
    scripts: dict[str, str] | None = None,
    skip: frozenset[str] = frozenset(),
    links: dict[str, str] | None = None,
) -> CommandCalls:
    """What a cron line runs, with the crontab's environment and the text cron feeds it."""
    home = account.spec.home
    env = environment_for(crontab, entry, home, account.name)
    return analyse(entry.command, scripts, home, skip, env, entry.stdin, links)


class CronCalls:
    """What each cron line of a blade runs, wrappers and scripts looked through."""

    def __init__(self, account: AccountUnderTest, blade: Blade) -> None:
        self.account = account
        self.crontab = account.crontab(blade)
        self.blade_name = blade.name
        self.skip = dfos_tools(account)
        self.scripts: dict[str, str] = {}
        self.unreadable: dict[str, str] = {}
        programs: dict[str, list[str]] = {}
        for _ in range(SCRIPT_ROUNDS):  # the lines' scripts, then the scripts those run
            found = programs_run(account, blade, self.scripts)
            for path, names in found.items():
                if path in programs and path in self.scripts:
                    self.scripts.update(dict.fromkeys(names, self.scripts[path]))
            new = {path: names for path, names in found.items() if path not in programs}
            if not new:
                break
            scripts, unreadable = wrapper_scripts(blade, new)
            self.scripts.update(scripts)
            self.unreadable.update(unreadable)
            programs.update(new)
        self.links = tool_links(account, blade, programs)

    def calls(self, entry: CronEntry, tool: str) -> list[list[str]]:
        return runs_tool(self.analysed(entry).calls, tool)

    def analysed(self, entry: CronEntry) -> CommandCalls:
        return analysed(self.account, self.crontab, entry, self.scripts, self.skip, self.links)

    def undecided(self, tool: str) -> list[tuple[CronEntry, str]]:
        """What the active lines may run that cannot be told from the line and its scripts:
        anything undecided, and code in another language that names ``tool``."""
        found = [(e, self.analysed(e)) for e in self.crontab.entries]
        unread = [
            (e, f"runs {path}, which cannot be read: {self.unreadable[path]}")
            for e, calls in found
            for path in dict.fromkeys(calls.wanted)
            if path in self.unreadable
        ]
        return unread + [
            (e, why) for e, calls in found for why in [*calls.undecided, *calls.naming(tool)]
        ]

    def active(self, tool: str) -> list[tuple[CronEntry, list[str]]]:
        return [(e, argv) for e in self.crontab.entries for argv in self.calls(e, tool)]

    def commented(self, tool: str) -> list[tuple[CronEntry, list[str]]]:
        return [(e, argv) for e in self.crontab.commented_entries for argv in self.calls(e, tool)]


def reads_muc_rc(account: AccountUnderTest, argv: list[str]) -> bool:
    """Whether a tool call reads the muc's rc: ``-r .dfosrc_muc`` while that file is the muc's,
    ``-r .dfosrc`` or nothing once the switch has made ``.dfosrc`` the muc one."""
    rc = tool_options(argv, "-r")
    muc_rc = account.muc_rc.rsplit("/", 1)[-1]
    if muc_rc == ".dfosrc":
        return rc in (None, ".dfosrc", ".dfosrc_muc")
    return rc == muc_rc
