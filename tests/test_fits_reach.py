"""What a scan for FITS reaches through symbolic links, and how digests of a tree are read."""

from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path

from pytest_mucverify.blade import Blade
from pytest_mucverify.blade.bulk import parse_sha256sum
from pytest_mucverify.fitsreach import reachable_fits, scanned_by_rows
from pytest_mucverify.site import Host

FITS = b"SIMPLE  =                    T".ljust(2880)


def local_blade() -> Blade:
    return Blade(Host(name="localhost", url="local://"), getpass.getuser())


def disk_with_links(top: Path) -> Path:
    """A data disk whose date folder links off the disk, to a pool that loops onto itself, and
    to a folder on the disk; a dangling link named as FITS; a link named as FITS to a file."""
    disk, pool = top / "disk", top / "pool"
    night = disk / "logs" / "2013-02-22"
    night.mkdir(parents=True)
    (night / "a.log").write_text("log\n")
    (disk / "raw" / "2013-02-20").mkdir(parents=True)
    (disk / "raw" / "2013-02-20" / "kept.fits").write_bytes(FITS)
    (pool / "deeper").mkdir(parents=True)
    (pool / "flat.fits").write_bytes(FITS)
    (pool / "deeper" / "bias.fits.gz").write_bytes(b"x")
    (pool / "again").symlink_to(".")
    (pool / "deeper" / "up").symlink_to("..")
    (night / "pool").symlink_to(os.path.relpath(pool, night))
    (night / "raw").symlink_to("../../raw/2013-02-20")
    (night / "gone.fits").symlink_to("../../nowhere/gone.fits")
    (night / "copy.fits").symlink_to("../../frame")
    (disk / "frame").write_bytes(FITS)
    (night / "top").symlink_to(os.path.relpath(top, night))
    return disk


def test_links_off_the_disk_are_followed_once_and_on_the_disk_not(tmp_path: Path) -> None:
    disk = disk_with_links(tmp_path)
    errors: list[str] = []
    found = reachable_fits(
        local_blade(),
        str(disk / "logs"),
        scanned_by_rows([str(disk.resolve())]),
        errors,
    )
    assert errors == []
    assert sorted(str(entry) for entry in found) == [
        "2013-02-22/copy.fits -> ../../frame  a link to a file",
        "2013-02-22/gone.fits -> ../../nowhere/gone.fits  a link to nothing (dangling)",
        "2013-02-22/pool/deeper/bias.fits.gz  1 bytes",
        "2013-02-22/pool/flat.fits  2880 bytes",
    ]


def test_a_folder_that_cannot_be_resolved_is_an_error_not_a_pass(tmp_path: Path) -> None:
    errors: list[str] = []
    assert reachable_fits(local_blade(), str(tmp_path / "a" / "b"), lambda p: False, errors) == []
    assert len(errors) == 1 and "/a/b" in errors[0]


def test_the_digests_of_a_tree_come_with_their_names_however_odd(tmp_path: Path) -> None:
    names = ["plain.ab", "new\nline.ab", "back\\slash.ab", "carriage\rreturn.ab", "skip.log"]
    for name in names:
        (tmp_path / name).write_text(name)
    odd = os.fsencode(tmp_path) + b"/caf\xe9.ab"
    with open(odd, "wb") as handle:
        handle.write(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.score").write_text("TOTAL 0\n")
    found, problems = local_blade().digest_tree(str(tmp_path), ("*.ab", "*.score"))
    assert problems == []
    expected = {name: hashlib.sha256(name.encode()).hexdigest() for name in names[:4]}
    expected["caf\udce9.ab"] = hashlib.sha256(b"x").hexdigest()
    expected["sub/deep.score"] = hashlib.sha256(b"TOTAL 0\n").hexdigest()
    assert found == expected
    only_sub, _ = local_blade().digest_tree(str(tmp_path), ("*.ab", "*.score"), ("sub",))
    assert only_sub == {"sub/deep.score": expected["sub/deep.score"]}


def test_an_unreadable_file_is_named_among_the_problems(tmp_path: Path) -> None:
    (tmp_path / "ok.ab").write_text("ok")
    (tmp_path / "locked.ab").write_text("locked")
    (tmp_path / "locked.ab").chmod(0)
    found, problems = local_blade().digest_tree(str(tmp_path), ("*.ab",))
    if os.access(tmp_path / "locked.ab", os.R_OK):  # root reads it anyway
        assert set(found) == {"ok.ab", "locked.ab"}
        return
    assert set(found) == {"ok.ab"}
    assert [line for line in problems if "locked.ab" in line]


def test_sha256sum_lines_in_both_modes_and_escaped() -> None:
    digest = "a" * 64
    out = f"{digest}  plain\n{digest} *binary\n\\{digest}  two\\nlines\\\\x\\r\nnot a line\n"
    assert parse_sha256sum(out.encode()) == {
        "plain": digest,
        "binary": digest,
        "two\nlines\\x\r": digest,
    }
