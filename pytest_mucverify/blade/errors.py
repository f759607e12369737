"""What goes wrong on a host, and the hosts found dead in this process."""

from __future__ import annotations


class BladeError(Exception):
    """Something on a host could not be done; the message says what and why."""


class HostUnreachable(BladeError):
    """The host did not answer: ssh failed, or the command never started there."""


class CommandTimedOut(BladeError):
    """A command outlived the host's timeout; the host itself answered (its ``timeout`` ended
    the command), so it is not marked down: a hanging rc file is the rc file's fault."""


_DOWN: dict[str, str] = {}
"""hosts found dead in this process (or by the controller's probe), with the reason: every later
command fails at once with it, so a dead blade costs one timeout, not one per check."""


def mark_down(name: str, reason: str) -> None:
    _DOWN.setdefault(name, reason)


def hosts_down() -> dict[str, str]:
    return dict(_DOWN)


def down_reason(name: str) -> str | None:
    """Why the host was found dead in this process; None while it is not."""
    return _DOWN.get(name)
