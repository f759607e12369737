"""A local Blade and an ssh Blade see the same host the same way.

The ssh Blade talks to a real OpenSSH server on 127.0.0.1 (``tests/sshd.py``) serving this very
machine, so every answer the two give about the same tree must agree: what LocalFiles reads with
scandir and os.stat, RemoteFiles must read with ``find -printf``, ``cat`` and ``readlink -f``.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sshd import SshServer

from pytest_mucverify.blade import (
    Blade,
    BladeError,
    CommandTimedOut,
    FileStat,
    HostUnreachable,
)
from pytest_mucverify.blade.files import RemoteFiles
from pytest_mucverify.site import Host

pytestmark = pytest.mark.ssh

ODD_NAME = "it's a $(x) `y` file; with spaces.txt"
NON_UTF8_NAME = b"caf\xe9 name.txt"
RC_TEXT = "export FOO=bar; export P=$HOME/x\n"
# whole seconds and a nanosecond fraction that a float would round
MTIME_NS = 1_700_000_000_123_456_789


@dataclass(frozen=True)
class Pair:
    local: Blade
    remote: Blade
    root: str
    """the tree both look at."""

    @property
    def both(self) -> tuple[Blade, Blade]:
        return self.local, self.remote


def _build_tree(top: Path) -> None:
    top.mkdir()
    (top / "plain.txt").write_text("hello\n")
    (top / ODD_NAME).write_text("odd but fine\n")
    (top / "latin1.txt").write_bytes(b"caf\xe9 au lait\n")
    (top / "empty").write_bytes(b"")
    (top / "rc.sh").write_text(RC_TEXT)
    (top / "script.sh").write_text("#!/bin/sh\n")
    (top / "script.sh").chmod(0o750)
    fd = os.open(os.fsencode(top) + b"/" + NON_UTF8_NAME, os.O_WRONLY | os.O_CREAT, 0o640)
    os.write(fd, b"x")
    os.close(fd)
    (top / "link").symlink_to("plain.txt")
    (top / "dangling").symlink_to("nowhere/at/all")
    (top / "dangling-here").symlink_to("not-yet.txt")
    (top / "loop").symlink_to("loop")
    (top / "nested" / "deeper").mkdir(parents=True)
    (top / "nested" / "deeper" / "leaf.txt").write_text("leaf\n")
    (top / "nested" / "up").symlink_to("../plain.txt")
    (top / "sticky").mkdir()
    (top / "sticky").chmod(0o1775)
    (top / "sticky" / "shared.txt").write_text("shared\n")
    # fixed, sub-second times, children before their folders so nothing moves them afterwards
    for folder, dirs, files in os.walk(top, topdown=False):
        for name in [*files, *dirs]:
            os.utime(os.path.join(folder, name), ns=(MTIME_NS, MTIME_NS), follow_symlinks=False)
        os.utime(folder, ns=(MTIME_NS, MTIME_NS))


@pytest.fixture(scope="module")
def pair(sshd_server: SshServer, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    top = tmp_path_factory.mktemp("blade-ssh") / "tree"
    _build_tree(top)
    user = getpass.getuser()
    home = str(Path.home())
    local = Blade(Host(name="localhost", url="local://"), user, home=home)
    remote = Blade(sshd_server.host("localhost"), user, home=home)
    return Pair(local, remote, str(top))


def _sorted(entries: list[FileStat]) -> list[FileStat]:
    return sorted(entries, key=lambda e: e.path)


def test_ssh_blade_really_goes_through_ssh(pair: Pair, sshd_server: SshServer) -> None:
    assert pair.remote.backend.backend.NAME == "ssh"
    assert pair.remote.answer("sh", "-c", "echo $SSH_CONNECTION").split()[-1] == str(
        sshd_server.port
    )
    assert pair.local.answer("sh", "-c", "echo ${SSH_CONNECTION:-none}") in (
        "none",
        # when the tests themselves run under ssh, it is not this test's server
        *([os.environ["SSH_CONNECTION"]] if "SSH_CONNECTION" in os.environ else []),
    )


def test_tree_agrees(pair: Pair) -> None:
    local, remote = (pair.local.tree(pair.root), pair.remote.tree(pair.root))
    assert local.errors == [] and remote.errors == []
    assert _sorted(remote.entries) == _sorted(local.entries)
    by_path = {e.path: e for e in local.entries}
    # the tree is what was built, so agreement is not agreement on nothing
    assert by_path[ODD_NAME].kind == "f"
    assert by_path[os.fsdecode(NON_UTF8_NAME)].mode == 0o640
    assert by_path["script.sh"].mode == 0o750
    assert by_path["sticky"].mode == 0o1775 and by_path["sticky"].sticky
    assert by_path["link"] == FileStat(
        "link",
        "l",
        0o777,
        os.getuid(),
        by_path["link"].owner,
        len("plain.txt"),
        MTIME_NS,
        "plain.txt",
    )
    assert by_path["dangling"].target == "nowhere/at/all"
    assert by_path["nested/up"].target == "../plain.txt"
    assert by_path["nested/deeper/leaf.txt"].size == len("leaf\n")
    assert all(e.mtime_ns == MTIME_NS for e in local.entries)
    assert len(local.entries) == 17


def test_tree_max_depth_agrees(pair: Pair) -> None:
    for depth in (0, 1, 2):
        local, remote = (
            pair.local.tree(pair.root, max_depth=depth),
            pair.remote.tree(pair.root, max_depth=depth),
        )
        assert local.errors == remote.errors == []
        assert _sorted(remote.entries) == _sorted(local.entries)
    shallow = {e.path for e in pair.local.tree(pair.root, max_depth=1).entries}
    assert "nested" in shallow and "sticky" in shallow
    assert not any("/" in p for p in shallow)


def test_tree_of_what_is_not_a_folder_agrees(pair: Pair) -> None:
    cases = [
        ("missing", None, "No such file or directory"),
        ("plain.txt", None, "Not a directory"),
        ("plain.txt", 0, "Not a directory"),
        ("link", 1, "Not a directory"),
        ("dangling", None, "No such file or directory"),
        ("loop", None, "Too many levels of symbolic links"),
        ("plain.txt/below", None, "Not a directory"),
    ]
    for name, depth, reason in cases:
        path = f"{pair.root}/{name}"
        local, remote = pair.local.tree(path, depth), pair.remote.tree(path, depth)
        assert (remote.entries, remote.errors) == (local.entries, local.errors), name
        assert (local.entries, local.errors) == ([], [f"{path}: {reason}"])


def test_unreadable_subfolder_is_named_alike(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    # running as root nothing is unreadable, so LocalFiles is told so and find's own words
    # (as it says them for an unreadable folder) are put through the remote parser
    locked = os.path.join(pair.root, "nested", "deeper")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    local = pair.local.tree(pair.root)
    assert local.errors == [f"{pair.root}/nested/deeper: Permission denied"]

    def find_as_someone_else(program: str, *args: str) -> tuple[int, bytes, str]:
        # GNU find's words for a folder it may not read
        return 1, b"", f"find: \u2018{locked}\u2019: Permission denied\n"

    remote = RemoteFiles(find_as_someone_else).tree(pair.root)
    assert remote.errors == local.errors


def test_many_trees_in_one_find_agree_with_each_tree(pair: Pair, tmp_path: Path) -> None:
    via = tmp_path / "via"
    via.symlink_to(f"{pair.root}/nested")
    names = ["", "nested", "sticky", "missing", "plain.txt", "dangling", "loop", "plain.txt/below"]
    paths = [f"{pair.root}/{name}".rstrip("/") for name in names] + [str(via)]
    commands: list[tuple[str, ...]] = []

    def counted(program: str, *args: str) -> tuple[int, bytes, str]:
        commands.append((program, *args))
        return pair.remote.commands.run_raw(program, *args)

    for depth in (None, 1):
        commands.clear()
        together = RemoteFiles(counted).trees(paths, depth)
        assert len(commands) == 1
        each = [pair.local.tree(path, depth) for path in paths]
        assert [t.root for t in together] == paths
        for one, alone in zip(together, each, strict=True):
            assert (_sorted(one.entries), one.errors) == (_sorted(alone.entries), alone.errors)
        # agreement is not agreement on nothing: the listed trees hold what was built
        assert {e.path for e in together[1].entries} >= {"deeper", "up"}
        assert together[3].errors == [f"{paths[3]}: No such file or directory"]
        assert together[4].errors == [f"{paths[4]}: Not a directory"]


def test_tree_through_a_symlinked_root_agrees(pair: Pair, tmp_path: Path) -> None:
    via = tmp_path / "via"
    via.symlink_to(f"{pair.root}/nested")
    local, remote = pair.local.tree(str(via)), pair.remote.tree(str(via))
    assert local.errors == remote.errors == []
    assert _sorted(remote.entries) == _sorted(local.entries)
    assert {e.path for e in local.entries} == {"deeper", "deeper/leaf.txt", "up"}


@pytest.mark.parametrize(
    ("name", "follow"),
    [
        ("", True),
        (ODD_NAME, True),
        ("sticky", True),
        ("link", True),
        ("link", False),
        ("dangling", True),
        ("dangling", False),
        ("dangling-here", True),
    ],
)
def test_stat_agrees(pair: Pair, name: str, follow: bool) -> None:
    path = f"{pair.root}/{name}" if name else pair.root
    local, remote = pair.local.stat(path, follow), pair.remote.stat(path, follow)
    assert remote == local
    if name.startswith("dangling") and follow:
        assert local is None
    else:
        assert local is not None and local.path == path


def test_stat_of_a_symlink_loop_fails_alike(pair: Pair) -> None:
    path = f"{pair.root}/loop"
    messages = []
    for blade in pair.both:
        with pytest.raises(BladeError) as caught:
            blade.stat(path)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == f"localhost:{path}: Too many levels of symbolic links"
    assert pair.local.stat(path, follow=False) == pair.remote.stat(path, follow=False)


def test_stat_of_missing_is_none(pair: Pair) -> None:
    for path in (f"{pair.root}/missing", f"{pair.root}/plain.txt/below", "/no/such/folder/x"):
        for blade in pair.both:
            assert blade.stat(path) is None, (blade, path)
    assert not pair.remote.exists(f"{pair.root}/missing")
    assert pair.remote.exists(f"{pair.root}/link")


@pytest.mark.parametrize("name", [ODD_NAME, "latin1.txt", "empty", "link"])
def test_read_bytes_agrees(pair: Pair, name: str) -> None:
    path = f"{pair.root}/{name}"
    data = pair.local.read_bytes(path)
    assert pair.remote.read_bytes(path) == data == Path(path).read_bytes()


def test_read_bytes_with_a_limit_agrees(pair: Pair) -> None:
    path = f"{pair.root}/latin1.txt"
    assert (
        pair.remote.read_bytes(path, limit=4) == pair.local.read_bytes(path, limit=4) == b"caf\xe9"
    )


def test_read_text_agrees(pair: Pair) -> None:
    path = f"{pair.root}/{ODD_NAME}"
    assert pair.local.read_text(path) == pair.remote.read_text(path) == "odd but fine\n"


def test_read_text_of_non_utf8_fails_alike(pair: Pair) -> None:
    path = f"{pair.root}/latin1.txt"
    messages = []
    for blade in pair.both:
        with pytest.raises(BladeError, match="not UTF-8") as caught:
            blade.read_text(path)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == f"localhost:{path}: not UTF-8 text (byte 3)"


@pytest.mark.parametrize("name", ["missing", "nested", "plain.txt/below"])
def test_read_errors_agree(pair: Pair, name: str) -> None:
    path = f"{pair.root}/{name}"
    messages = []
    for blade in pair.both:
        with pytest.raises(BladeError) as caught:
            blade.read_bytes(path)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"localhost:{path}: ")


def test_resolve_agrees(pair: Pair) -> None:
    for name, expected in [
        ("link", "plain.txt"),
        ("nested/up", "plain.txt"),
        ("dangling-here", "not-yet.txt"),
        ("missing", "missing"),
    ]:
        path = f"{pair.root}/{name}"
        real = os.path.realpath(pair.root)
        assert pair.local.resolve(path) == pair.remote.resolve(path) == f"{real}/{expected}"


@pytest.mark.parametrize("name", ["dangling", "loop", "plain.txt/below"])
def test_resolve_failures_agree(pair: Pair, name: str) -> None:
    # as readlink -f: all but the last component must exist, and no link may loop
    path = f"{pair.root}/{name}"
    messages = []
    for blade in pair.both:
        with pytest.raises(BladeError) as caught:
            blade.resolve(path)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"localhost:{path}: cannot be resolved")


def test_resolve_many_agrees(pair: Pair) -> None:
    names = ["link", "nested/up", "dangling-here", "missing", "sticky"]
    paths = [f"{pair.root}/{name}" for name in names]
    real = os.path.realpath(pair.root)
    expected = [f"{real}/{name}" for name in ("plain.txt", "plain.txt", "not-yet.txt")]
    expected += [f"{real}/missing", f"{real}/sticky"]
    for blade in pair.both:
        assert blade.resolve_many(paths) == (dict(zip(paths, expected, strict=True)), {})


def test_resolve_many_names_what_cannot_be_resolved(pair: Pair) -> None:
    paths = [f"{pair.root}/{name}" for name in ("link", "loop", "dangling", "plain.txt")]
    answers = [blade.resolve_many(paths) for blade in pair.both]
    assert (
        answers[0][0]
        == answers[1][0]
        == {
            paths[0]: f"{os.path.realpath(pair.root)}/plain.txt",
            paths[3]: f"{os.path.realpath(pair.root)}/plain.txt",
        }
    )
    for _, problems in answers:
        assert sorted(problems) == sorted(paths[1:3])
        assert all("cannot be resolved" in reason for reason in problems.values())


def test_uid_of_agrees(pair: Pair) -> None:
    me = getpass.getuser()
    assert pair.local.uid_of(me) == pair.remote.uid_of(me) == os.getuid()
    assert pair.local.uid_of("no-such-user-here") is None
    assert pair.remote.uid_of("no-such-user-here") is None


def test_run_agrees(pair: Pair) -> None:
    outputs = [blade.run("printf", "%s", "a b") for blade in pair.both]
    assert outputs[0] == outputs[1]
    assert outputs[0].stdout == b"a b" and outputs[0].succeeded
    # arguments arrive as written, not re-read by a shell on the far side
    tricky = [blade.run("printf", "%s|", ODD_NAME, "$HOME", "*") for blade in pair.both]
    assert tricky[0] == tricky[1]
    assert tricky[0].stdout == f"{ODD_NAME}|$HOME|*|".encode()
    failing = [blade.run("sh", "-c", "echo oops >&2; exit 3") for blade in pair.both]
    assert failing[0] == failing[1]
    assert (failing[0].exit_status, failing[0].stderr.strip()) == (3, "oops")


def test_environment_agrees(pair: Pair) -> None:
    rc = f"{pair.root}/rc.sh"
    local, remote = (blade.environment([rc]) for blade in pair.both)
    home = str(Path.home())
    for env in (local, remote):
        assert env.variables["FOO"] == "bar"
        assert env.variables["P"] == f"{home}/x"
        assert env.complaints == []
    # sourcing starts in $HOME on both, as a login does
    assert remote.variables == local.variables
    assert local.variables["PWD"] == home


def test_environment_of_missing_rc_fails_alike(pair: Pair) -> None:
    rc = f"{pair.root}/missing.rc"
    messages = []
    for blade in pair.both:
        with pytest.raises(BladeError) as caught:
            blade.environment([rc])
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == f"localhost: {rc}: cannot be read"


def test_dead_host_is_unreachable() -> None:
    if shutil.which("ssh") is None:
        pytest.skip("the ssh client is not installed (apt-get install openssh-client)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # the port was free a moment ago and nothing listens there now
    dead = Blade(
        Host(
            name="deadhost",
            url=f"ssh://{getpass.getuser()}@127.0.0.1:{port}",
            timeout=3,
            ssh_extra_args="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        ),
        getpass.getuser(),
    )
    started = time.monotonic()
    with pytest.raises(HostUnreachable, match=r"^deadhost: ") as caught:
        dead.run("true")
    assert time.monotonic() - started < 15  # refused at once; the bound only allows for load
    assert "127.0.0.1" in str(caught.value)
    # every door of that Blade says the same, not only run()
    with pytest.raises(HostUnreachable, match=r"^deadhost: "):
        dead.stat("/")


def test_a_hanging_command_times_out_and_leaves_the_host_up() -> None:
    blade = Blade(Host(name="x", url="local://", timeout=1), getpass.getuser())
    started = time.monotonic()
    with pytest.raises(CommandTimedOut, match=r"did not answer within 1 s") as caught:
        blade.run("sleep", "60")
    assert time.monotonic() - started < 30  # the timeout ended it, not the sleep
    assert str(caught.value) == "x: sleep did not answer within 1 s"
    assert blade.answer("echo", "still here") == "still here"


def test_list_names_agrees(pair: Pair) -> None:
    local, remote = (sorted(b.list_names(pair.root)) for b in pair.both)
    assert local == remote
    assert (ODD_NAME, "f") in local and ("link", "l") in local
    assert pair.local.list_names(pair.root + "/missing", missing_ok=True) == []
    assert pair.remote.list_names(pair.root + "/missing", missing_ok=True) == []
    for blade in pair.both:
        with pytest.raises(BladeError):
            blade.list_names(pair.root + "/missing")


def test_find_files_agrees(pair: Pair) -> None:
    found = []
    for blade in pair.both:
        errors: list[str] = []
        found.append(sorted(blade.find_files(pair.root, (".txt", ".SH"), errors)))
        assert errors == []
    assert found[0] == found[1]
    assert ("plain.txt", 6) in found[0] and ("rc.sh", len(RC_TEXT)) in found[0]
    with_links = []
    for blade in pair.both:
        errors = []
        with_links.append(sorted(blade.find_files(pair.root, ("link", ".txt"), errors, links=True)))
    assert with_links[0] == with_links[1]
    names = [name for name, _size in with_links[0]]
    assert "link" in names and "plain.txt" in names and "link" not in [n for n, _ in found[0]]


def test_read_many_agrees(pair: Pair) -> None:
    paths = [
        f"{pair.root}/plain.txt",
        f"{pair.root}/{ODD_NAME}",
        f"{pair.root}/latin1.txt",
        f"{pair.root}/missing",
    ]
    (local, local_problems), (remote, remote_problems) = (b.read_many(paths) for b in pair.both)
    assert local == remote
    assert local[f"{pair.root}/latin1.txt"] == b"caf\xe9 au lait\n"
    assert set(local_problems) == set(remote_problems) == {f"{pair.root}/missing"}
    assert (
        local_problems[f"{pair.root}/missing"]
        == remote_problems[f"{pair.root}/missing"]
        == "No such file or directory"
    )


def test_read_headers_agrees_and_skips_the_data(pair: Pair, tmp_path: Path) -> None:
    import gzip

    import numpy as np
    from astropy.io import fits

    header = fits.Header(
        [("HIERARCH ESO QC MEDIAN", 1.5), ("HIERARCH ESO PRO CATG", "MASTER_BIAS")]
    )
    hdu = fits.PrimaryHDU(data=np.full((64, 64), 7, dtype=np.int16), header=header)
    hdu.writeto(tmp_path / "p.fits")
    (tmp_path / "p.fits.gz").write_bytes(gzip.compress((tmp_path / "p.fits").read_bytes()))
    (tmp_path / "p.hdr").write_text(
        hdu.header.tostring(sep="\n", endcard=True, padding=False) + "\n"
    )
    paths = [str(tmp_path / name) for name in ("p.fits", "p.fits.gz", "p.hdr", "missing.fits")]
    (local, local_problems), (remote, remote_problems) = (b.read_headers(paths) for b in pair.both)
    assert local == remote
    assert set(local_problems) == set(remote_problems) == {paths[3]}
    assert local[paths[0]] == local[paths[1]] == (tmp_path / "p.fits").read_bytes()[:2880]
    assert b"MASTER_BIAS" in local[paths[2]]


def test_read_headers_of_corrupt_gzip_agree(pair: Pair, tmp_path: Path) -> None:
    import gzip

    packed = gzip.compress(b"SIMPLE  =                    T".ljust(2880))
    corrupt = bytearray(packed)
    corrupt[10] = 0xFF  # the first deflate block has the reserved type 3
    (tmp_path / "corrupt.fits.gz").write_bytes(bytes(corrupt))
    (tmp_path / "cut.fits.gz").write_bytes(packed[:12])
    paths = [str(tmp_path / name) for name in ("corrupt.fits.gz", "cut.fits.gz")]
    (local, local_problems), (remote, remote_problems) = (b.read_headers(paths) for b in pair.both)
    assert local == remote == {}
    assert local_problems == remote_problems
    assert local_problems[paths[0]].startswith(
        "corrupt gzip stream: Error -3 while decompressing data"
    )
    assert local_problems[paths[1]].startswith("gzip stream cut short: ")


NON_UTF8 = os.fsdecode(NON_UTF8_NAME)
"""the name as listings give it: the byte 0xe9 kept as a lone surrogate (surrogateescape)."""


def test_a_listed_non_utf8_name_can_be_used_again(pair: Pair) -> None:
    """A name that is not UTF-8 comes out of a listing as surrogateescape text; handed back to
    the Blade it must reach the same file, over ssh as well as here."""
    path = f"{pair.root}/{NON_UTF8}"
    assert (NON_UTF8, "f") in pair.remote.list_names(pair.root)
    local_stat, remote_stat = (b.stat(path) for b in pair.both)
    assert local_stat is not None and local_stat == remote_stat
    assert pair.local.read_bytes(path) == pair.remote.read_bytes(path) == b"x"
    assert pair.local.resolve(path) == pair.remote.resolve(path) == path
    assert pair.local.read_many([path]) == pair.remote.read_many([path]) == ({path: b"x"}, {})
    assert pair.local.read_headers([path]) == pair.remote.read_headers([path]) == ({path: b"x"}, {})
    assert pair.local.run("cat", path).stdout == pair.remote.run("cat", path).stdout == b"x"


def test_errors_about_a_non_utf8_name_agree(pair: Pair) -> None:
    """The command's complaint names the path in its own bytes: it must be read, not crash."""
    path = f"{pair.root}/{NON_UTF8}.missing"
    messages = []
    for blade in pair.both:
        with pytest.raises(BladeError) as caught:
            blade.read_bytes(path)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == f"localhost:{path}: No such file or directory"
    assert pair.local.stat(path) is None and pair.remote.stat(path) is None
    # cat quotes such a name ('caf'$'\351'...); a program that writes its raw bytes to stderr
    # must not make the Blade raise either
    for blade in pair.both:
        said = blade.run("sh", "-c", 'printf "%s: odd\\n" "$1" >&2; exit 1', "sh", path)
        assert said.stderr == f"{path}: odd\n"


