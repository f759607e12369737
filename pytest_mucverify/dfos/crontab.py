"""Crontab text as the blades' cron (Vixie cron / cronie) reads it: entries, environment, errors.

Pure: it takes the text that ``crontab -l`` prints (``str``, or ``bytes`` straight from a file) and
returns data. :func:`parse_crontab` never raises; every line cron would refuse becomes a
:class:`CronError` with its line number and a reason. The rules follow cronie's own parser
(``src/entry.c`` ``load_entry``/``get_list``/``get_range``/``get_number``, ``src/env.c``
``load_env``, ``src/misc.c`` ``skip_comments``, ``src/do_command.c`` for ``%``, the flags test in
``src/cron.c`` ``find_jobs``); DOMAIN.md §5 names the dialect.

Lines (split on ``\\n`` only, numbered from 1; a final ``\\n`` ends the last line):

- *blank*: only spaces and tabs. *comment*: ``#`` as the first character after spaces/tabs.
  Cron's blanks are space and tab only: a line holding just ``\\r`` (DOS line endings) is not
  blank to cron, it is a broken entry and reported so.
- *environment*, tried before an entry exactly like cronie's ``load_env``: ``NAME=value``, blanks
  allowed around ``=``; the name or the value may be in matching single or double quotes (a
  quoted value keeps its blanks, nothing may follow the closing quote but blanks); an unquoted
  value runs to the end of the line with trailing whitespace cut. So ``FOO = "bar baz"`` is an
  environment line and ``* * * * * a=b`` is not. ``NAME=`` sets an empty value (newer cronie;
  the older ``env.c`` did not take it as a setting at all). Values are literal: cron expands
  no ``$VAR``.
- *entry*: a macro or five time fields, then blanks, then the command (the rest of the line).

Macros, lower case only as cronie compares them with ``strcmp``: ``@reboot`` (no time sets,
``reboot=True``), ``@yearly``/``@annually`` = ``0 0 1 1 *``, ``@monthly`` = ``0 0 1 * *``,
``@weekly`` = ``0 0 * * 0``, ``@daily``/``@midnight`` = ``0 0 * * *``, ``@hourly`` =
``0 * * * *``; an entry carries the expanded sets of its equivalent.

Time fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or ``jan``..``dec``, day of
week 0-7 or ``sun``..``sat`` (7 and 0 are both Sunday; the sets hold 0 for it). A field is a list
``a,b,c`` of elements; an element is ``*``, ``*/n``, a value ``a``, a range ``a-b`` or a stepped
range ``a-b/n``. Names are exactly three letters, any case. A field that begins with ``*`` (also
``*/2``, ``*,5``) sets cron's star flag for its day field: when the day-of-month or the
day-of-week field begins with ``*`` cron runs on days matching *both*, otherwise on days matching
*either* (``30 4 1,15 * 5`` runs on the 1st, the 15th and every Friday; ``0 0 */2 * 1`` only on
Mondays with an odd date). :attr:`CronEntry.dom_star`/:attr:`CronEntry.dow_star` keep the flags.

Command: the rest of the line after the fifth field (or the macro) and its blanks, trailing
blanks kept. An unescaped ``%`` ends the command; the text after it becomes standard input with
each further ``%`` turned into a newline and a final newline added (``do_command.c``). ``\\%``
is a literal ``%`` (the backslash is dropped); any other backslash stays.

Rejected, one :class:`CronError` per line, as cronie rejects them: a value out of its field's
range (minute 61, hour 24, day 0 or 32, month 13, weekday 8), a range end out of range, a step
on a single value (``5/15``), a zero step, a reversed range (``5-1``; also ``mon-sun`` since
``sun`` is 0), an empty list element, full names (``January``, ``Monday``), other dialects'
syntax (``L``, ``W``, ``#``, ``?``, ``H``, ``R``, ``~``), unknown or upper-case macros
(``@every``, ``@weekdays``, ``@DAILY``), a time line or macro without a command, a command
starting with ``*``, the ``-`` (do not log) prefix (root's crontab only) and garbage.

Stricter than cronie's own code, on purpose (each is a mistake, never a schedule):

- a range mixing a name and a number (``mon-5``): cronie's code takes it (its man page says
  names may not appear in ranges at all; names-only ranges and lists such as ``mon-fri`` and
  ``jan,jul`` are common and accepted here).
- junk right after ``*`` (``*x``, ``*-5``): cronie silently ignores it.
- six time fields: when the first six words all look like time fields (numbers, ``*``, ranges,
  steps, lists, three-letter names, the marks above) and the sixth looks like a numeric time
  field or a day/month name, the line is "six time fields (seconds?)", a seconds (or Quartz)
  field that cron would run as the command.
- a command ending in a carriage return (DOS line endings): cron hands the ``\\r`` to the shell.
- a NUL character, a byte-order mark, and (for ``bytes`` input) a line that is not UTF-8.

:func:`lint` also reports a missing newline at the end of the file (``crontab`` refuses to install
it); :func:`parse_crontab` does not, as callers often strip command output.

Comment lines whose text after the ``#`` (any number of them) and blanks parses as a valid entry
are returned in :attr:`Crontab.commented_entries` with ``active=False``: the migration plan
comments out the old blade's autoDaily line instead of deleting it. Comments never produce
errors. Cron itself skips a bad line and keeps the rest (``crontab`` refuses to install a file
with any error), so :attr:`Crontab.entries` holds every good line whatever else is wrong.

Differences from croniter (croniter 7.0.0, each checked by running it):

- croniter accepts other dialects that cron rejects: ``L``, ``15W``, ``1#2``, ``?``, ``R``
  (random), a sixth field (seconds, at the end: ``0 0 * * * 30``) and a seventh (year).
- croniter accepts a step on a single value, ``5/15`` (as ``5-59/15``); a reversed range ``5-1``
  (as a wrap-around); ``mon-sun``; ``@DAILY`` (macros in any case). Cronie rejects all of these.
- croniter rejects ``@reboot`` (no time), and ``1-234/5678`` (which the older cronie code let
  through and cronie 1.5.5 rejects; rejected here as a range end out of range).
- croniter reads ``7-7`` in the day-of-week field as every day; cron as Sunday.
- croniter ORs the two day fields whenever neither *expands* to ``*``: ``0 0 */2 * 1`` runs on
  every odd date and every Monday in croniter, on odd-dated Mondays in cron (croniter's
  ``implement_cron_bug=True`` gives cron's behaviour).
- croniter raises ``CroniterBadDateError`` for a schedule that never fires (``0 0 31 2 *``);
  cron accepts it and never runs it.

So croniter never sees crontab text here: :func:`fire_times` gives it an expression built from
the parsed sets (plain numbers only, ``*`` for full fields, weekday 7 folded to 0) and chooses
its ``day_or`` from cron's star flags.
"""

