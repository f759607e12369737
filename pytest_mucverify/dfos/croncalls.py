"""What a cron command really runs: every simple command in it, through the wrappers accounts
put around their DFOS tools.

A tool can hide behind ``bash -c "…"``/``sh -c '…'``, a list (``cd x && autoDaily``), the DFOS
wrapper ``dfosCron -t <tool>`` (``-t<tool>`` too; its other options go to the tool), the
wrappers of :mod:`.cronshell` (``nice``, ``timeout``, ``flock``, ``xargs``, …), a variable set
on the line or in the crontab (``T=autoDaily; dfosCron -t $T``), ``eval``, a command
substitution, a shell fed its commands on standard input (``echo "…" | sh``, ``sh <<< "…"``,
``sh < file``, cron's ``%``), a link of another name to a DFOS tool, or a script of the
account's own (run with its arguments as ``$1``/``"$@"``, or sourced). :func:`analyse` returns
each simple command as an argument list, and says what it could not decide (a program named by
a variable nothing sets, ``eval "$(cat file)"``, a shell reading another program's output):
such a line may run anything. Code in another language (a perl script, ``python -c``) is kept
aside, so a check can say where it names a tool. Scripts the caller has read are looked into
(by path, never inside DFOS tools); :attr:`CommandCalls.wanted` says which it would read. Pure:
the caller reads the scripts and the links on the blade.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .cronoptions import has_flag, options_besides_rc, tool_options
from .cronshell import (
    ARGUMENTS,
    CODE_OPTIONS,
    SHELLS,
    Input,
    code_of,
    expand,
    expand_home,
    interpreter_of,
    is_assignment,
    redirections,
    shebang_interpreter,
    shell_parts,
    simple_commands,
    strip_wrappers,
    unresolved,
    words,
)

__all__ = [
    "SHELLS",
    "CommandCalls",
    "analyse",
    "dfos_cron_tool",
    "expand_home",
    "has_flag",
    "invocations",
    "options_besides_rc",
    "runs_tool",
    "script_of",
    "tool_options",
]

_BRACED = re.compile(r"\$\{[^{}]*\}")
_SUBSTITUTION = re.compile(r"\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)|`([^`]*)`")
MAX_DEPTH = 4
POSITIONAL = "\x1f@"
"""where a script's arguments are kept in the walk's variables (no shell name can clash)."""


@dataclass
class CommandCalls:
    """What a cron command runs: ``calls`` (argument lists, wrappers stripped), ``undecided``
    (what in it could run something that cannot be read from the line) and ``wanted`` (the
    files it runs or sources, as paths to read for a second look)."""

    calls: list[list[str]] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    wanted: list[str] = field(default_factory=list)
    opaque: list[tuple[str, str]] = field(default_factory=list)
    """code in another language (``python -c``, a perl script): what it is, and its text."""

    def naming(self, tool: str) -> list[str]:
        """The code in another language that names ``tool``: it may run it, unseen."""
        name = re.compile(rf"(?<![\w.-]){re.escape(tool)}(?![\w-])")
        return [
            f"{what} names {tool}: what it runs cannot be read as sh reads a line"
            for what, code in self.opaque
            if name.search(code)
        ]


def script_of(argv: list[str]) -> str | None:
    """The script a shell runs (``sh /x/job.sh``) or ``.``/``source`` reads; None for ``sh -c``
    or a shell reading standard input."""
    if len(argv) > 1 and argv[0] in (".", "source"):
        return argv[1]
    if not argv or posixpath.basename(argv[0]) not in SHELLS:
        return None
    return shell_parts(argv)[1]


class _Walk:
    def __init__(
        self,
        scripts: Mapping[str, str],
        home: str,
        skip: frozenset[str],
        links: Mapping[str, str],
    ) -> None:
        self.scripts = scripts
        self.links = links
        self.home = home
        self.skip = skip
        self.result = CommandCalls()
        self.substituted: dict[str, str] = {}
        self.braced: dict[str, str] = {}

    def unbraced(self, word: str) -> str:
        if "\x01" in word:
            for braced, token in self.braced.items():
                word = word.replace(token, braced)
        return word

    def shown(self, text: str) -> str:
        text = self.unbraced(text)
        for token, inner in self.substituted.items():
            text = text.replace(token, f"$({inner})")
        return text

    def undecided(self, where: str, reason: str) -> None:
        reason = self.shown(f"{where}{reason}")
        if reason not in self.result.undecided:
            self.result.undecided.append(reason)

    def text(
        self, text: str, env: dict[str, str], fed: Input | None, depth: int, where: str
    ) -> None:
        if depth > MAX_DEPTH:
            self.undecided(where, f"commands nested more than {MAX_DEPTH} deep")
            return

        def substitute(match: re.Match[str]) -> str:
            inner = match.group(1) if match.group(1) is not None else match.group(2)
            self.text(inner, env, None, depth + 1, where)
            token = f"$__output{len(self.substituted)}__"
            self.substituted[token] = inner
            return token

        text = _SUBSTITUTION.sub(substitute, text)
        # ``${X}``: its braces are no group; hidden from the lexer until the words are split
        text = _BRACED.sub(
            lambda m: self.braced.setdefault(m.group(0), f"\x01{len(self.braced)}\x01"), text
        )
        left: list[str] | None = None
        for raw, piped in simple_commands(text):
            left = self.simple(raw, env, ("pipe", left or []) if piped else fed, depth, where)

    def simple(
        self, raw: list[str], env: dict[str, str], fed: Input | None, depth: int, where: str
    ) -> list[str]:
        argv, redirected = redirections(raw)
        fed = redirected or fed
        expanded: list[str] = []
        for word in (self.unbraced(word) for word in argv):
            if word in ARGUMENTS and POSITIONAL in env:
                expanded += env[POSITIONAL].split("\x1f") if env[POSITIONAL] else []
            else:
                expanded.append(expand(word, env))
        while expanded and not expanded[0]:  # an empty expansion is no program
            expanded.pop(0)
        stripped = strip_wrappers(expanded)
        if stripped.argv and len(stripped.argv[0].split()) > 1:  # ``$JOB`` holding words
            again = strip_wrappers(stripped.argv[0].split() + stripped.argv[1:])
            again.assignments = {**stripped.assignments, **again.assignments}
            stripped = again
        argv, child = stripped.argv, {**env, **stripped.assignments}
        if stripped.command_string is not None:
            self.text(stripped.command_string, child, fed, depth + 1, where)
            return argv
        if not argv:  # assignments alone: they hold for the rest of the line
            env.update(stripped.assignments)
            return []
        if stripped.only_looks:
            return argv
        program = argv[0]
        if expand_home(program, self.home) in self.links:  # a link to a DFOS tool, renamed
            argv = [self.links[expand_home(program, self.home)], *argv[1:]]
        name = posixpath.basename(argv[0])
        if unresolved(name) or not name:
            self.undecided(
                where, f"runs {program!r}, which nothing on the line or in the crontab sets"
            )
            return argv
        if stripped.placeholder and any(stripped.placeholder in word for word in argv):
            self.undecided(where, f"xargs builds the command {' '.join(argv)!r} from what it reads")
            return argv
        self.result.calls.append(argv)
        self.look_into(argv, name, env, child, fed, depth, where)
        return argv

    def look_into(
        self,
        argv: list[str],
        name: str,
        env: dict[str, str],
        child: dict[str, str],
        fed: Input | None,
        depth: int,
        where: str,
    ) -> None:
        if name in ("export", "declare", "typeset", "readonly", "local"):
            for word in argv[1:]:
                if is_assignment(word):
                    variable, _, value = word.partition("=")
                    env[variable] = value
        elif name in ("for", "read"):  # a loop or input gives the variable values of its own
            values = set(argv[3:]) - {"do"} if len(argv) > 2 and argv[2] == "in" else set()
            for variable in argv[1:2] if name == "for" else argv[1:]:
                env.pop(variable, None)
            if name == "for" and len(values) == 1:
                env[argv[1]] = values.pop()
        elif name == "cd":  # where ``./bin/x`` lies
            target = argv[-1] if len(argv) > 1 else env.get("HOME", "")
            if target and not unresolved(target) and target != "-":
                env["PWD"] = posixpath.normpath(posixpath.join(env.get("PWD", "/"), target))
        elif name == "eval":
            line = " ".join(argv[1:])
            if unresolved(line):
                self.undecided(where, f"eval runs {line!r}, which the line does not show")
            else:
                self.text(line, child, fed, depth + 1, where)
        elif name in ("source", ".") and len(argv) > 1:
            self.script(argv[1], env, depth, where)
        elif name == "su" and "-c" in argv[:-1]:
            self.text(argv[argv.index("-c") + 1], child, fed, depth + 1, where)
        elif name in SHELLS or name in ("at", "batch"):
            command, script, reads_stdin = (
                shell_parts(argv) if name in SHELLS else (None, None, True)
            )
            if name in ("at", "batch") and "-f" in argv[:-1]:
                script, reads_stdin = argv[argv.index("-f") + 1], False
            if command is not None:
                self.text(command, child, fed, depth + 1, where)
            elif script is not None:
                self.script(script, dict(child), depth, where, argv[argv.index(script) + 1 :])
            elif reads_stdin and fed is not None:
                self.standard_input(fed, child, depth, where, name)
        elif name == "dfosCron":
            self.dfos_cron(argv, where)
        elif interpreter_of(name):
            inline, script = code_of(argv)
            language = interpreter_of(name) or name
            if inline is not None:
                self.result.opaque.append((f"{where}{name} {CODE_OPTIONS[language]}", inline))
            elif script is not None:
                arguments = argv[argv.index(script) + 1 :]
                self.script(script, dict(child), depth, where, arguments, language)
        else:
            self.script(argv[0], dict(child), depth, where, argv[1:])

    def standard_input(
        self, fed: Input, env: dict[str, str], depth: int, where: str, reader: str
    ) -> None:
        kind, value = fed
        if kind == "text" and isinstance(value, str):
            self.text(value, env, None, depth + 1, where)
        elif kind == "file" and isinstance(value, str):
            self.script(value, env, depth, where)
        elif isinstance(value, list) and value:
            writer = posixpath.basename(value[0])
            if writer == "echo":
                line = " ".join(w for w in value[1:] if w not in ("-n", "-e", "-E"))
                self.text(line.replace("\\n", "\n"), env, None, depth + 1, where)
            elif writer == "printf" and len(value) > 1:
                line = "\n".join([value[1].replace("\\n", "\n"), *value[2:]])
                self.text(line, env, None, depth + 1, where)
            elif writer == "cat" and len(value) == 2:
                self.script(value[1], env, depth, where)
            else:
                self.undecided(where, f"{reader} runs what {' '.join(value)!r} prints")

    def script(
        self,
        word: str,
        env: dict[str, str],
        depth: int,
        where: str,
        arguments: list[str] | None = None,
        language: str | None = None,
    ) -> None:
        """Look into a script the caller has read; run with ``arguments``, it sees them as
        ``$1``… and ``"$@"``, sourced (None) it shares the caller's. A script in another
        language (by ``language`` or its ``#!`` line) is kept as opaque code."""
        path = expand_home(word, self.home)
        if "/" in path and not path.startswith("/") and env.get("PWD"):  # ./bin/x after cd
            path = posixpath.normpath(posixpath.join(env["PWD"], path))
        self.result.wanted.append(path)
        if path not in self.scripts or posixpath.basename(path) in self.skip:
            return
        language = language or shebang_interpreter(self.scripts[path])
        if language and language.rstrip("0123456789.") not in SHELLS:
            self.result.opaque.append((f"{where}{path}, a {language} script", self.scripts[path]))
            return
        if arguments is not None:
            env = {k: v for k, v in env.items() if not k.isdigit()}
            env.update({str(n): a for n, a in enumerate(arguments[:9], start=1)})
            env.update({str(n): "" for n in range(len(arguments) + 1, 10)})
            env[POSITIONAL] = "\x1f".join(arguments)
        self.text(self.scripts[path], env, None, depth + 1, f"{path}: ")

    def dfos_cron(self, argv: list[str], where: str) -> None:
        at = next((i for i, w in enumerate(argv[1:], start=1) if w.startswith("-t=")), 0)
        if at:
            word = argv[at]
            self.undecided(
                where,
                f"dfosCron {word}: getopts hands dfosCron {word[2:]!r} as the tool; whether"
                f" it runs {word[3:]} depends on how this dfosCron reads its options",
            )
            return
        found = dfos_cron_tool(argv)
        if found is None:
            return
        value, rest, before = found
        if unresolved(value):
            self.undecided(where, f"dfosCron -t {value}: the tool is not set on the line")
            return
        self.result.calls.append([*(words(value) or [value]), *rest, *before])


def dfos_cron_tool(argv: list[str]) -> tuple[str, list[str], list[str]] | None:
    """The ``-t`` value of a ``dfosCron`` call (``-t tool`` or, as getopts reads it,
    ``-ttool``), the words after it and dfosCron's options before it; None without ``-t``."""
    for at, word in enumerate(argv[1:], start=1):
        if word == "-t" and at + 1 < len(argv):
            return argv[at + 1], argv[at + 2 :], argv[1:at]
        if word.startswith("-t") and len(word) > 2 and not word.startswith("-t="):
            return word[2:], argv[at + 1 :], argv[1:at]
    return None


def analyse(
    command: str,
    scripts: Mapping[str, str] | None = None,
    home: str = "",
    skip_scripts: frozenset[str] = frozenset(),
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    links: Mapping[str, str] | None = None,
) -> CommandCalls:
    """What ``command`` runs, with ``env`` (the crontab's settings for it) and ``stdin`` (the
    text after cron's ``%``): the calls, including those inside ``sh -c`` strings, the tool of
    ``dfosCron -t`` (as ``[tool, *its options, *dfosCron's other options]``) and the scripts
    given (path -> text; a path is matched after ``$HOME`` expansion) whose name is not in
    ``skip_scripts``, a program in ``links`` (path or word -> DFOS tool) as that tool; and
    what could not be decided."""
    walk = _Walk(scripts or {}, home, skip_scripts, links or {})
    start = {"HOME": home, "PWD": home} if home else {}  # cron starts a job in its home
    start.update(env or {})
    walk.text(command, start, ("text", stdin) if stdin is not None else None, 0, "")
    return walk.result


def invocations(
    command: str,
    scripts: Mapping[str, str] | None = None,
    home: str = "",
    skip_scripts: frozenset[str] = frozenset(),
) -> list[list[str]]:
    """The calls of :func:`analyse` alone."""
    return analyse(command, scripts, home, skip_scripts).calls


def runs_tool(calls: list[list[str]], tool: str) -> list[list[str]]:
    """The invocations whose program is ``tool`` (by name, wherever it lies)."""
    return [argv for argv in calls if posixpath.basename(argv[0]) == tool]
