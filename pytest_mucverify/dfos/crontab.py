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

Where it lives: :mod:`.cronrecords` the data (:class:`CronEntry`, :class:`CronEnv`,
:class:`CronError`, :class:`Crontab`), :mod:`.cronfields` the time fields and macros,
:mod:`.cronentries` an entry line (schedule, command, ``%``), this module the file (lines,
comments, environment lines, :func:`parse_crontab`, :func:`lint`), :mod:`.cronschedule` the
run times (everything that uses croniter), :mod:`.cronjobs` what a job gets (environment,
program). Every public name is importable from here.
"""

from __future__ import annotations

import contextlib

from .cronentries import BLANKS, parse_entry
from .cronfields import MACROS, Reject
from .cronjobs import DEFAULT_PATH, environment_for, program_of
from .cronjobs import DEFAULT_SHELL as DEFAULT_SHELL
from .cronrecords import CronEntry, CronEnv, CronError, Crontab
from .cronschedule import (
    SPAN,
    croniter_arguments,
    fire_days,
    fire_times,
    same_schedule,
    schedule_difference,
)

__all__ = [
    "DEFAULT_PATH",
    "MACROS",
    "SPAN",
    "CronEntry",
    "CronEnv",
    "CronError",
    "Crontab",
    "croniter_arguments",
    "environment_for",
    "fire_days",
    "fire_times",
    "lint",
    "load_env",
    "parse_crontab",
    "program_of",
    "same_schedule",
    "schedule_difference",
]

_C_SPACE = frozenset(" \t\n\v\f\r")  # C isspace() in the "C" locale


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
        body = line.lstrip(BLANKS)
        if number == 1 and body.startswith("\ufeff"):
            errors.append(CronError(number, line, "byte-order mark at the start: cron reads it"))
            continue
        if "\x00" in line:
            errors.append(CronError(number, line, "NUL character in the line"))
            continue
        if body == "":
            continue
        if body.startswith("#"):
            rest = body.lstrip("#").lstrip(BLANKS)
            if rest and load_env(rest) is None:
                with contextlib.suppress(Exception):
                    commented.append(parse_entry(rest, number, line, active=False))
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
            entries.append(parse_entry(body, number, line, active=True))
        except Reject as exc:
            errors.append(CronError(number, line, str(exc)))
        except Exception as exc:  # a parser bug must not take the caller down
            errors.append(CronError(number, line, f"cannot be parsed: {exc!r}"))
    return Crontab(tuple(entries), tuple(environment), tuple(errors), tuple(commented))


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
