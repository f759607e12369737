"""The figure of a per-night check over time: what it measured each night (``measures``, on a
log scale) and how much it examined (its first count, as bars), so a reviewer sees at a glance
that every night was compared and how close the blades were, not only the nights that failed.

Built when the report is written, from the rows of one check; a check whose rows measured
nothing gets no figure.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..matplotlib_config import use_private_matplotlib_config
from . import history

FLOOR = 1e-12
"""A measured 0 (identical values) is drawn here, below every tolerance."""
MAX_SERIES = 12


def trend_figure(check: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, str] | None:
    """``{"title", "mime", "data"}`` of the check's measures over its nights, or None."""
    nights = sorted(
        (history.row_label(row), row)
        for row in rows
        if row.get("measures") and history.row_label(row)
    )
    if not nights:
        return None
    series = sorted({name for _label, row in nights for name in row["measures"]})
    use_private_matplotlib_config()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    labels = [label for label, _row in nights]
    figure, axes = pyplot.subplots(figsize=(7.5, 3.4))
    counted = axes.twinx()
    counts = [next(iter((row.get("examined") or {"": 0}).values())) for _label, row in nights]
    what = next(iter(nights[0][1].get("examined") or {"examined": 0}))
    counted.bar(range(len(labels)), counts, color="#cfd8dc", width=0.6, zorder=0)
    counted.set_ylabel(what, fontsize=8, color="#607d8b")
    counted.tick_params(labelsize=7, colors="#607d8b")
    axes.set_zorder(counted.get_zorder() + 1)
    axes.patch.set_visible(False)
    for name in series[:MAX_SERIES]:
        values = [row["measures"].get(name) for _label, row in nights]
        axes.plot(
            range(len(labels)),
            [math.nan if v is None else max(float(v), FLOOR) for v in values],
            marker="o",
            markersize=3,
            linewidth=1,
            label=name,
        )
    axes.set_yscale("log")
    axes.set_ylim(FLOOR / 2, 1.0)
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylabel(f"measured (floor {FLOOR:g})", fontsize=8)
    axes.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.1, 1.0))
    axes.set_title(f"{check}: each night, what was measured and {what}", fontsize=9)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    pyplot.close(figure)
    data = base64.b64encode(buffer.getvalue().encode()).decode("ascii")
    return {"title": f"{check} over the nights", "mime": "image/svg+xml", "data": data}
