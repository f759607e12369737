"""Whether a cron command is text a shell can read at all: ``bash -n -c TEXT`` run on the
machine that runs the checks (never on a blade), the text handed over as an argument. ``bash``
is the blades' ``/bin/sh``; ``-n`` reads the commands without running any of them. A cron
``%`` cuts the command there (cron feeds the rest on standard input), so a ``date +%Y%m%d`` in a
line leaves ``$(date +`` to the shell: a syntax error, and the job never runs."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

__all__ = ["CHECKER", "syntax_error"]

CHECKER = "bash"
TIMEOUT = 10
_WHERE = re.compile(r"^(?:\S*: )?-c: line \d+: ")


@functools.lru_cache(maxsize=512)
def syntax_error(command: str) -> str | None:
    """The shell's complaint about ``command`` (without the line of it bash quotes back), or
    None when it reads; a reason naming the problem when ``bash`` cannot be run here."""
    program = shutil.which(CHECKER)
    if program is None:
        return f"{CHECKER} is not on this machine's PATH: the command could not be read"
    try:
        done = subprocess.run(
            [program, "-n", "-c", command],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{CHECKER} -n could not read it: {exc}"
    if done.returncode == 0:
        return None
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    if not lines:
        return f"{CHECKER} -n ended with status {done.returncode}"
    said = [_WHERE.sub("", line) for line in lines]
    return "; ".join(line for line in said if not line.startswith("`")) or said[0]
