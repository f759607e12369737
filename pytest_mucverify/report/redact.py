"""Secrets never reach a report: every line a row shows passes through :func:`redact`.

A finding may quote an rc file, a crontab line or a command (``xv -pw …`` on a cron line, a bash
complaint about ``DB_PASSWD2=…``, ``mysql -p…``). Password-like options and assignments are masked
wherever they stand, and so is every value of the account's ``.dbrc`` (its passwords, users and
servers), which the worker that read it hands in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[redacted]"
_RULES = (
    # -pw value, --password value, --password=value, --passwd=value
    re.compile(r"(?<![\w-])(-pw|--pass(?:word|wd)?)([ =]+)(?!\[redacted\])(\S+)", re.I),
    # NAME=value or NAME: value where the name says what it holds
    re.compile(
        r"(\b[\w.-]*(?:PASS|PWD|SECRET|TOKEN)[\w.-]*)(\s*[=:]\s*)(?!\[redacted\])(\S+)", re.I
    ),
    # mysql-style -pVALUE, glued to its option
    re.compile(r"(?<![\w-])(-p)()(?!\[redacted\])(?!w\b)([^\s-]\S*)"),
)
MIN_SECRET = 4
"""shorter .dbrc values (a column such as ``qc1``) would mask too much of ordinary text."""


def dbrc_values(text: str, keep: Iterable[str] = ()) -> list[str]:
    """Every value of a ``.dbrc`` worth hiding: each column of each line, but for comments, the
    names in ``keep`` (the blade names, which findings must be able to show) and short ones."""
    kept = set(keep)
    values = {
        column
        for raw in text.splitlines()
        for column in raw.split("#", 1)[0].split()
        if len(column) >= MIN_SECRET and column not in kept
    }
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    for rule in _RULES:
        text = rule.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    return text
