"""Stopping a served blade's sshd by its PID, the sessions it started first."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stop_pid(pid: int, grace_s: float = 3.0) -> None:
    """Stop the sshd of that PID and the sessions it started (a frozen one too): the sessions
    first, while their listener is alive to reap them, then the listener."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGCONT)
    sessions = _children(pid)
    for stage in (sessions, [pid]):
        for target in stage:
            with contextlib.suppress(ProcessLookupError):
                os.kill(target, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(_alive(p) for p in stage):
            _reap(pid)
            time.sleep(0.02)
        for target in stage:
            if _alive(target):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(target, signal.SIGKILL)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _alive(pid):
        _reap(pid)
        time.sleep(0.02)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
