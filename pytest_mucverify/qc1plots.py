"""Figures of QC1 differences for the certification report: per night with a difference, the
relative difference of each parameter (new against old). The nights without a difference are in
the check's figure over time (report/trend.py), from what each row measured."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, TypeVar

from .dfos.qc1 import Qc1Value
from .dfos.qc1compare import Qc1Difference, Tolerances, dotted_name, relative_difference
from .matplotlib_config import use_private_matplotlib_config

Figure = dict[str, str]
"""{"title": ..., "mime": "image/svg+xml", "data": base64 of the SVG}"""
FLOOR = 1e-12
Key = TypeVar("Key", bound=Hashable)


def _numbers(old: Qc1Value | None, new: Qc1Value | None) -> tuple[float, float] | None:
    if isinstance(old, bool) or isinstance(new, bool):
        return None
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old), float(new)
    return None


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue().encode()).decode("ascii")


def difference_figures(
    night: dt.date,
    values: Mapping[Key, tuple[Mapping[str, Qc1Value], Mapping[str, Qc1Value]]],
    differences: Mapping[Key, Sequence[Qc1Difference]],
    tolerances: Tolerances,
) -> list[Figure]:
    differing = sorted({d.parameter for found in differences.values() for d in found})
    if not differing:
        return []
    use_private_matplotlib_config()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    worst: dict[str, float] = {}
    for old, new in values.values():
        for name in set(old) & set(new):
            pair = _numbers(old[name], new[name])
            if pair:
                worst[name] = max(worst.get(name, 0.0), relative_difference(*pair))
    figures: list[Figure] = []
    names = sorted(worst, key=lambda n: dotted_name(n))
    if names:
        figure, axes = pyplot.subplots(figsize=(6.5, 0.22 * len(names) + 1.2))
        shown = [max(worst[n], FLOOR) if math.isfinite(worst[n]) else 1.0 for n in names]
        colours = ["#c62828" if n in differing else "#90a4ae" for n in names]
        axes.barh([dotted_name(n) for n in names], shown, color=colours)
        axes.scatter(
            [tolerances.for_parameter(n).rtol for n in names],
            range(len(names)),
            marker="|",
            color="black",
            s=120,
            label="rtol",
        )
        axes.set_xscale("log")
        axes.set_xlim(FLOOR, max(1.0, *shown))
        axes.set_xlabel("largest |new - old| / |old| over the night's products (floor 1e-12)")
        axes.tick_params(axis="y", labelsize=7)
        axes.legend(loc="lower right", fontsize=7)
        axes.set_title(f"{night}: relative QC1 differences, muc against old blade", fontsize=9)
        figures.append(
            {
                "title": f"{night}: relative differences per parameter",
                "mime": "image/svg+xml",
                "data": _svg(figure),
            }
        )
        pyplot.close(figure)
    return figures