def test_digests_agree_and_are_the_contents_sha256(pair: Pair) -> None:
    names = ["plain.txt", ODD_NAME, "latin1.txt", "empty", "missing"]
    paths = [f"{pair.root}/{name}" for name in names]
    (local, local_problems), (remote, remote_problems) = (b.digests(paths) for b in pair.both)
    assert local == remote
    for name in names[:-1]:
        data = Path(f"{pair.root}/{name}").read_bytes()
        assert local[f"{pair.root}/{name}"] == hashlib.sha256(data).hexdigest()
    assert set(local_problems) == set(remote_problems) == {f"{pair.root}/missing"}


def test_a_sourced_rc_can_be_replaced_alike(pair: Pair, tmp_path: Path) -> None:
    chain = Path(pair.root) / "chain.sh"
    chain.write_text(f"source {pair.root}/rc.sh\n")
    other = Path(pair.root) / "other.sh"
    other.write_text("export FOO=replaced\n")
    try:
        views = [
            blade.environment([str(chain)], sourced_instead={f"{pair.root}/rc.sh": str(other)})
            for blade in pair.both
        ]
        assert views[0].variables["FOO"] == views[1].variables["FOO"] == "replaced"
        plain = [blade.environment([str(chain)]) for blade in pair.both]
        assert plain[0].variables["FOO"] == plain[1].variables["FOO"] == "bar"
    finally:
        chain.unlink()
        other.unlink()


def test_links_below_agree_and_say_where_they_lead(pair: Pair) -> None:
    listed = []
    for blade in pair.both:
        links, problems = blade.links_below(pair.root)
        assert problems == []
        listed.append(sorted((link.path, link.target, link.leads_to) for link in links))
    assert listed[0] == listed[1]
    assert ("link", "plain.txt", "f") in listed[0]
    assert ("dangling", "nowhere/at/all", "N") in listed[0]
    assert ("loop", "loop", "L") in listed[0]
    assert ("nested/up", "../plain.txt", "f") in listed[0]


def test_digests_of_a_tree_agree_with_one_command(pair: Pair) -> None:
    (local, local_problems), (remote, remote_problems) = (
        b.digest_tree(pair.root, ("*.txt",)) for b in pair.both
    )
    assert local == remote and local_problems == remote_problems == []
    assert local["nested/deeper/leaf.txt"] == hashlib.sha256(b"leaf\n").hexdigest()
    assert ODD_NAME in local and "link" not in local
