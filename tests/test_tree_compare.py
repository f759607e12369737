"""A tree compared batch by batch judges as the whole listings do, and never holds more than a
batch of it."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from pytest_mucverify import treecompare
from pytest_mucverify.blade import Blade, TreeListing
from pytest_mucverify.dfos.migration import compare_files
from pytest_mucverify.site import Host
from pytest_mucverify.treecompare import View, compare_tree

NAMES = ("*.ab", "*.score")


def list_trees(blade: Blade, paths: Sequence[str], max_depth: int | None) -> list[TreeListing]:
    return blade.trees(paths, max_depth)


def local_blade(name: str) -> Blade:
    return Blade(Host(name=name, url="local://"), getpass.getuser())


def dated_tree(root: Path, nights: int, months: bool) -> None:
    start = dt.date(2013, 1, 1)
    for n in range(nights):
        night = start + dt.timedelta(days=n)
        folder = root / f"{night:%Y-%m}" / str(night) if months else root / str(night)
        folder.mkdir(parents=True)
        for name in ("a.ab", "b.score", "c.log"):
            (folder / name).write_text(f"{night} {name}\n")
    (root / "README").write_text("loose\n")


def copy_with_faults(old: Path, new: Path) -> list[str]:
    """A copy of the tree with one file missing, one shorter and one changed in content (same
    size); the relative paths of the faults."""
    shutil.copytree(old, new, dirs_exist_ok=True)
    files = sorted(p.relative_to(new).as_posix() for p in new.rglob("*.ab"))
    gone, short, changed = files[3], files[40], files[-2]
    (new / gone).unlink()
    (new / short).write_text("x\n")
    text = (new / changed).read_text()
    (new / changed).write_text(text.replace("a", "z", 1) if "a" in text else text[::-1])
    return [gone, short, changed]


@pytest.mark.parametrize("months", [False, True], ids=["date folders", "month folders"])
def test_batches_judge_as_the_whole_tree_does(tmp_path: Path, months: bool) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    dated_tree(old, 70, months)
    faults = copy_with_faults(old, new)
    ops, muc = local_blade("dfo23"), local_blade("muc02")
    views = {
        "all": View(lambda path: True),
        "january": View(lambda path: "2013-01-" in path, not_older=True),
    }

    found = compare_tree(list_trees, ops, muc, str(old), str(new), views, NAMES, None)

    assert found.batches == 3  # 70 nights in batches of 32 (in three month folders: 70 nights)
    whole_old, whole_new = ops.tree(str(old)), muc.tree(str(new))
    assert isinstance(whole_old, TreeListing)
    for name, view in views.items():
        expected, compared = compare_files(
            whole_old.entries,
            whole_new.entries,
            view.wanted,
            not_older=view.not_older,
            old_digests=digests(old),
            new_digests=digests(new),
        )
        verdict = found.views[name]
        assert verdict.compared == compared
        assert sorted(verdict.shortfalls) == sorted(f"{new}/{s}" for s in expected)
        assert not verdict.unreadable
    every = found.views["all"]
    assert every.compared == 70 * 3 + 1
    assert {s.split("  ")[0] for s in every.shortfalls} == {f"{new}/{p}" for p in faults}
    assert found.old_files == 70 * 3 + 1
    assert every.months == {"2013-01", "2013-02", "2013-03", "README"}


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".ab", ".score")
    }


def test_no_more_than_a_batch_is_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    dated_tree(old, 100, months=True)
    shutil.copytree(old, new, dirs_exist_ok=True)
    held: list[int] = []
    judge = treecompare._judge

    def counting(*args: object, **kwargs: object) -> None:
        held.append(len(args[4]) + len(args[5]))  # type: ignore[arg-type]
        judge(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(treecompare, "_judge", counting)
    found = compare_tree(
        list_trees,
        local_blade("dfo23"),
        local_blade("muc02"),
        str(old),
        str(new),
        {"all": View(lambda p: True)},
        NAMES,
        None,
    )
    assert not found.views["all"].shortfalls
    assert found.views["all"].compared == 301
    assert len(held) == 4
    assert max(held) <= 2 * (treecompare.BATCH * 3 + 1 + 4)


def test_a_muc_tree_that_is_missing_leaves_every_file_missing(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    dated_tree(old, 3, months=False)
    found = compare_tree(
        list_trees,
        local_blade("dfo23"),
        local_blade("muc02"),
        str(old),
        str(tmp_path / "absent"),
        {"all": View(lambda p: True)},
        NAMES,
        None,
    )
    assert found.views["all"].compared == 10
    assert len(found.views["all"].shortfalls) == 10
