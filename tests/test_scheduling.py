"""Each AB is read and parsed once per run, and xdist keeps blocks of an account's nights on one
worker (pytest_mucverify/schedule.py)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers import SUITES, build_site

import pytest_mucverify.bladedata as bladedata
import pytest_mucverify.dfos.abpaths as abpaths
from pytest_mucverify.blade import Blade
from pytest_mucverify.dfos.ab import AssociationBlock, parse_ab
from pytest_mucverify.schedule import NIGHTS_PER_UNIT, work_unit

RUN = ("-p", "no:cacheprovider", "-p", "no:benchmark")


@pytest.fixture(scope="module")
def dense_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """giraffe, 10 nights at 10 ABs of each raw type a night (about 30 ABs a night)."""
    return build_site(
        tmp_path_factory.mktemp("dense") / "site", accounts=("giraffe",), nights=10, density=10
    )


def test_each_ab_is_read_once_and_parsed_once_in_a_whole_run(
    dense_site: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: Counter[str] = Counter()
    read: Counter[str] = Counter()

    def counting_parse(data: bytes, name: str = "") -> AssociationBlock:
        parsed[name] += 1
        return parse_ab(data, name)

    def counting(method: Any) -> Any:
        def wrapper(self: Blade, paths: Sequence[str], *args: Any) -> Any:
            read.update(f"{self.name}:{path}" for path in paths)
            return method(self, paths, *args)

        return wrapper

    monkeypatch.setattr(bladedata, "parse_ab", counting_parse)
    monkeypatch.setattr(abpaths, "parse_ab", counting_parse)
    monkeypatch.setattr(Blade, "read_many", counting(Blade.read_many))
    monkeypatch.setattr(Blade, "read_headers", counting(Blade.read_headers))
    reports = pytester.path / "reports"
    result = pytester.runpytest_inprocess(
        str(SUITES),
        "--account=giraffe",
        f"--site={dense_site}",
        f"--reports-dir={reports}",
        *RUN,
        "-n",
        "0",
    )
    results = json.loads((reports / "giraffe" / "muc02" / "results.json").read_text())
    assert results["verdict"] == "READY", result.outlines[-30:]
    ab_reads = {path: n for path, n in read.items() if path.endswith(".ab")}
    on_disk = len(list(dense_site.parent.glob("hosts/*/**/*.ab")))
    assert on_disk > 300  # both blades, ten nights of ~30 ABs
    assert len(ab_reads) > on_disk // 3  # the window's nights of both blades were read
    assert max(ab_reads.values()) == 1, sorted(ab_reads.items(), key=lambda pn: -pn[1])[:3]
    assert parsed, "no AB was parsed"
    assert max(parsed.values()) <= 2, parsed.most_common(3)  # an AB name once per blade
    assert sum(parsed.values()) <= len(ab_reads)
    # nor any other file of the data disk: product headers, PAF and score files, logs
    repeated = {
        p: n for p, n in read.items() if n > 1 and not p.split(":", 1)[1].startswith("/home/")
    }
    assert not repeated, sorted(repeated.items())[:5]


def test_the_work_units_are_blocks_of_an_accounts_nights() -> None:
    blocks = {"giraffe": {"2013-02-21": 0, "2013-03-01": 1}, "giraffe-b": {"2013-02-21": 0}}
    test = "pytest_mucverify/suites/test_ab.py::test_clean"
    assert work_unit(f"{test}[giraffe-2013-02-21]", blocks) == "giraffe nights #0"
    assert work_unit(f"{test}[giraffe-2013-03-01]", blocks) == "giraffe nights #1"
    assert work_unit(f"{test}[giraffe-b-2013-02-21]", blocks) == "giraffe-b nights #0"
    assert work_unit(f"{test}[giraffe]", blocks) == "giraffe"
    assert work_unit(f"{test}[giraffe-DFO_RAW_DIR]", blocks) == "giraffe-DFO_RAW_DIR"
    assert work_unit(f"{test}[giraffe-no-night-window]", blocks) == "giraffe-no-night-window"
    assert work_unit(test, blocks) == "pytest_mucverify/suites/test_ab.py"


def test_two_workers_each_run_whole_blocks_of_consecutive_nights(
    tmp_path: Path, pytester: pytest.Pytester
) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=40)
    result = pytester.runpytest_subprocess(
        str(SUITES),
        "--account=giraffe",
        f"--site={site}",
        f"--reports-dir={tmp_path / 'reports'}",
        *RUN,
        "-n",
        "2",
        "-v",
        "-k",
        "giraffe-2013",  # the per-night checks alone: both workers get some of the nights
        timeout=600,
    )
    output = "\n".join(result.outlines)
    assert "scheduling tests via NightBlockScheduling" in output
    ran = re.findall(r"\[(gw\d+)\].*?::(\w+)\[giraffe-(\d{4}-\d\d-\d\d)\]", output)
    workers_of: dict[str, set[str]] = defaultdict(set)
    order: dict[str, list[str]] = defaultdict(list)
    for worker, _test, night in ran:
        workers_of[night].add(worker)
        if not order[worker] or order[worker][-1] != night:
            order[worker].append(night)
    nights = sorted(workers_of)
    assert len(nights) >= 2 * NIGHTS_PER_UNIT, nights
    assert len({test for _w, test, _n in ran}) >= 5  # several per-night checks
    # every night's checks on one worker, one after the other
    assert all(len(workers) == 1 for workers in workers_of.values()), dict(workers_of)
    assert all(len(seen) == len(set(seen)) for seen in order.values()), dict(order)
    # blocks of NIGHTS_PER_UNIT consecutive nights, and both workers had some (each starts with
    # a block)
    for start in range(0, len(nights), NIGHTS_PER_UNIT):
        block = nights[start : start + NIGHTS_PER_UNIT]
        assert len({next(iter(workers_of[n])) for n in block}) == 1, block
    assert {"gw0", "gw1"} == {w for workers in workers_of.values() for w in workers}


def test_workers_read_qc1_values_without_importing_astropy(
    tmp_path: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The controller tells each worker astropy's one setting that changes a value (padded
    strings), so workers do not each import astropy and numpy (0.4 s and 30 MiB apiece)."""
    pytester.makepyfile(
        modules_seen="""
        import json, os, sys

        def pytest_unconfigure(config):
            workerinput = getattr(config, "workerinput", None)
            who = workerinput["workerid"] if workerinput else "controller"
            seen = {name: name in sys.modules for name in ("astropy", "numpy")}
            with open(os.environ["MODULES_SEEN"], "a") as out:
                out.write(json.dumps([who, seen]) + "\\n")
        """
    )
    seen_file = tmp_path / "seen.jsonl"
    monkeypatch.setenv("MODULES_SEEN", str(seen_file))
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=4)
    result = pytester.runpytest_subprocess(
        str(SUITES), "--account=giraffe", f"--site={site}", f"--reports-dir={tmp_path / 'r'}",
        *RUN, "-p", "modules_seen", "-n", "2", "-m", "qc1", timeout=600,
    )  # fmt: skip
    assert result.ret == 0, "\n".join(result.outlines[-30:])
    rows = json.loads((tmp_path / "r" / "giraffe" / "muc02" / "partial-results.json").read_text())
    values = [r for r in rows["checks"] if r["check"] == "qc1.values" and r["status"] == "passed"]
    assert values and all(r["examined"] for r in values)
    seen = dict(json.loads(line) for line in seen_file.read_text().splitlines())
    assert {"gw0", "gw1", "controller"} == set(seen)
    assert seen["gw0"] == seen["gw1"] == {"astropy": False, "numpy": False}