from __future__ import annotations

import contextlib
import math
import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import CroniterBadDateError, croniter

__all__ = [
    "DEFAULT_PATH",
    "MACROS",
    "CronEntry",
    "CronEnv",
    "CronError",
    "Crontab",
    "croniter_arguments",
    "environment_for",
    "fire_times",
    "lint",
    "load_env",
    "parse_crontab",
    "program_of",
    "same_schedule",
]

MACROS: dict[str, str | None] = {
    "reboot": None,
    "yearly": "0 0 1 1 *",
    "annually": "0 0 1 1 *",
    "monthly": "0 0 1 * *",
    "weekly": "0 0 * * 0",
    "daily": "0 0 * * *",
    "midnight": "0 0 * * *",
    "hourly": "0 * * * *",
}
"""Cron's macros and the five fields each one stands for (``None``: ``@reboot``, no time)."""

DEFAULT_SHELL = "/bin/sh"
DEFAULT_PATH = "/usr/bin:/bin"
"""cronie's ``_PATH_DEFPATH``: the PATH a job gets unless the crontab sets one."""

_BLANKS = " \t"
_C_SPACE = frozenset(" \t\n\v\f\r")  # C isspace() in the "C" locale

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True)
class _Field:
    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTH_NAMES),
    _Field("day-of-week", 0, 7, _DOW_NAMES),
)


