"""How ``/bin/sh`` reads a cron line, as far as finding what it runs needs: words and simple
commands (with the pipes between them), redirections and what they feed a command, variables,
a shell's ``-c`` string or script, and the wrappers an account puts in front of a program
(``nice -n 10``, ``timeout 2h``, ``flock /tmp/lock``, ``ionice -c3``, ``env X=1``, ``xargs``, …)
with the options each takes. :mod:`.croncalls` walks a line with these. Pure: text in, words
out.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "ARGUMENTS",
    "CODE_OPTIONS",
    "KEYWORDS",
    "SHELLS",
    "WRAPPERS",
    "Input",
    "Stripped",
    "Wrapper",
    "code_of",
    "expand",
    "expand_home",
    "interpreter_of",
    "is_assignment",
    "lex",
    "redirections",
    "shebang_interpreter",
    "shell_parts",
    "simple_commands",
    "strip_wrappers",
    "unresolved",
    "words",
]

SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh", "csh", "tcsh"})
_OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", "{", "}", ";;", "|&", "\n"})
_PIPES = frozenset({"|", "|&"})
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*|[0-9])(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*|[0-9]))"
)
ARGUMENTS = frozenset({"$@", "$*", "${@}", "${*}"})
"""the words a script is called with, all of them."""
_DUPLICATION = re.compile(r"\d*[<>]&\d*-?")
_REDIRECTION = re.compile(r"^\d*(?:>>?|<|>\|)(.*)$")
Input = tuple[str, str | list[str]]
"""What a command reads on standard input: ("text", lines), ("file", path), ("pipe", argv)."""

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!"})
"""shell words before a command that do not change what it runs (``then autoDaily``)."""


@dataclass(frozen=True)
class Wrapper:
    takes: frozenset[str] = frozenset()
    """options followed by a value (``-n 10``); ``-n10`` and ``--opt=value`` are one word."""
    operands: int = 0
    """words after the options and before the program (``timeout 2h``, ``flock FILE``)."""


def _w(*takes: str, operands: int = 0) -> Wrapper:
    return Wrapper(frozenset(takes), operands)


WRAPPERS: dict[str, Wrapper] = {
    "nice": _w("-n", "--adjustment"),
    "nohup": _w(),
    "env": _w("-u", "--unset", "-C", "--chdir", "-S", "--split-string"),
    "exec": _w("-a"),
    "time": _w("-f", "--format", "-o", "--output"),
    "command": _w(),
    "builtin": _w(),
    "timeout": _w("-k", "--kill-after", "-s", "--signal", operands=1),
    "ionice": _w("-c", "--class", "-n", "--classdata", "-p", "-P", "-u"),
    "flock": _w("-w", "--timeout", "-E", "--conflict-exit-code", operands=1),
    "setsid": _w(),
    "stdbuf": _w("-i", "-o", "-e"),
    "chronic": _w(),
    "sudo": _w("-u", "-g", "-C", "-D", "-h", "-p", "-U", "-r", "-t", "-T"),
    "runuser": _w("-u", "-g", "-G"),
    "xargs": _w("-I", "-n", "-L", "-P", "-d", "-E", "-s", "-a", "--arg-file", "--delimiter"),
}
"""wrappers that run the rest of their words as a command."""


@dataclass
class Stripped:
    """What a simple command runs once its wrappers are gone."""

    argv: list[str]
    assignments: dict[str, str] = field(default_factory=dict)
    """``NAME=value`` given to the command (in front of it or through ``env``)."""
    command_string: str | None = None
    """a command line a wrapper runs through a shell (``flock FILE -c "…"``)."""
    placeholder: str | None = None
    """``xargs -I R``: R stands for words read from standard input."""
    only_looks: bool = False
    """``command -v X``: X is looked up, not run."""


def is_assignment(word: str) -> bool:
    return bool(_ASSIGNMENT.fullmatch(word))


def words(text: str) -> list[str]:
    """The words of a shell line as the shell splits them (quotes removed), no operators."""
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def strip_wrappers(argv: list[str]) -> Stripped:
    """The program and arguments ``argv`` runs: leading assignments, shell keywords and the
    :data:`WRAPPERS` with their options and operands removed."""
    result = Stripped([])
    i = 0
    argv = list(argv)
    while i < len(argv):
        word = argv[i]
        if is_assignment(word):
            name, _, value = word.partition("=")
            result.assignments[name] = value
            i += 1
            continue
        if word in KEYWORDS:
            i += 1
            continue
        wrapper = WRAPPERS.get(posixpath.basename(word))
        if wrapper is None:
            result.argv = argv[i:]
            return result
        word = posixpath.basename(word)
        i += 1
        while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
            option = argv[i]
            if option == "--":
                i += 1
                break
            if word == "command" and option in ("-v", "-V"):
                result.only_looks = True
            if word == "flock" and option in ("-c", "--command") and i + 1 < len(argv):
                result.command_string = argv[i + 1]
                return result
            if word == "xargs" and option.startswith(("-I", "-i")):
                given = argv[i + 1] if option == "-I" and i + 1 < len(argv) else "{}"
                result.placeholder = option[2:] or given
            if word == "env" and option in ("-S", "--split-string") and i + 1 < len(argv):
                argv[i : i + 2] = words(argv[i + 1])
                continue
            i += 2 if option in wrapper.takes else 1
        if word == "env":
            while i < len(argv) and is_assignment(argv[i]):
                name, _, value = argv[i].partition("=")
                result.assignments[name] = value
                i += 1
        for _ in range(wrapper.operands):
            i += 1 if i < len(argv) else 0
        if word == "flock" and i < len(argv) and argv[i] in ("-c", "--command"):
            result.command_string = argv[i + 1] if i + 1 < len(argv) else ""
            return result
    return result


def lex(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|(){}")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    lexer.whitespace = " \t\r"
    try:
        return list(lexer)
    except ValueError:
        return text.split()


def simple_commands(text: str) -> list[tuple[list[str], bool]]:
    """Each simple command of ``text`` and whether a pipe feeds it."""
    commands: list[tuple[list[str], bool]] = []
    current: list[str] = []
    piped = False
    for line in text.splitlines() or [""]:
        for word in lex(_DUPLICATION.sub(" ", line)):
            if word in _OPERATORS:
                if current:
                    commands.append((current, piped))
                current = []
                piped = word in _PIPES
            else:
                current.append(word)
        if current:
            commands.append((current, piped))
        current, piped = [], False
    return commands


def redirections(argv: list[str]) -> tuple[list[str], Input | None]:
    """The words without redirections, and what ``<<<`` or ``<`` feeds the command."""
    kept: list[str] = []
    fed: Input | None = None
    i = 0
    while i < len(argv):
        word = argv[i]
        if word.startswith("<<<"):
            text = word[3:] or (argv[i + 1] if i + 1 < len(argv) else "")
            fed = ("text", text)
            i += 1 if word[3:] else 2
            continue
        if word.startswith("<<"):  # a here-document: its body cannot be on a cron line
            i += 1 if word.lstrip("<-") else 2
            continue
        match = _REDIRECTION.match(word)
        if match:
            target = match.group(1) or (argv[i + 1] if i + 1 < len(argv) else "")
            if word.lstrip("0123456789").startswith("<"):
                fed = ("file", target)
            i += 1 if match.group(1) else 2
            continue
        kept.append(word)
        i += 1
    return kept, fed


def expand_home(word: str, home: str) -> str:
    """``$HOME/x``, ``${HOME}/x`` and ``~/x`` with the account's home; nothing else expanded."""
    for spelling in ("${HOME}", "$HOME"):
        if word.startswith(spelling):
            return home + word[len(spelling) :]
    if word == "~" or word.startswith("~/"):
        return home + word[1:]
    return word


