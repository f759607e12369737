"""How commands reach a remote blade over ssh: one shared connection per run, framed output, and
a cap on concurrent sessions per host.

- **One connection.** The run's controller makes a private folder for ssh's control sockets
  (:func:`open_connections`); its probe of each blade opens the master connection before any
  xdist worker starts, so the workers reuse it and never race to create it. The folder and the
  masters go when the run ends (:func:`close_connections`).
- **Framed output.** Whatever a login shell prints before the command runs (a ``.bashrc``
  greeting, an sshd banner, ``stty`` complaints) is not the command's output: each command first
  prints a marker on stdout and stderr and then ``exec``s the program, and everything before the
  marker is dropped. A command whose marker never came did not start: a transport problem.
- **A cap on sessions.** sshd serves at most ten sessions per connection (``MaxSessions``): at
  most :data:`SESSIONS_PER_HOST` commands run on one host at a time, across all workers, by a
  lock file per slot in the control folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

MARKER = "::mucverify-output::"
FRAME_SCRIPT = 'printf %s "$0"; printf %s "$0" >&2; exec "$@"'
"""run by the blade's sh: the marker on both streams, then the command itself."""
SESSIONS_PER_HOST = 8
CONTROL_PERSIST_S = 120
SSH_OPTIONS = "-o BatchMode=yes -o ServerAliveInterval=5 -o ServerAliveCountMax=2 -o LogLevel=ERROR"

_control_dir: str | None = None


def open_connections() -> str:
    """A private folder for this run's control sockets (short, so socket paths stay under the
    108-byte limit); the masters are opened by the first command to each host."""
    global _control_dir
    _control_dir = tempfile.mkdtemp(prefix="mv-ssh-")
    os.chmod(_control_dir, 0o700)
    return _control_dir


def use_connections(folder: str | None) -> None:
    """An xdist worker uses the controller's folder (and so its master connections)."""
    global _control_dir
    _control_dir = folder if folder and os.path.isdir(folder) else None


def control_dir() -> str | None:
    return _control_dir


def close_connections() -> None:
    """Stop every master connection of the run and remove its folder."""
    global _control_dir
    folder, _control_dir = _control_dir, None
    if folder is None:
        return
    for socket in Path(folder).glob("cm-*"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                ["ssh", "-o", f"ControlPath={socket}", "-O", "exit", "blade"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=10,
                check=False,
            )
    shutil.rmtree(folder, ignore_errors=True)


def control_path() -> str | None:
    """ssh's ControlPath for testinfra, whose command template is %-formatted: ``%%C`` reaches
    ssh as ``%C``, the hash of user, host and port."""
    return f"{_control_dir}/cm-%%C" if _control_dir else None


@contextlib.contextmanager
def session_slot(host: str) -> Iterator[None]:
    """Hold one of the host's session slots while a command runs on it."""
    if _control_dir is None:
        yield
        return
    handles = []
    try:
        for offset in range(SESSIONS_PER_HOST):
            slot = (os.getpid() + offset) % SESSIONS_PER_HOST
            handle = open(f"{_control_dir}/{host}.slot{slot}", "w")  # noqa: SIM115
            handles.append(handle)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue
            yield
            return
        fcntl.flock(handles[0], fcntl.LOCK_EX)  # every slot busy: wait for this process's own
        yield
    finally:
        for handle in handles:
            handle.close()


def framed(argv: list[str]) -> list[str]:
    """The command as the blade's login shell gets it: sh prints the marker, then execs it."""
    return ["sh", "-c", FRAME_SCRIPT, MARKER, *argv]


def unframe(stdout: bytes, stderr: str) -> tuple[bytes, str] | None:
    """The command's own output, without what came before the marker; None when the marker
    never came (the command did not start)."""
    marker = MARKER.encode()
    if marker not in stdout:
        return None
    out = stdout.split(marker, 1)[1]
    err = stderr.split(MARKER, 1)[1] if MARKER in stderr else stderr
    return out, err
