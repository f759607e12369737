"""How a test's outcome becomes a result row (on the worker that ran it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from ..blade import BladeError
from ..catalogue import CheckSpec
from ..checking import NOT_APPLICABLE_PREFIX, NOT_RUN_PREFIX, CheckFailed, Examined
from .figures import clean_figures
from .redact import redact
from .rows import ERROR, FAILED, NOT_APPLICABLE, NOT_RUN, PASSED, WAIVED, ResultRow
from .waivers import WAIVED_PREFIX

ROW_PROPERTY = "mucverify_row"
UNEXAMINED = (
    "nothing to compare: the check passed without recording anything it examined,"
    " and a pass needs evidence"
)


def _first_line(text: str, limit: int = 400) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def status_from_call(
    excinfo: pytest.ExceptionInfo[BaseException] | None,
) -> tuple[str, str, list[str]]:
    if excinfo is None:
        return PASSED, "", []
    exc = excinfo.value
    if isinstance(exc, CheckFailed):
        return FAILED, exc.message, exc.evidence
    if isinstance(exc, pytest.skip.Exception):
        message = str(exc.msg)
        if message.startswith(NOT_APPLICABLE_PREFIX):
            return NOT_APPLICABLE, message[len(NOT_APPLICABLE_PREFIX) :], []
        if message.startswith(WAIVED_PREFIX):
            return WAIVED, message[len(WAIVED_PREFIX) :], []
        return NOT_RUN, message.removeprefix(NOT_RUN_PREFIX), []
    if isinstance(exc, AssertionError):
        return FAILED, _first_line(str(exc)) or "assertion failed", []
    if isinstance(exc, BladeError):
        return ERROR, _first_line(str(exc)), []
    return ERROR, _first_line(f"{type(exc).__name__}: {exc}"), []


def make_row(
    spec: CheckSpec,
    target: Any,
    phase_required: bool,
    when: str,
    excinfo: pytest.ExceptionInfo[BaseException] | None,
    duration: float,
    nodeid: str,
    record: Examined | None = None,
    secrets: Sequence[str] = (),
) -> ResultRow:
    status, message, evidence = status_from_call(excinfo)
    message, evidence = redact(message, secrets), [redact(item, secrets) for item in evidence]
    if when != "call" and status == FAILED:
        status = ERROR  # an assertion in a fixture is a broken check, not a verdict
    examined = dict(record.counts) if record is not None else {}
    if status == PASSED:
        if not examined:
            status, message = FAILED, UNEXAMINED
        elif record is not None and record.note:
            message = record.note
    figures, dropped = clean_figures(
        getattr(excinfo.value, "figures", None) or () if excinfo is not None else ()
    )
    if dropped:
        message = "; ".join([message, *dropped]) if message else "; ".join(dropped)
    return ResultRow.for_check(
        spec,
        target,
        status,
        message=message if when != "teardown" or not message else f"teardown: {message}",
        evidence=evidence,
        duration=duration,
        nodeid=nodeid,
        required=phase_required,
        figures=figures,
        examined=examined,
        measures=dict(record.measures) if record is not None else {},
    )


def row_of(report: pytest.TestReport) -> dict[str, Any] | None:
    """The result row a test's report carries (from the worker that ran it), if any."""
    for key, value in reversed(report.user_properties):
        if key == ROW_PROPERTY and isinstance(value, dict):
            return value
    return None


def failure_repr(row: ResultRow, path: str, line: int, shown: int) -> Any:
    """What pytest prints for a failed check: its message and evidence at the check's line, with
    the message in the short summary (``FAILED ... - 3 unclean paths``). Built from pytest's own
    representation classes, which xdist carries from the workers."""
    lines = [f"{row.check}: {row.message}", *(f"  {item}" for item in row.evidence[:shown])]
    if row.evidence_total > shown:
        lines.append(f"  ... and {row.evidence_total - shown} more")
    message = f"{row.check}: {row.message}"
    try:
        from _pytest._code.code import (
            ExceptionChainRepr,
            ReprEntryNative,
            ReprFileLocation,
            ReprTraceback,
        )
    except ImportError:  # a pytest that moved them: the plain text still says it all
        return "\n".join(lines)
    traceback = ReprTraceback([ReprEntryNative([f"{text}\n" for text in lines])], None, "native")
    return ExceptionChainRepr([(traceback, ReprFileLocation(path, line, message), None)])
