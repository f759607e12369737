"""Every question goes to a blade once per run: the same listing, stat, lookup or digest asked by
several checks (or for several nights) is answered by the first asking, failures included, and
what is kept stays bounded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import SUITES, build_site

from pytest_mucverify.blade import Blade, BladeError, watch
from pytest_mucverify.blade.answers import Answers
from pytest_mucverify.site import Host

Question = tuple[str, str, tuple[Any, ...]]


def test_a_whole_run_asks_each_blade_each_question_once(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    site = build_site(tmp_path / "site", nights=8)
    reports = tmp_path / "reports"
    asked: list[Question] = []
    with watch(lambda host, operation, arguments: asked.append((host, operation, arguments))):
        result = pytester.runpytest_inprocess(
            str(SUITES),
            "--account=giraffe",
            f"--site={site}",
            f"--reports-dir={reports}",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
        )
    assert result.ret == 0, result.stdout.str()[-2000:]
    assert "giraffe on muc02 (operational): READY" in result.stdout.str()
    # both blades were asked, each kind of question: the watch saw the run
    assert {host for host, _, _ in asked} == {"muc02", "dfo23"}
    assert {"stat", "list_names", "trees", "digest_tree", "environment", "run"} <= {
        operation for _, operation, _ in asked
    }
    repeated = {question: n for question, n in Counter(asked).items() if n > 1}
    assert repeated == {}


@pytest.fixture
def blade(tmp_path: Path) -> Blade:
    root = tmp_path / "host"
    (root / "data" / "logs" / "2013-02-21").mkdir(parents=True)
    (root / "data" / "logs" / "2013-02-21" / "a.ab").write_text("DATE 2013-02-21\n")
    return Blade(Host(name="dfo23", url="local://", root=root), "giraffe")


def test_an_answer_and_a_failure_are_each_asked_once(blade: Blade) -> None:
    asked: list[Question] = []
    with watch(lambda host, operation, arguments: asked.append((host, operation, arguments))):
        for _ in range(3):
            assert blade.list_names("/data/logs/2013-02-21") == [("a.ab", "f")]
            assert blade.list_names("/data/logs/2013-02-22", missing_ok=True) == []
            assert blade.stat("/data/nowhere") is None
            with pytest.raises(BladeError, match=r"/data/missing\.txt: No such file"):
                blade.read_text("/data/missing.txt")
    assert asked == [
        ("dfo23", "list_names", ("/data/logs/2013-02-21",)),
        ("dfo23", "list_names", ("/data/logs/2013-02-22",)),
        ("dfo23", "stat", ("/data/nowhere", True)),
        ("dfo23", "read_bytes", ("/data/missing.txt", None)),
    ]


def test_a_kept_answer_cannot_be_changed_by_its_caller(blade: Blade) -> None:
    blade.list_names("/data/logs/2013-02-21").clear()
    assert blade.list_names("/data/logs/2013-02-21") == [("a.ab", "f")]


def test_what_is_kept_stays_under_its_weight() -> None:
    answers = Answers(max_weight=100)
    for n in range(1000):
        assert answers.get(("list", n), lambda n=n: [n] * 9, (BladeError,)) == [n] * 9
    assert answers.weight <= 100
    assert len(answers) == 10
    # the newest are kept, the oldest gone
    assert answers.get(("list", 999), lambda: ["asked again"], (BladeError,)) == [999] * 9
    assert answers.get(("list", 0), lambda: ["asked again"], (BladeError,)) == ["asked again"]


def test_an_error_that_is_not_the_hosts_is_not_kept() -> None:
    answers = Answers()
    calls: list[int] = []

    def broken() -> int:
        calls.append(1)
        raise RuntimeError("a bug, not an answer")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            answers.get("question", broken, (BladeError,))
    assert len(calls) == 2
