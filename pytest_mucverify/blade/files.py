"""How a Blade reaches files: directly (scandir, on the blade itself or a demo host folder:
:mod:`.localfiles`) or through commands on the host (one ``find`` per tree: :mod:`.remotefiles`).
Both offer :class:`FileAccess`."""

from __future__ import annotations

from .access import UNRESOLVABLE, CommandRunner, FileAccess, FileAccessError
from .localfiles import LocalFiles
from .remotefiles import RemoteFiles

__all__ = [
    "UNRESOLVABLE",
    "CommandRunner",
    "FileAccess",
    "FileAccessError",
    "LocalFiles",
    "RemoteFiles",
]
