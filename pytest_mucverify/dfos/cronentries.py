"""One crontab entry line: the macro or the five time fields, then the command and what cron
feeds it after an unescaped ``%`` (rules: :mod:`.crontab`; cronie ``src/entry.c``
``load_entry``, ``src/do_command.c``)."""

from __future__ import annotations

import re

from .cronfields import FIELDS, MACROS, SIXTH_LIKE, TIME_LIKE, Reject, field_sets, parse_field, show
from .cronrecords import CronEntry

__all__ = ["BLANKS", "parse_entry"]

BLANKS = " \t"
_WORD = re.compile(r"[^ \t]+")


def _split_percent(rest: str) -> tuple[str, str | None]:
    """``do_command.c``: the command, and what cron writes to its standard input."""
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(rest):
        if escaped:
            escaped = False
            if ch == "%":
                out[-1] = "%"
                continue
            out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            out.append(ch)
            continue
        if ch == "%":
            return "".join(out), _stdin(rest[i + 1 :])
        out.append(ch)
    return "".join(out), None


def _stdin(data: str) -> str:
    out: list[str] = []
    escaped = False
    need_newline = False
    for raw in data:
        ch = raw
        if escaped:
            if ch != "%":
                out.append("\\")
        elif ch == "%":
            ch = "\n"
        escaped = ch == "\\"
        if not escaped:
            out.append(ch)
            need_newline = ch != "\n"
    if escaped:
        out.append("\\")
    if need_newline:
        out.append("\n")
    return "".join(out)


def parse_entry(body: str, line: int, text: str, active: bool) -> CronEntry:
    """One entry from a line (leading blanks skipped); raises :class:`Reject`."""
    if body.startswith("-"):
        raise Reject("'-' (do not log) is allowed only in root's and the system crontab")
    if body.startswith("@"):
        word = _WORD.match(body)
        macro = word.group(0) if word else "@"
        rest = body[len(macro) :].lstrip(BLANKS)
        if macro[1:] not in MACROS:
            hint = " (macros are lower case)" if macro[1:].lower() in MACROS else ""
            known = " ".join("@" + m for m in MACROS)
            raise Reject(f"bad time specifier: unknown macro {show(macro)}{hint}; cron has {known}")
        if not rest:
            raise Reject(f"bad command: {macro} without a command")
        equivalent = MACROS[macro[1:]]
        schedule = macro
        reboot = equivalent is None
        if equivalent is None:
            empty: frozenset[int] = frozenset()
            sets: tuple[frozenset[int], ...] = (empty,) * 5
            dom_star = dow_star = True
        else:
            sets = field_sets(equivalent)
            fields = equivalent.split()
            dom_star, dow_star = fields[2].startswith("*"), fields[4].startswith("*")
    else:
        words = list(_WORD.finditer(body))
        tokens = [w.group(0) for w in words]
        if (
            len(tokens) >= 6
            and all(TIME_LIKE.fullmatch(t) for t in tokens[:5])
            and SIXTH_LIKE.fullmatch(tokens[5])
        ):
            raise Reject("six time fields (seconds?) are not cron's: cron has five")
        sets = tuple(parse_field(t, f) for t, f in zip(tokens[:5], FIELDS, strict=False))
        if len(tokens) < 5:
            raise Reject(
                f"bad command: {len(tokens)} of the five time fields and no command"
                if tokens
                else "bad command: no command"
            )
        if len(tokens) == 5:
            raise Reject("bad command: a time line without a command")
        schedule = body[: words[4].end()]
        rest = body[words[5].start() :]
        if rest.startswith("*"):
            raise Reject("bad command: the command starts with '*' (a sixth time field?)")
        reboot = False
        dom_star, dow_star = tokens[2].startswith("*"), tokens[4].startswith("*")
    if rest.endswith("\r"):
        raise Reject("the command ends with a carriage return (DOS line endings)")
    command, stdin = _split_percent(rest)
    minutes, hours, days, months, weekdays = sets
    return CronEntry(
        line=line,
        schedule=schedule,
        command=command,
        stdin=stdin,
        minutes=minutes,
        hours=hours,
        days=days,
        months=months,
        weekdays=weekdays,
        active=active,
        reboot=reboot,
        dom_star=dom_star,
        dow_star=dow_star,
        text=text,
    )
