"""The account's own run: an unprivileged user builds the demo site and verifies it, with a
$HOME it cannot write to, and the run is READY.

A real DFOS account is no superuser: it owns its data disk and its home, reads its own .dbrc
(mode 600) and writes nothing but its reports. The demo built by root gives each account its own
uid (files chowned to it); built by any other user it gives the accounts that user's uid, so the
user who builds and runs it is the account, as on a blade. Both steps here run as ``nobody``
when the tests run as root (CI), else as the current user.

The python of the tests may live where another user cannot reach it (pyenv under /root, mode
700). The run then happens in a private mount namespace (``unshare -m``: the mounts vanish with
it) where each such folder is a tmpfs of mode 755 holding only the python's own tree, bound back
at its own path, so the interpreter and its packages keep their paths. HOME is a folder of
mode 555 that belongs to root: nothing can be written there, and it is compared afterwards.
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, SUITES
from test_home_untouched import snapshot

ACCOUNT = "giraffe"


def blocked_folders(paths: list[str]) -> dict[str, set[str]]:
    """Folders another user cannot enter on the way to the paths, each with the entries below it
    that lead to them: ``{"/root": {"/root/.pyenv"}}`` for a pyenv python."""
    found: dict[str, set[str]] = {}
    for path in paths:
        parts = Path(path).resolve().parts
        for depth in range(1, len(parts) - 1):
            folder = Path(*parts[: depth + 1])
            if not folder.stat().st_mode & stat.S_IXOTH:
                found.setdefault(str(folder), set()).add(str(folder / parts[depth + 1]))
                break
    return found


def reach_script(blocked: dict[str, set[str]], stash: Path) -> list[str]:
    """Shell lines, run as root in the private mount namespace, that open each blocked folder to
    other users with nothing in it but the entries the run needs."""
    lines = ["mount --make-rprivate /"]
    for number, (folder, entries) in enumerate(sorted(blocked.items())):
        kept = []
        for index, entry in enumerate(sorted(entries)):
            place = stash / f"{number}-{index}"
            place.mkdir()
            kept.append((entry, place))
            lines.append(f"mount --bind {shlex.quote(entry)} {shlex.quote(str(place))}")
        lines.append(f"mount -t tmpfs -o mode=0755 tmpfs {shlex.quote(folder)}")
        for entry, place in kept:
            make = "mkdir -p" if Path(entry).is_dir() else "touch"
            lines.append(f"{make} {shlex.quote(entry)}")
            lines.append(f"mount --bind {shlex.quote(str(place))} {shlex.quote(entry)}")
    return lines


def namespaces(stash: Path) -> None:
    """Skip, saying why, where this container gives root no private mount namespace."""
    tried = subprocess.run(
        [
            "unshare",
            "--mount",
            "sh",
            "-c",
            f"mount --make-rprivate / && mount -t tmpfs tmpfs {shlex.quote(str(stash))}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if tried.returncode != 0:
        shutil.rmtree(stash)
        pytest.skip(
            "the python of the tests is out of other users' reach and this system allows no"
            f" private mount namespace to open it (unshare -m needs CAP_SYS_ADMIN): {tried.stderr.strip()}"
        )


def user_commands(work: Path) -> list[list[str]]:
    """What the account does: build the demo site, then verify it."""
    site = work / "site"
    return [
        [
            sys.executable,
            "-m",
            "pytest_mucverify.cli",
            "demo-site",
            f"--accounts={ACCOUNT}",
            str(site),
        ],
        [
            sys.executable,
            "-m",
            "pytest",
            str(SUITES),
            f"--account={ACCOUNT}",
            "--host=muc02",
            f"--site={site / 'site.toml'}",
            f"--reports-dir={work / 'reports'}",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
        ],
    ]


@pytest.fixture
def work() -> Iterator[tuple[Path, int, int, str]]:
    """A folder of the user who runs (uid, gid, name), with a read-only HOME in it."""
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("no user 'nobody' to run as")
        for tool in ("unshare", "setpriv", "mount"):
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} is not installed (util-linux, mount)")
        uid, gid, name = user.pw_uid, user.pw_gid, user.pw_name
    else:
        uid, gid, name = os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name
    folder = Path(tempfile.mkdtemp(prefix="mucverify-account-"))
    home = folder / "home"
    home.mkdir()
    (home / ".profile").write_text("# the account's own\n")
    if os.geteuid() == 0:
        os.chown(folder, uid, gid)
    home.chmod(0o555)
    try:
        yield folder, uid, gid, name
    finally:
        home.chmod(0o755)
        shutil.rmtree(folder)


def test_an_unprivileged_account_builds_and_verifies_the_demo_ready(
    work: tuple[Path, int, int, str],
) -> None:
    folder, uid, gid, name = work
    home = folder / "home"
    before = snapshot(home)
    environment = {
        "HOME": str(home),
        "USER": name,
        "LOGNAME": name,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": str(folder),
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    run_as = [
        shlex.join(["env", "-i", *(f"{k}={v}" for k, v in environment.items()), *argv])
        for argv in user_commands(folder)
    ]
    if os.geteuid() == 0:
        needed = [sys.executable, sys.prefix, sys.base_prefix, str(REPO)]
        blocked = blocked_folders([*needed, *sysconfig.get_paths().values()])
        stash = Path(tempfile.mkdtemp(prefix="mucverify-stash-"))
        if blocked:
            namespaces(stash)
        setpriv = shlex.join(
            ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
        )
        script = [
            "set -e",
            *reach_script(blocked, stash),
            *(f"{setpriv} {command}" for command in run_as),
        ]
        command = ["unshare", "--mount", "sh", "-c", "\n".join(script)]
    else:
        stash = None
        command = ["sh", "-c", "set -e\n" + "\n".join(run_as)]
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    finally:
        if stash is not None:
            shutil.rmtree(stash)
    output = done.stdout + done.stderr
    results_file = folder / "reports" / ACCOUNT / "muc02" / "results.json"
    assert results_file.is_file(), output[-3000:]
    results = json.loads(results_file.read_text())
    assert results["verdict"] == "READY", output[-3000:]
    assert done.returncode == 0, output[-3000:]
    # it was the account's run: the site and the reports belong to the user who ran
    site = folder / "site"
    assert (site / "site.toml").stat().st_uid == uid
    assert results_file.stat().st_uid == uid
    dbrc = site / "home" / ACCOUNT / ".dbrc"
    assert dbrc.stat().st_uid == uid and stat.S_IMODE(dbrc.stat().st_mode) == 0o600
    passwd = (site / "hosts" / "muc02" / "etc" / "passwd").read_text()
    assert f"{ACCOUNT}:x:{uid}:{uid}:" in passwd
    statuses = {row["check"]: row["status"] for row in results["checks"]}
    for check in ("disk.owner", "rc.dbrc-mode", "rc.muc-variables"):
        assert statuses[check] == "passed", (check, statuses[check])
    assert snapshot(home) == before  # HOME is read-only, and nothing tried to change it