def expand(word: str, env: Mapping[str, str]) -> str:
    """Known variables (``$X``, ``${X}``, ``${X:-default}``, ``$1``) and ``~`` replaced; others
    kept."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in env:
            return env[name]
        if match.group(2) is not None:
            return match.group(2)
        return match.group(0)

    if word == "~" or word.startswith("~/"):
        word = "$HOME" + word[1:]
    return _VARIABLE.sub(value, word)


_INTERPRETER = re.compile(r"(python|perl|ruby|php|node|tclsh|wish)[0-9.]*")
CODE_OPTIONS = {"python": "-c", "perl": "-e", "ruby": "-e", "php": "-r", "node": "-e"}
"""the option after which an interpreter takes its program on the command line."""


def interpreter_of(program: str) -> str | None:
    """``python`` for ``python3.11`` or ``/usr/bin/perl``; None for anything else."""
    match = _INTERPRETER.fullmatch(posixpath.basename(program))
    return match.group(1) if match else None


def code_of(argv: list[str]) -> tuple[str | None, str | None]:
    """An interpreter call's inline program (``python -c CODE``) and script operand."""
    option = CODE_OPTIONS.get(interpreter_of(argv[0]) or "", "")
    for i, word in enumerate(argv[1:], start=1):
        if option and word.startswith(option) and word[:2] == option:
            inline = word[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            return inline, None
        if not word.startswith("-"):
            return None, word
    return None, None


def shebang_interpreter(text: str) -> str | None:
    """The program a script's ``#!`` line names (through ``env``), None without one."""
    if not text.startswith("#!"):
        return None
    first = text[2:].split("\n", 1)[0].split()
    if first and posixpath.basename(first[0]) == "env":
        first = [w for w in first[1:] if not w.startswith("-") and not is_assignment(w)]
    return posixpath.basename(first[0]) if first else None


def unresolved(word: str) -> bool:
    return "$" in word or "`" in word


def shell_parts(argv: list[str]) -> tuple[str | None, str | None, bool]:
    """A shell's ``-c`` string, its script operand, and whether it reads standard input."""
    has_c = reads_stdin = False
    i = 1
    while i < len(argv):
        word = argv[i]
        if word in _SHELL_VALUE_OPTIONS:
            i += 2
            continue
        if word == "-":
            return None, None, True
        if word.startswith(("-", "+")) and not word.startswith("--"):
            has_c = has_c or "c" in word[1:]
            reads_stdin = reads_stdin or "s" in word[1:]
            i += 1
            continue
        if word.startswith("--"):
            i += 1
            continue
        if has_c:
            return word, None, False
        return None, (None if reads_stdin else word), reads_stdin
    return None, None, not has_c
