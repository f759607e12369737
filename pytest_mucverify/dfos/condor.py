"""What ``condor_status`` says about a blade's slots."""

from __future__ import annotations

import re

_SLOT = re.compile(r"^slot\d+(?:_\d+)?@\S+\s")


def slot_names(text: str) -> list[str]:
    """The slot lines of condor_status's default listing (``slot1@muc02.hq.eso.org LINUX ...``)."""
    return [line.split()[0] for line in text.splitlines() if _SLOT.match(line)]
