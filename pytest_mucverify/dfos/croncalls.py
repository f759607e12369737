"""What a cron command really runs: every simple command in it, through the wrappers accounts
put around their DFOS tools.

A tool can hide behind ``bash -c "…"``/``sh -c '…'``, a list (``cd x && autoDaily``), the DFOS
wrapper ``dfosCron -t <tool>`` (whose other options go to the tool) or a wrapper script of the
account's own. :func:`invocations` returns each simple command as an argument list, looking
inside ``-c`` strings and the ``-t`` tool, and inside the scripts the caller has read (by path;
one level, never inside DFOS tools). Pure: the caller reads the scripts on the blade.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping

__all__ = [
    "SHELLS",
    "expand_home",
    "invocations",
    "options_besides_rc",
    "runs_tool",
    "script_of",
    "tool_options",
]

SHELLS = frozenset({"sh", "bash", "ksh", "zsh", "csh", "tcsh"})
_OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", "{", "}", ";;", "|&", "\n"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
_PREFIXES = {"nice": {"-n"}, "nohup": set(), "env": {"-u"}, "exec": set(), "time": set(),
             "command": set(), "timeout": set()}  # fmt: skip
MAX_DEPTH = 3


def _words(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|(){}")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    lexer.whitespace = " \t\r"
    try:
        return [("\n" if word == "\n" else word) for word in lexer]
    except ValueError:
        return text.split()


_DUPLICATION = re.compile(r"\d*[<>]&\d*-?")
_REDIRECTION = re.compile(r"^\d*(?:>>?|<)(.*)$")


def _without_redirections(argv: list[str]) -> list[str]:
    kept: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        match = _REDIRECTION.match(word)
        if match:
            skip = not match.group(1)  # ``> file``: the target is the next word
            continue
        kept.append(word)
    return kept


def _simple_commands(text: str) -> list[list[str]]:
    commands: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines() or [""]:
        for word in _words(_DUPLICATION.sub(" ", line)):
            if word in _OPERATORS:
                if current:
                    commands.append(current)
                current = []
            else:
                current.append(word)
        if current:
            commands.append(current)
        current = []
    return commands


def _strip_prefixes(argv: list[str]) -> list[str]:
    i = 0
    while i < len(argv):
        word = argv[i]
        if _ASSIGNMENT.fullmatch(word):
            i += 1
            continue
        if word in _PREFIXES:
            takes = _PREFIXES[word]
            i += 1
            if word == "timeout" and i < len(argv) and not argv[i].startswith("-"):
                i += 1  # the duration
            while i < len(argv) and (
                argv[i].startswith("-") or (word == "env" and _ASSIGNMENT.fullmatch(argv[i]))
            ):
                i += 2 if argv[i] in takes else 1
            continue
        return argv[i:]
    return []


def expand_home(word: str, home: str) -> str:
    """``$HOME/x``, ``${HOME}/x`` and ``~/x`` with the account's home; nothing else expanded."""
    for spelling in ("${HOME}", "$HOME"):
        if word.startswith(spelling):
            return home + word[len(spelling) :]
    if word == "~" or word.startswith("~/"):
        return home + word[1:]
    return word


def script_of(argv: list[str]) -> str | None:
    """The script a shell runs (``sh /x/job.sh``), None for ``sh -c`` or a shell alone."""
    if not argv or posixpath.basename(argv[0]) not in SHELLS:
        return None
    for word in argv[1:]:
        if word == "-c":
            return None
        if not word.startswith("-"):
            return word
    return None


def tool_options(argv: list[str], option: str) -> str | None:
    """The value of ``option`` (``-r X``) in an argument list, None when absent."""
    for i, word in enumerate(argv[:-1]):
        if word == option:
            return argv[i + 1]
    return None


def invocations(
    command: str,
    scripts: Mapping[str, str] | None = None,
    home: str = "",
    skip_scripts: frozenset[str] = frozenset(),
    _depth: int = 0,
) -> list[list[str]]:
    """Every simple command ``command`` runs, as argument lists (wrappers stripped), including
    those inside ``sh -c`` strings, the tool of ``dfosCron -t`` (as ``[tool, *its options,
    *dfosCron's other options]``) and the scripts given (path -> text; a path is matched after
    ``$HOME`` expansion) whose name is not in ``skip_scripts``."""
    scripts = scripts or {}
    found: list[list[str]] = []
    if _depth > MAX_DEPTH:
        return found
    for raw in _simple_commands(command):
        argv = _strip_prefixes(_without_redirections(raw))
        if not argv:
            continue
        found.append(argv)
        program = posixpath.basename(argv[0])
        if program in SHELLS and "-c" in argv[:-1]:
            inner = argv[argv.index("-c") + 1]
            found += invocations(inner, scripts, home, skip_scripts, _depth + 1)
            continue
        if program == "dfosCron" and "-t" in argv[:-1]:
            at = argv.index("-t")
            tool = _words(argv[at + 1]) or [argv[at + 1]]
            found.append([*tool, *argv[at + 2 :], *argv[1:at]])
            continue
        path = script_of(argv) or argv[0]
        path = expand_home(path, home)
        if path in scripts and posixpath.basename(path) not in skip_scripts:
            found += invocations(scripts[path], scripts, home, skip_scripts, _depth + 1)
    return found


def runs_tool(calls: list[list[str]], tool: str) -> list[list[str]]:
    """The invocations whose program is ``tool`` (by name, wherever it lies)."""
    return [argv for argv in calls if posixpath.basename(argv[0]) == tool]


def options_besides_rc(argv: list[str]) -> tuple[str, ...]:
    """A tool's options without ``-r <rc>``: what must be the same on both blades."""
    kept: list[str] = []
    skip = False
    for word in argv[1:]:
        if skip:
            skip = False
        elif word == "-r":
            skip = True
        else:
            kept.append(word)
    return tuple(sorted(kept))
