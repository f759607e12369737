"""A check's finding (CheckFailed) or a blade's error reaches pytest's report without frames: the
row's words replace pytest's report of it, and pytest formatting the traceback first (parsing the
source of every module in it, once per row) was most of the time of a run where many rows fail.
Any other exception of a check, and anything of a test that is not a check, keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_mucverify.blade import BladeError, CommandTimedOut
from pytest_mucverify.checking import CheckFailed
from pytest_mucverify.plugin import MARKER, pytest_runtest_makereport


class Item:
    """What the hook asks of a test: its check marker."""

    def __init__(self, check: str | None) -> None:
        self.check = check

    def get_closest_marker(self, name: str) -> Any:
        return (
            pytest.mark.mucverify_check(self.check).mark if self.check and name == MARKER else None
        )


def frames_left(error: BaseException, check: str | None = "rc.muc-variables") -> int:
    def fail() -> None:
        raise error

    call = pytest.CallInfo.from_call(fail, when="call")
    assert call.excinfo is not None and len(call.excinfo.traceback) > 0
    hook = pytest_runtest_makereport(Item(check), call)  # type: ignore[arg-type]
    next(hook)  # the part before pytest makes its report
    return len(call.excinfo.traceback)


@pytest.mark.parametrize(
    "error",
    [CheckFailed("rows"), BladeError("muc02: gone"), CommandTimedOut("muc02: no answer")],
    ids=["finding", "blade-error", "timeout"],
)
def test_a_checks_finding_or_blade_error_has_no_frames_to_format(error: BaseException) -> None:
    assert frames_left(error) == 0


def test_any_other_exception_of_a_check_keeps_its_traceback() -> None:
    assert frames_left(ValueError("a bug in the check")) > 0


def test_a_test_that_is_no_check_keeps_its_traceback() -> None:
    assert frames_left(BladeError("muc02: gone"), check=None) > 0
