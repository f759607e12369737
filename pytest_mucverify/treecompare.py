"""A data tree of the old blade against its copy on the muc, a batch of folders at a time.

A year of a busy account holds about 100,000 files a tree on each blade. Kept as records for the
run, the listings of every tree were most of a run's memory and grew with the year. Here a tree
is compared in batches of its folders (its date folders, also those inside month folders, and
its other folders): each batch is listed on both blades (one bulk listing each), the files
whose content matters are digested there (one command each), every view of the tree is judged
on the batch (the incremental and the full migration read the same tree), and the batch is
dropped. What is kept is each view's verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .blade import Blade, BladeError, FileStat, TreeListing
from .dfos.migration import compare_files, content_matters, digest_candidates
from .dfos.placement import is_month

BATCH = 32
"""folders listed and digested together: about a month of nights."""
MAX_DIGEST_PARTS = 1000
"""folders and files named to one digest command at most; beyond, the whole tree is digested."""


@dataclass(frozen=True)
class View:
    """One check's reading of a tree: which files it wants on the muc, and whether a copy may
    be older than the old blade's file."""

    wanted: Callable[[str], bool]
    not_older: bool = False


@dataclass
class Verdict:
    shortfalls: list[str] = field(default_factory=list)
    """muc paths, each with what is wrong with the copy."""
    unreadable: list[str] = field(default_factory=list)
    """wanted files whose content could not be digested, with the reason."""
    compared: int = 0
    digests: int = 0
    """files compared by content."""
    months: set[str] = field(default_factory=set)
    """the months (``YYYY-MM``, the start of a path) of the files compared."""


@dataclass
class TreeComparison:
    views: dict[str, Verdict]
    old_files: int = 0
    """files of the tree on the old blade."""
    batches: int = 0


@dataclass
class _Shape:
    """What a batch-wise reading of a tree starts from: the entries that are not in a batched
    folder, and the batched folders, relative to the root."""

    loose: list[FileStat] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)


Lister = Callable[[Blade, Sequence[str], "int | None"], list[TreeListing]]
"""lists trees on a blade in one bulk operation (``Blade.trees``, or a context that keeps the
listings of a few levels for the other checks)."""


def _listed(
    lister: Lister, blade: Blade, paths: Sequence[str], max_depth: int | None
) -> list[list[FileStat]]:
    found = lister(blade, paths, max_depth)
    errors = [error for listing in found for error in listing.errors]
    if errors:
        raise BladeError(f"{blade.name}: cannot list {paths[0]}: {'; '.join(errors[:5])}")
    return [listing.entries for listing in found]


def _under(prefix: str, entries: list[FileStat]) -> list[FileStat]:
    return [replace(entry, path=f"{prefix}/{entry.path}") for entry in entries]


def _shape(lister: Lister, blade: Blade, root: str) -> _Shape:
    """The tree's top level, and inside its month folders (``2013-02``, which hold a month of
    date folders) the level below, so that a batch holds days, not months."""
    (top,) = _listed(lister, blade, [root], 1)
    shape = _Shape(loose=[e for e in top if not e.is_dir])
    folders = [e.path for e in top if e.is_dir]
    months = [name for name in folders if is_month(name)]
    shape.folders = [name for name in folders if not is_month(name)]
    for name, entries in zip(
        months, _listed(lister, blade, [f"{root}/{m}" for m in months], 1), strict=True
    ):
        shape.loose += _under(name, [e for e in entries if not e.is_dir])
        shape.folders += [f"{name}/{e.path}" for e in entries if e.is_dir]
    return shape


def _batches(old: _Shape, new: _Shape) -> Iterator[tuple[list[str], list[str], bool]]:
    """(old folders, the muc's folders of the same names, whether the loose entries come with
    it) for each batch."""
    on_muc = set(new.folders)
    folders = sorted(old.folders)
    yield folders[:BATCH], [f for f in folders[:BATCH] if f in on_muc], True
    for start in range(BATCH, len(folders), BATCH):
        batch = folders[start : start + BATCH]
        yield batch, [f for f in batch if f in on_muc], False