def test_the_abs_outside_the_window_are_read_a_batch_at_a_time(
    tmp_path: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ab.clean-paths reads every archived AB of the nights outside the window, but not a year of
    them at once: memory holds one batch, and no AB is read twice."""
    calls: list[list[str]] = []

    def counting(self: Blade, paths: Sequence[str]) -> Any:
        if self.name == "muc02" and paths and all(p.endswith(".ab") for p in paths):
            calls.append(list(paths))
        return read_many(self, paths)

    read_many = Blade.read_many
    monkeypatch.setattr(Blade, "read_many", counting)
    monkeypatch.setattr(bladedata, "ABS_A_BATCH", 50)
    site = build_site(tmp_path / "site", accounts=("giraffe",), nights=60)
    reports = tmp_path / "reports"
    pytester.runpytest_inprocess(
        str(SUITES), "--account=giraffe", f"--site={site}", f"--reports-dir={reports}", *RUN,
        "-n", "0", "-k", "outside_the_window",
    )  # fmt: skip
    results = json.loads((reports / "giraffe" / "muc02" / "partial-results.json").read_text())
    (row,) = [r for r in results["checks"] if "outside_the_window" in (r["nodeid"] or "")]
    assert row["status"] == "passed", row
    archived = [c for c in calls if all("/logs/" in p for p in c)]
    assert len(archived) >= 2, [len(c) for c in archived]
    assert all(len(batch) <= 50 for batch in archived)
    read = [p for call in archived for p in call]
    assert len(read) == len(set(read))
    on_disk = {
        str(p).split("/muc02", 1)[1] for p in (tmp_path / "site/hosts/muc02").rglob("logs/*/*.ab")
    }
    assert {p.split("/fujisan3", 1)[-1] for p in read} <= {
        p.split("/fujisan3", 1)[-1] for p in on_disk
    }
    assert row["examined"]["ABs"] >= len(read) > 100
