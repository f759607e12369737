"""What the cron lines of an account's blade run, for the cron checks: the account's wrapper
scripts read from the blade in one batch, and each line's calls looked through them."""

from __future__ import annotations

from .blade import Blade
from .context import AccountUnderTest
from .dfos.croncalls import SHELLS, expand_home, invocations, runs_tool, script_of, tool_options
from .dfos.crontab import CronEntry, environment_for

__all__ = ["CronCalls", "reads_muc_rc", "wrapper_scripts"]

SCRIPT_LIMIT = 1 << 20


def dfos_tools(account: AccountUnderTest) -> frozenset[str]:
    """Tools whose bodies are not searched for what they call: the standard DFOS tools."""
    return frozenset({*account.site.tool_versions, "dfosCron"})


def wrapper_scripts(account: AccountUnderTest, blade: Blade) -> dict[str, str]:
    """The account's own scripts that its cron lines on that blade run (wrappers around DFOS
    tools), by the name the line uses and by path, read in one batch."""
    crontab = account.crontab(blade)
    home = account.spec.home
    skip = dfos_tools(account)
    wanted: dict[str, list[str]] = {}
    for entry in [*crontab.entries, *crontab.commented_entries]:
        path_value = environment_for(crontab, entry, home, account.name).get("PATH", "")
        for argv in invocations(entry.command, home=home):
            word = script_of(argv) or argv[0]
            name = word.rsplit("/", 1)[-1]
            if name in skip or name in SHELLS:
                continue
            found = account.find_program(blade, expand_home(word, home), path_value)
            if found:
                wanted.setdefault(found, []).append(expand_home(word, home))
    contents, _ = blade.read_many(sorted(wanted))
    scripts: dict[str, str] = {}
    for path, data in contents.items():
        if len(data) > SCRIPT_LIMIT or b"\0" in data:
            continue
        for name in [path, *wanted[path]]:
            scripts[name] = data.decode("utf-8", "replace")
    return scripts


class CronCalls:
    """What each cron line of a blade runs, wrappers and scripts looked through."""

    def __init__(self, account: AccountUnderTest, blade: Blade) -> None:
        self.account = account
        self.crontab = account.crontab(blade)
        self.scripts = wrapper_scripts(account, blade)
        self.skip = dfos_tools(account)

    def calls(self, entry: CronEntry, tool: str) -> list[list[str]]:
        found = invocations(entry.command, self.scripts, self.account.spec.home, self.skip)
        return runs_tool(found, tool)

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
