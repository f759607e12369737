"""The version a DFOS tool script declares: every assignment read, the last one the one that runs."""

from __future__ import annotations

import pytest

from pytest_mucverify.dfos.toolversion import declared_versions, version_problems

SCRIPT = b'#!/bin/bash\n# autoDaily\nTOOL_VERSION="2.1"\ncase "$1" in -v) echo v;; esac\n'


def test_the_standard_script_has_no_problem() -> None:
    assert declared_versions(SCRIPT) == ["2.1"]
    assert version_problems("autoDaily", SCRIPT, "2.1", (2, 1)) == []


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        (b"#!/bin/bash\nexit 0\n", "autoDaily: no TOOL_VERSION line"),
        (SCRIPT.replace(b"2.1", b"2.0"), "autoDaily: v2.0, the standard version is v2.1"),
        (SCRIPT + b'TOOL_VERSION="2.0"\n', "TOOL_VERSION is set to v2.1, then v2.0"),
        (SCRIPT + b"export TOOL_VERSION=2.0\n", "the shell runs with v2.0"),
        (SCRIPT.replace(b'"2.1"', b'"$V"'), "TOOL_VERSION '$V' is not a version number"),
    ],
    ids=["none", "older", "second-line", "exported-later", "not-a-number"],
)
def test_a_script_that_is_not_the_standard_version_says_why(script: bytes, problem: str) -> None:
    assert any(problem in found for found in version_problems("autoDaily", script, "2.1", (2, 1)))


def test_below_the_minimum_is_named_with_the_minimum() -> None:
    problems = version_problems("autoDaily", SCRIPT.replace(b"2.1", b"2.0"), "2.0", (2, 1))
    assert problems == ["autoDaily: v2.0, the muc needs v2.1 or later"]