def _entries(lister: Lister, blade: Blade, root: str, folders: list[str]) -> list[FileStat]:
    listed = _listed(lister, blade, [f"{root}/{f}" for f in folders], None) if folders else []
    return [
        entry
        for folder, found in zip(folders, listed, strict=True)
        for entry in _under(folder, found)
    ]


def _digests(
    blade: Blade, root: str, names: tuple[str, ...] | None, paths: list[str], folders: list[str]
) -> tuple[dict[str, str], list[str]]:
    """Digests of the given files, from one command naming the folders (or loose files) that
    hold them."""
    parts = sorted({next((f for f in folders if path.startswith(f + "/")), path) for path in paths})
    return blade.digest_tree(root, names, parts if len(parts) <= MAX_DIGEST_PARTS else None)


def compare_tree(
    lister: Lister,
    ops: Blade,
    muc: Blade,
    old_dir: str,
    new_dir: str,
    views: Mapping[str, View],
    names: tuple[str, ...] | None,
    reader: str | None,
) -> TreeComparison:
    """Every view's verdict on the old blade's tree against the muc's, batch by batch. Files
    whose names match ``names`` (every file when None) are compared by content where their
    sizes agree. A tree that cannot be listed whole on the old blade, or on the muc when it is
    there, is a BladeError; a missing muc tree leaves every file missing."""
    old_shape = _shape(lister, ops, old_dir)
    new_shape = _shape(lister, muc, new_dir) if muc.exists(new_dir) else _Shape()
    result = TreeComparison(views={name: Verdict() for name in views})
    for old_folders, new_folders, loose in _batches(old_shape, new_shape):
        old = [*(old_shape.loose if loose else []), *_entries(lister, ops, old_dir, old_folders)]
        new = [*(new_shape.loose if loose else []), *_entries(lister, muc, new_dir, new_folders)]
        result.batches += 1
        result.old_files += sum(1 for entry in old if entry.kind == "f")
        _judge(ops, muc, old_dir, new_dir, old, new, old_folders, views, names, reader, result)
    return result


def _judge(
    ops: Blade,
    muc: Blade,
    old_dir: str,
    new_dir: str,
    old: list[FileStat],
    new: list[FileStat],
    folders: list[str],
    views: Mapping[str, View],
    names: tuple[str, ...] | None,
    reader: str | None,
    result: TreeComparison,
) -> None:
    """One batch, every view."""
    by_content = {
        name: digest_candidates(old, new, view.wanted, lambda p: content_matters(names, p))
        for name, view in views.items()
    }
    wanted = sorted({path for paths in by_content.values() for path in paths})
    old_digests: dict[str, str] = {}
    new_digests: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    if wanted:
        for blade, root, kept in ((ops, old_dir, old_digests), (muc, new_dir, new_digests)):
            found, trouble = _digests(blade, root, names, wanted, folders)
            kept.update(found)
            problems[blade.name] = trouble
    for name, view in views.items():
        verdict = result.views[name]
        for path in by_content[name]:
            for blade, root, kept in ((ops, old_dir, old_digests), (muc, new_dir, new_digests)):
                if path not in kept:
                    verdict.unreadable.append(
                        next(
                            (line for line in problems[blade.name] if f"{root}/{path}" in line),
                            f"{blade.name}:{root}/{path}: no digest",
                        )
                    )
        verdict.digests += len(by_content[name])
        shortfalls, compared = compare_files(
            old,
            new,
            view.wanted,
            not_older=view.not_older,
            old_digests=old_digests,
            new_digests=new_digests,
            reader=reader,
        )
        verdict.shortfalls += [f"{new_dir}/{s}" for s in shortfalls]
        verdict.compared += compared
        verdict.months.update(
            e.path[:7] for e in old if e.kind in ("f", "l") and view.wanted(e.path)
        )
