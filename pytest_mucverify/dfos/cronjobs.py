"""What cron gives an entry's job: its environment, and the program its command runs."""

from __future__ import annotations

import re
import shlex

from .cronrecords import CronEntry, Crontab

__all__ = ["DEFAULT_PATH", "DEFAULT_SHELL", "environment_for", "program_of"]

DEFAULT_SHELL = "/bin/sh"
DEFAULT_PATH = "/usr/bin:/bin"
"""cronie's ``_PATH_DEFPATH``: the PATH a job gets unless the crontab sets one."""


def environment_for(crontab: Crontab, entry: CronEntry, home: str, user: str) -> dict[str, str]:
    """The environment cron gives ``entry``'s command (cronie ``load_entry``): the crontab's
    settings above the entry; ``SHELL=/bin/sh``, ``HOME`` (the account's home) and
    ``PATH=/usr/bin:/bin`` unless the crontab sets them; ``LOGNAME`` and ``USER`` always the
    owner. Nothing of the login environment (no ``.profile``, no ``.bashrc``); newer cronie also
    passes on the daemon's own ``LANG``/``LC_*``, which this cannot know."""
    env = crontab.env(entry.line)
    env.setdefault("SHELL", DEFAULT_SHELL)
    if home:
        env.setdefault("HOME", home)
    env.setdefault("PATH", DEFAULT_PATH)
    env["LOGNAME"] = user
    env["USER"] = user
    return env


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
_WRAPPERS: dict[str, frozenset[str]] = {
    "nice": frozenset({"-n"}),
    "nohup": frozenset(),
    "env": frozenset({"-u"}),
    "exec": frozenset(),
    "time": frozenset(),
    "command": frozenset(),
}


def program_of(command: str) -> str:
    """The program a command runs: its first word after leading ``NAME=value`` assignments and
    the wrappers ``nice`` (``-n N``, ``-N``), ``nohup``, ``env`` (its options, ``-u NAME`` and
    assignments), ``exec``, ``time`` and ``command``, and after opening ``(``/``{``. The word
    is returned as written (``$HOME/bin/dfosCron``), unexpanded. Only the first simple command
    counts: ``cd dir && prog`` gives ``cd``. ``""`` when there is none."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        words = command.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("(", "{") or _ASSIGNMENT.fullmatch(word):
            i += 1
            continue
        if word in _WRAPPERS:
            takes_argument = _WRAPPERS[word]
            i += 1
            while i < len(words) and (
                words[i].startswith("-") or (word == "env" and _ASSIGNMENT.fullmatch(words[i]))
            ):
                i += 2 if words[i] in takes_argument else 1
            continue
        return word
    return ""
