"""A DFOS tool's options as the tool's ``getopts`` reads them (POSIX ``getopts``, as the
DFOS tools parse their command line): words from the first argument on that begin with ``-``
are option clusters until ``--`` or the first word that is not one; in a cluster every letter
is a flag (``-DD`` is ``-D`` twice, ``-DF`` is ``-D`` and ``-F``) until a letter that takes a
value, which takes the rest of the cluster (``-r.dfosrc_muc``, ``-Dr.dfosrc_muc``) or, when
nothing is left, the next word (``-Dr .dfosrc_muc``). Of the DFOS tools' letters ``-r`` (the
rc file) and ``-t`` (dfosCron's tool) take a value; all others are flags. Pure."""

from __future__ import annotations

__all__ = ["TAKES_VALUE", "getopts", "has_flag", "options_besides_rc", "tool_options"]

TAKES_VALUE = frozenset("rt")


def getopts(
    argv: list[str], takes_value: frozenset[str] = TAKES_VALUE
) -> tuple[list[tuple[str, str | None]], list[str]]:
    """``argv``'s options in order, as ``(letter, value or None)``, and the words getopts leaves
    (from the first that is not an option on; ``--`` itself is dropped). A letter that takes a
    value but is the last word gets ``None``."""
    options: list[tuple[str, str | None]] = []
    i = 1
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return options, argv[i + 1 :]
        if not word.startswith("-") or word == "-":
            break
        at = 1
        while at < len(word):
            letter = word[at]
            if letter in takes_value:
                if at + 1 < len(word):
                    options.append((letter, word[at + 1 :]))
                else:
                    i += 1
                    options.append((letter, argv[i] if i < len(argv) else None))
                break
            options.append((letter, None))
            at += 1
        i += 1
    return options, argv[i:]


def tool_options(argv: list[str], option: str) -> str | None:
    """The value of ``option`` (``-r``: ``-r X``, ``-rX``, ``-Dr X``) as getopts reads it, the
    last one when given twice (a ``getopts`` loop keeps the last assignment); None when absent."""
    letter = option.lstrip("-")
    found = [value for name, value in getopts(argv)[0] if name == letter]
    return found[-1] if found else None


def has_flag(argv: list[str], letter: str) -> bool:
    """Whether getopts sees the flag ``-letter`` anywhere in the options (``-D``, ``-DD``, ``-Dr``)."""
    return any(name == letter for name, _ in getopts(argv)[0])


def options_besides_rc(argv: list[str]) -> tuple[str, ...]:
    """A tool's options without ``-r <rc>``, one ``-X`` per flag (a flag given twice counts once)
    and the words after the options: what must be the same on both blades."""
    options, rest = getopts(argv)
    flags = {
        f"-{name}" if value is None else f"-{name}{value}" for name, value in options if name != "r"
    }
    return (*sorted(flags), *rest)
