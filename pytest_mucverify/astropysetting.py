"""astropy's one setting that changes a header value read (``conf.strip_header_whitespace``:
whether a padded string keeps its blanks), for xdist workers.

A worker that meets a padded string would import astropy and numpy (0.4 s and 30 MiB) only to
read it. The controller asks a child python instead, started as the session starts so that it
runs while the workers start, and tells each worker the answer; neither holds astropy for it.
"""

from __future__ import annotations

import subprocess
import sys

_ASK = "from astropy.io import fits; print(bool(fits.conf.strip_header_whitespace))"
TIMEOUT = 120


class AstropyStripSetting:
    def __init__(self) -> None:
        self._child: subprocess.Popen[str] | None = None
        self._answer: bool | None = None
        self._settled = False
        """whether the answer is known (or known not to come)."""

    def ask(self) -> None:
        """Start the child, once."""
        if self._child is not None or self._settled:
            return
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-c", _ASK],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        except OSError:
            self._settled = True

    def answer(self) -> bool | None:
        """The setting, or None when the child could not tell (each worker then asks astropy)."""
        self.ask()
        if self._child is not None and not self._settled:
            self._settled = True
            try:
                out, _ = self._child.communicate(timeout=TIMEOUT)
                self._answer = {"True": True, "False": False}.get(out.strip())
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
        return self._answer