@dataclass(frozen=True)
class CronEnv:
    """An environment line: cron sets ``name=value`` for the entries below it."""

    line: int
    name: str
    value: str


@dataclass(frozen=True)
class CronError:
    """A line cron would refuse: ``text`` is the line as written."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class CronEntry:
    """A cron entry. ``schedule`` is the time part as written (or the macro); ``command`` is
    what the shell runs (before the first unescaped ``%``, ``\\%`` made ``%``); ``stdin`` what
    cron feeds it (``None`` without ``%``). Sets hold the values the fields allow, weekday
    Sunday as 0; ``@reboot`` has ``reboot=True`` and empty sets. ``dom_star``/``dow_star``:
    the field began with ``*`` (cron then requires both day fields to match)."""

    line: int
    schedule: str
    command: str
    stdin: str | None
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    active: bool = True
    reboot: bool = False
    dom_star: bool = True
    dow_star: bool = True
    text: str = ""

    def runs_at(self, when: datetime) -> bool:
        """Whether cron starts this entry in the minute of ``when`` (cron's day rule)."""
        if self.reboot:
            return False
        if (
            when.minute not in self.minutes
            or when.hour not in self.hours
            or when.month not in self.months
        ):
            return False
        dom = when.day in self.days
        dow = when.isoweekday() % 7 in self.weekdays
        if self.dom_star or self.dow_star:
            return dom and dow
        return dom or dow


@dataclass(frozen=True)
class Crontab:
    entries: tuple[CronEntry, ...]
    environment: tuple[CronEnv, ...]
    errors: tuple[CronError, ...]
    commented_entries: tuple[CronEntry, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def env(self, line: int) -> dict[str, str]:
        """The crontab's own settings that an entry on ``line`` sees: the environment lines
        above it, top-down, a later one replacing an earlier one of the same name."""
        found: dict[str, str] = {}
        for setting in self.environment:
            if setting.line < line:
                found[setting.name] = setting.value
        return found


class _Reject(Exception):
    """Internal: a field or line cron would refuse (never leaves this module)."""


def _show(text: str) -> str:
    return f"'{text}'" if text.isprintable() else repr(text)


def load_env(body: str) -> tuple[str, str] | None:
    """cronie's ``load_env`` on one line (leading blanks already skipped): ``(name, value)`` when
    cron takes the line as an environment setting, else ``None``."""
    namei, name_s, eq1, eq2, valuei, value_s, fini, error = range(8)
    state = namei
    quote = ""
    name: list[str] = []
    value: list[str] = []
    target = name
    i, n = 0, len(body)
    while state != error and i < n:
        c = body[i]
        if state in (namei, valuei):
            if c in "'\"":
                quote = c
                i += 1
            state += 1
            if i >= n:
                break
            c = body[i]
        if state in (name_s, value_s):
            if quote:
                if c == quote:
                    state += 1
                    i += 1
                    continue
                if state == name_s and c == "=":
                    state = error
                    continue
            elif state == name_s:
                if c in _C_SPACE:
                    i += 1
                    state += 1
                    continue
                if c == "=":
                    state += 1
                    continue
            target.append(c)
            i += 1
        elif state == eq1:
            if c == "=":
                state = eq2
                target = value
                quote = ""
            elif c not in _C_SPACE:
                state = error
            i += 1
        else:  # eq2, fini
            if c in _C_SPACE:
                i += 1
            else:
                state += 1
    if not (state in (fini, eq2) or (state == value_s and not quote)):
        return None
    text = "".join(value)
    if state == value_s:
        while text and text[-1] in _C_SPACE:
            text = text[:-1]
    return "".join(name), text


_HUGE = 10**9


def _integer(digits: str) -> int:
    """``atoi`` for a run of digits, without Python's limit on very long ones."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) < 10 else _HUGE


def _number(text: str, spec: _Field, token: str) -> tuple[int, bool]:
    """A value of a field: ``(value, was_a_name)``."""
    if re.fullmatch(r"[0-9]+", text):
        value = _integer(text)
        if not spec.low <= value <= spec.high:
            shown = str(value) if value < _HUGE else text[:12] + "..."
            raise _Reject(f"{shown} is out of range {spec.low}-{spec.high}")
        return value, False
    if spec.names and re.fullmatch(r"[A-Za-z]+", text):
        lowered = text.lower()
        if lowered in spec.names:
            return spec.names.index(lowered) + spec.low, True
        if len(lowered) > 3 and lowered[:3] in spec.names:
            raise _Reject(
                f"{_show(text)}: cron takes only three-letter names ({_show(lowered[:3])})"
            )
        raise _Reject(f"unknown name {_show(text)}")
    raise _Reject(_dialect(token, spec) or f"{_show(text)} is not a number")


_MARKS = (
    ("?", "'?' is Quartz/croniter syntax, not cron's (use '*')"),
    ("#", "'#' (nth weekday of the month) is not cron's"),
    ("~", "'~' (random in a range) is not the blades' cron's"),
    ("l", "'L' (last) is not cron's"),
    ("w", "'W' (nearest weekday) is not cron's"),
    ("h", "'H' (hashed) is not cron's"),
    ("r", "'R' (random) is not cron's"),
)


def _dialect(token: str, spec: _Field) -> str | None:
    """The reason when a token looks like another cron dialect's syntax, else ``None``."""
    rest = token.lower()
    for name in spec.names:
        rest = rest.replace(name, "")
    if not re.fullmatch(r"[0-9*/,?#~lwhr-]+", rest):
        return None
    for mark, reason in _MARKS:
        if mark in rest:
            return reason
    return None


def _step(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text):
        raise _Reject(f"step {_show(text)} is not a number")
    step = _integer(text)
    if step == 0:
        raise _Reject("zero step")
    return step


def _parse_field(token: str, spec: _Field) -> frozenset[int]:
    """The set of values a field allows; raises :class:`_Reject` with a reason."""
    try:
        values: set[int] = set()
        for element in token.split(","):
            if element == "":
                raise _Reject("empty list element")
            if element.startswith("*"):
                rest = element[1:]
                if rest and not rest.startswith("/"):
                    raise _Reject(_dialect(token, spec) or f"{_show(rest)} after '*'")
                step = _step(rest[1:]) if rest else 1
                values.update(range(spec.low, spec.high + 1, step))
                continue
            span, slash, step_text = element.partition("/")
            ends = span.split("-")
            if len(ends) > 2 or "" in ends:
                raise _Reject(_dialect(token, spec) or f"bad range {_show(span)}")
            first, first_named = _number(ends[0], spec, token)
            if len(ends) == 1:
                if slash:
                    raise _Reject(
                        f"a step needs a range or '*': {_show(element)}"
                        f" (write '{ends[0]}-{spec.high}/{step_text}')"
                    )
                values.add(first)
                continue
            last, last_named = _number(ends[1], spec, token)
            if first_named != last_named:
                raise _Reject(f"range {_show(span)} mixes a name and a number")
            if first > last:
                hint = " (sun is 0: write 1-7)" if ends[1].lower() == "sun" else ""
                raise _Reject(f"reversed range {_show(span)}{hint}")
            step = _step(step_text) if slash else 1
            values.update(range(first, last + 1, step))
    except _Reject as exc:
        raise _Reject(f"bad {spec.label}: {exc}") from None
    if spec.label == "day-of-week" and 7 in values:
        values.discard(7)
        values.add(0)
    return frozenset(values)


_NAME_TOKEN = "|".join(_MONTH_NAMES + _DOW_NAMES)
_TIME_LIKE = re.compile(r"[0-9A-Za-z*?/,#~-]+")
_SIXTH_LIKE = re.compile(
    rf"(?:[0-9*?][0-9*?/,#~LW-]*|(?:{_NAME_TOKEN})(?:[-,/](?:{_NAME_TOKEN}|[0-9]+))*)",
    re.IGNORECASE,
)
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


def _sets(expression: str) -> tuple[frozenset[int], ...]:
    return tuple(_parse_field(t, f) for t, f in zip(expression.split(), _FIELDS, strict=True))


def _entry(body: str, line: int, text: str, active: bool) -> CronEntry:
    """One entry from a line (leading blanks skipped); raises :class:`_Reject`."""
    if body.startswith("-"):
        raise _Reject("'-' (do not log) is allowed only in root's and the system crontab")
    if body.startswith("@"):
        word = _WORD.match(body)
        macro = word.group(0) if word else "@"
        rest = body[len(macro) :].lstrip(_BLANKS)
        if macro[1:] not in MACROS:
            hint = " (macros are lower case)" if macro[1:].lower() in MACROS else ""
            known = " ".join("@" + m for m in MACROS)
            raise _Reject(
                f"bad time specifier: unknown macro {_show(macro)}{hint}; cron has {known}"
            )
        if not rest:
            raise _Reject(f"bad command: {macro} without a command")
        equivalent = MACROS[macro[1:]]
        schedule = macro
        reboot = equivalent is None
        if equivalent is None:
            empty: frozenset[int] = frozenset()
            sets: tuple[frozenset[int], ...] = (empty,) * 5
            dom_star = dow_star = True
        else:
            sets = _sets(equivalent)
            fields = equivalent.split()
            dom_star, dow_star = fields[2].startswith("*"), fields[4].startswith("*")
    else:
        words = list(_WORD.finditer(body))
        tokens = [w.group(0) for w in words]
        if (
            len(tokens) >= 6
            and all(_TIME_LIKE.fullmatch(t) for t in tokens[:5])
            and _SIXTH_LIKE.fullmatch(tokens[5])
        ):
            raise _Reject("six time fields (seconds?) are not cron's: cron has five")
        sets = tuple(_parse_field(t, f) for t, f in zip(tokens[:5], _FIELDS, strict=False))
        if len(tokens) < 5:
            raise _Reject(
                f"bad command: {len(tokens)} of the five time fields and no command"
                if tokens
                else "bad command: no command"
            )
        if len(tokens) == 5:
            raise _Reject("bad command: a time line without a command")
        schedule = body[: words[4].end()]
        rest = body[words[5].start() :]
        if rest.startswith("*"):
            raise _Reject("bad command: the command starts with '*' (a sixth time field?)")
        reboot = False
        dom_star, dow_star = tokens[2].startswith("*"), tokens[4].startswith("*")
    if rest.endswith("\r"):
        raise _Reject("the command ends with a carriage return (DOS line endings)")
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


def _decode_lines(text: str | bytes) -> list[tuple[str, str | None]]:
    """Lines as ``(text, decoding problem or None)``."""
    if isinstance(text, str):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [(line, None) for line in lines]
    chunks = text.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()
    decoded: list[tuple[str, str | None]] = []
    for chunk in chunks:
        try:
            decoded.append((chunk.decode("utf-8"), None))
        except UnicodeDecodeError as exc:
            decoded.append(
                (chunk.decode("utf-8", "replace"), f"not UTF-8 text (byte {exc.start + 1})")
            )
    return decoded


def parse_crontab(text: str | bytes) -> Crontab:
    """Parse crontab text (``crontab -l`` output, or a file's bytes). Never raises."""
    entries: list[CronEntry] = []
    environment: list[CronEnv] = []
    errors: list[CronError] = []
    commented: list[CronEntry] = []
    try:
        lines = _decode_lines(text)
    except Exception as exc:  # a caller passing something that is not text
        return Crontab((), (), (CronError(0, "", f"not crontab text: {exc!r}"),), ())
    for number, (line, problem) in enumerate(lines, 1):
        if problem is not None:
            errors.append(CronError(number, line, problem))
            continue
        body = line.lstrip(_BLANKS)
        if number == 1 and body.startswith("\ufeff"):
            errors.append(CronError(number, line, "byte-order mark at the start: cron reads it"))
            continue
        if "\x00" in line:
            errors.append(CronError(number, line, "NUL character in the line"))
            continue
        if body == "":
            continue
        if body.startswith("#"):
            rest = body.lstrip("#").lstrip(_BLANKS)
            if rest and load_env(rest) is None:
                with contextlib.suppress(Exception):
                    commented.append(_entry(rest, number, line, active=False))
            continue
        setting = load_env(body)
        if setting is not None:
            environment.append(CronEnv(number, setting[0], setting[1]))
            continue
        if body.strip("".join(_C_SPACE)) == "":
            errors.append(
                CronError(number, line, "a line of carriage return/form feed (DOS line endings?)")
            )
            continue
        try:
            entries.append(_entry(body, number, line, active=True))
        except _Reject as exc:
            errors.append(CronError(number, line, str(exc)))
        except Exception as exc:  # a parser bug must not take the caller down
            errors.append(CronError(number, line, f"cannot be parsed: {exc!r}"))
    return Crontab(tuple(entries), tuple(environment), tuple(errors), tuple(commented))


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


def _field_expression(values: frozenset[int], low: int, high: int) -> str:
    if values == frozenset(range(low, high + 1)):
        return "*"
    return ",".join(str(v) for v in sorted(values))


def croniter_arguments(entry: CronEntry) -> tuple[str, bool]:
    """The normalised expression and ``day_or`` that make croniter follow cron for ``entry``."""
    minutes = _field_expression(entry.minutes, 0, 59)
    hours = _field_expression(entry.hours, 0, 23)
    months = _field_expression(entry.months, 1, 12)
    days = _field_expression(entry.days, 1, 31)
    weekdays = _field_expression(frozenset(d % 7 for d in entry.weekdays), 0, 6)
    if entry.dom_star or entry.dow_star:
        day_or = False  # cron: both day fields must match
    else:
        day_or = True  # cron: either day field matches; a full field makes every day match
        if days == "*" or weekdays == "*":
            days = weekdays = "*"
    return f"{minutes} {hours} {days} {months} {weekdays}", day_or


def fire_times(entry: CronEntry, start: datetime, end: datetime) -> list[datetime]:
    """The times in ``[start, end)`` at which cron starts ``entry`` (croniter on the parsed
    sets). Naive datetimes are the blade's wall clock; ``@reboot`` and never-firing schedules
    give ``[]``. Cost grows with the number of runs (an every-minute entry over a week is 10080)."""
    if entry.reboot or end <= start:
        return []
    if not all((entry.minutes, entry.hours, entry.days, entry.months, entry.weekdays)):
        return []
    expression, day_or = croniter_arguments(entry)
    years = max(1, math.ceil((end - start).days / 365) + 1)
    iterator = croniter(
        expression,
        start - timedelta(minutes=1),
        day_or=day_or,
        max_years_between_matches=years,
    )
    times: list[datetime] = []
    while True:
        try:
            when = iterator.get_next(datetime)
        except CroniterBadDateError:
            break
        if when >= end:
            break
        if when >= start:
            times.append(when)
    return times


def same_schedule(a: CronEntry, b: CronEntry, start: datetime, days: int = 7) -> bool:
    """Whether ``a`` and ``b`` run at the same times over ``days`` days from ``start`` (a week by
    default: a monthly schedule needs a longer window). Two ``@reboot`` entries agree; an
    ``@reboot`` never agrees with a timed entry."""
    if a.reboot or b.reboot:
        return a.reboot and b.reboot
    end = start + timedelta(days=days)
    return fire_times(a, start, end) == fire_times(b, start, end)


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


def lint(text: str | bytes, source: str) -> list[str]:
    """``SOURCE:LINE: reason`` for each line cron would refuse, and for a missing final newline
    (``crontab`` refuses to install such a file)."""
    crontab = parse_crontab(text)
    found = [(e.line, f"{source}:{e.line}: {e.reason}") for e in crontab.errors]
    if isinstance(text, bytes):
        unterminated, last = bool(text) and not text.endswith(b"\n"), text.count(b"\n") + 1
    else:
        unterminated, last = bool(text) and not text.endswith("\n"), text.count("\n") + 1
    if unterminated:
        found.append(
            (last, f"{source}:{last}: no newline at the end of the file: crontab refuses it")
        )
    return [message for _, message in sorted(found, key=lambda item: item[0])]
