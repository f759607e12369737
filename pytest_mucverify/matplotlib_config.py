"""Keeps matplotlib's configuration and font cache out of the account's $HOME.

matplotlib reads its matplotlibrc from, and writes its font cache into, ``$MPLCONFIGDIR``, else
``~/.config/matplotlib`` and ``~/.cache/matplotlib``. A verification run must not write into the
account it certifies, so before matplotlib is first imported MPLCONFIGDIR is pointed at a folder
of this user's own in the temporary directory, unless the user has set it.

The folder is reused from run to run (building the font cache takes seconds, on every xdist
worker), but only while it is private: a real folder, owned by this user, closed to everyone
else, so that no other user can plant a matplotlibrc in it. Otherwise a fresh one is made for
this process and removed at its exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile

PREFIX = "mucverify-matplotlib-"


def use_private_matplotlib_config() -> str:
    """Set MPLCONFIGDIR to a private folder unless it is set already; returns its value.

    Effective only when called before matplotlib is first imported.
    """
    chosen = os.environ.get("MPLCONFIGDIR")
    if chosen:
        return chosen
    folder = _shared_private_folder() or _fresh_private_folder()
    os.environ["MPLCONFIGDIR"] = folder
    return folder


def _shared_private_folder() -> str | None:
    folder = os.path.join(tempfile.gettempdir(), f"{PREFIX}{os.geteuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return folder if _is_private(folder) else None


def _is_private(folder: str) -> bool:
    try:
        status = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode)
        and status.st_uid == os.geteuid()
        and not status.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )


def _fresh_private_folder() -> str:
    folder = tempfile.mkdtemp(prefix=PREFIX)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
