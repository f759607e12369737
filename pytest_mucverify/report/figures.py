"""Figures a check hands to the report (the QC1 comparison plots).

The interface: a check raises ``CheckFailed(message, evidence, figures=[...])`` (or calls
``require(..., figures=[...])``) with each figure a plain dict::

    {"title": "2013-02-22: relative differences per parameter",
     "mime": "image/svg+xml",            # or "image/png"
     "data": "<base64 of the SVG or PNG bytes>"}

The row carries them in ``figures``; the certification report embeds each as an ``<img>`` with a
``data:`` URI (an SVG inside ``<img>`` runs no script). A figure of another type, with data that
is not base64, or larger than :data:`MAX_FIGURE_BYTES` is left out and said so in the row's
message, so the report stays one self-contained file of reasonable size.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

MIMES = ("image/svg+xml", "image/png")
MAX_FIGURES = 12
MAX_FIGURE_BYTES = 1_000_000
"""per figure, decoded."""


def clean_figures(raw: Iterable[Any]) -> tuple[list[dict[str, str]], list[str]]:
    """The figures fit for the report, and one line per figure left out."""
    kept: list[dict[str, str]] = []
    dropped: list[str] = []
    for number, figure in enumerate(raw, start=1):
        problem = _problem(figure)
        title = str(figure.get("title", "")) if isinstance(figure, dict) else ""
        if problem:
            dropped.append(f"figure {number} {title!r} left out: {problem}")
        elif len(kept) >= MAX_FIGURES:
            dropped.append(f"figure {number} {title!r} left out: more than {MAX_FIGURES} figures")
        else:
            kept.append({"title": title, "mime": figure["mime"], "data": figure["data"]})
    return kept, dropped


def _problem(figure: Any) -> str | None:
    if not isinstance(figure, dict):
        return "not a {title, mime, data} table"
    if figure.get("mime") not in MIMES:
        return f"type {figure.get('mime')!r} is not one of {', '.join(MIMES)}"
    data = figure.get("data")
    if not isinstance(data, str) or not data:
        return "no data"
    if len(data) > MAX_FIGURE_BYTES * 4 // 3 + 4:
        return f"larger than {MAX_FIGURE_BYTES // 1000} kB"
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return "data is not base64"
    return None
