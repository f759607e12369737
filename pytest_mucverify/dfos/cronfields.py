"""Cron's time fields and macros: the values a field allows, and why cron refuses one
(rules: :mod:`.crontab`; cronie ``src/entry.c`` ``get_list``/``get_range``/``get_number``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "FIELDS",
    "MACROS",
    "SIXTH_LIKE",
    "TIME_LIKE",
    "Reject",
    "field_sets",
    "parse_field",
    "show",
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

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True)
class _Field:
    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()


FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTH_NAMES),
    _Field("day-of-week", 0, 7, _DOW_NAMES),
)


class Reject(Exception):
    """Internal: a field or line cron would refuse. It never leaves the parser:
    :func:`.crontab.parse_crontab` turns it into a :class:`.cronrecords.CronError`."""


def show(text: str) -> str:
    return f"'{text}'" if text.isprintable() else repr(text)


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
            raise Reject(f"{shown} is out of range {spec.low}-{spec.high}")
        return value, False
    if spec.names and re.fullmatch(r"[A-Za-z]+", text):
        lowered = text.lower()
        if lowered in spec.names:
            return spec.names.index(lowered) + spec.low, True
        if len(lowered) > 3 and lowered[:3] in spec.names:
            raise Reject(f"{show(text)}: cron takes only three-letter names ({show(lowered[:3])})")
        raise Reject(f"unknown name {show(text)}")
    raise Reject(_dialect(token, spec) or f"{show(text)} is not a number")


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
        raise Reject(f"step {show(text)} is not a number")
    step = _integer(text)
    if step == 0:
        raise Reject("zero step")
    return step


def parse_field(token: str, spec: _Field) -> frozenset[int]:
    """The set of values a field allows; raises :class:`Reject` with a reason."""
    try:
        values: set[int] = set()
        for element in token.split(","):
            if element == "":
                raise Reject("empty list element")
            if element.startswith("*"):
                rest = element[1:]
                if rest and not rest.startswith("/"):
                    raise Reject(_dialect(token, spec) or f"{show(rest)} after '*'")
                step = _step(rest[1:]) if rest else 1
                values.update(range(spec.low, spec.high + 1, step))
                continue
            span, slash, step_text = element.partition("/")
            ends = span.split("-")
            if len(ends) > 2 or "" in ends:
                raise Reject(_dialect(token, spec) or f"bad range {show(span)}")
            first, first_named = _number(ends[0], spec, token)
            if len(ends) == 1:
                if slash:
                    raise Reject(
                        f"a step needs a range or '*': {show(element)}"
                        f" (write '{ends[0]}-{spec.high}/{step_text}')"
                    )
                values.add(first)
                continue
            last, last_named = _number(ends[1], spec, token)
            if first_named != last_named:
                raise Reject(f"range {show(span)} mixes a name and a number")
            if first > last:
                hint = " (sun is 0: write 1-7)" if ends[1].lower() == "sun" else ""
                raise Reject(f"reversed range {show(span)}{hint}")
            step = _step(step_text) if slash else 1
            values.update(range(first, last + 1, step))
    except Reject as exc:
        raise Reject(f"bad {spec.label}: {exc}") from None
    if spec.label == "day-of-week" and 7 in values:
        values.discard(7)
        values.add(0)
    return frozenset(values)


_NAME_TOKEN = "|".join(_MONTH_NAMES + _DOW_NAMES)
TIME_LIKE = re.compile(r"[0-9A-Za-z*?/,#~-]+")
SIXTH_LIKE = re.compile(
    rf"(?:[0-9*?][0-9*?/,#~LW-]*|(?:{_NAME_TOKEN})(?:[-,/](?:{_NAME_TOKEN}|[0-9]+))*)",
    re.IGNORECASE,
)


def field_sets(expression: str) -> tuple[frozenset[int], ...]:
    return tuple(parse_field(t, f) for t, f in zip(expression.split(), FIELDS, strict=True))
