"""Over real ssh: a login shell that talks, a banner, a remote exit status of 255, and one shared
connection per run. Everything a shell prints before the command is not the command's output."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sshd import SshdUnavailable, SshServer, check_openssh, start_sshd

from pytest_mucverify.blade import Blade, ssh


@pytest.fixture(scope="module")
def noisy_sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """An sshd whose sessions greet on stdout and stderr before every command (a chatty
    .bashrc, through BASH_ENV) and that shows a banner before login."""
    try:
        check_openssh()
    except SshdUnavailable as exc:
        pytest.skip(str(exc))
    folder = tmp_path_factory.mktemp("noisy-sshd")
    greeting = folder / "greeting.sh"
    greeting.write_text(
        'echo "Welcome to the blade"\necho "stty: standard input: Inappropriate ioctl" >&2\n'
    )
    banner = folder / "banner"
    banner.write_text("Authorised users only. All activity is logged.\n")
    extra = [f"SetEnv BASH_ENV={greeting}", f"Banner {banner}"]
    with start_sshd(folder, extra) as server:
        yield server


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("alpha\n")
    (tmp_path / "b.txt").write_text("beta\n")
    return tmp_path


def test_a_talking_login_shell_and_a_banner_are_not_output(
    noisy_sshd: SshServer, files: Path
) -> None:
    blade = Blade(noisy_sshd.host("noisy"), noisy_sshd.user)
    assert blade.answer("echo", "the answer") == "the answer"
    done = blade.run("sh", "-c", "echo out; echo err >&2")
    assert (done.stdout, done.stderr) == (b"out\n", "err\n")
    listing = blade.tree(str(files))
    assert listing.errors == []
    assert sorted(e.path for e in listing.entries) == ["b.txt", "sub", "sub/a.txt"]
    contents, problems = blade.read_many([str(files / "b.txt"), str(files / "sub" / "a.txt")])
    assert problems == {}
    assert contents[str(files / "b.txt")] == b"beta\n"
    assert blade.list_names(str(files / "missing"), missing_ok=True) == []
    rc = files / "rc"
    rc.write_text("export DFO_TEST=yes\n")
    sourced = blade.environment([str(rc)])
    assert sourced.variables["DFO_TEST"] == "yes"
    assert sourced.complaints == []


def test_a_remote_exit_status_of_255_is_the_programs(sshd_server: SshServer) -> None:
    done = Blade(sshd_server.host(), sshd_server.user).run("sh", "-c", "exit 255")
    assert done.exit_status == 255


def test_one_connection_serves_the_run(sshd_server: SshServer) -> None:
    folder = ssh.open_connections()
    try:
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        blade = Blade(sshd_server.host(), sshd_server.user)
        for n in range(5):
            assert blade.answer("echo", str(n)) == str(n)
        sockets = list(Path(folder).glob("cm-*"))
        assert len(sockets) == 1 and stat.S_ISSOCK(sockets[0].stat().st_mode)
        again = Blade(sshd_server.host(), sshd_server.user)  # another check, the same master
        assert again.answer("echo", "reused") == "reused"
        assert list(Path(folder).glob("cm-*")) == sockets
    finally:
        ssh.close_connections()
    assert not Path(folder).exists()
    assert ssh.control_dir() is None
