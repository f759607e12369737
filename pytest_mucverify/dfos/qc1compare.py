"""Comparing the QC1 parameters of one product as the old blade and the muc wrote them.

Strings, ints and booleans must be equal; floats equal within a tolerance (by default relative
1e-6, absolute 1e-9; per-parameter patterns may loosen or tighten it); -999 (a missing value)
equals only -999; an int that became a float (or any change of type) is a difference; a
parameter on one side only is a difference. This is what ``muc_compare`` did by hand.
"""

from __future__ import annotations

import fnmatch
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .qc1 import Qc1Value

MISSING = -999
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9


@dataclass(frozen=True)
class Tolerance:
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL

    def __str__(self) -> str:
        return f"rtol {self.rtol:g}, atol {self.atol:g}"


@dataclass(frozen=True)
class Tolerances:
    """Per-parameter tolerances: the first pattern (``QC.*.RON.*``) that matches the dotted name wins."""

    default: Tolerance = Tolerance()
    patterns: tuple[tuple[str, Tolerance], ...] = ()

    def for_parameter(self, name: str) -> Tolerance:
        """The tolerance of a parameter; the HDU part of a name (``CHIP2:``) does not count."""
        dotted = dotted_name(name.rsplit(":", 1)[-1])
        for pattern, tolerance in self.patterns:
            if fnmatch.fnmatchcase(dotted, pattern):
                return tolerance
        return self.default


def dotted_name(keyword: str) -> str:
    """``ESO QC BIAS MASTER MEDIAN`` -> ``QC.BIAS.MASTER.MEDIAN`` (the QC1 parameter's usual name);
    a name already dotted (``CHIP2:QC.BIAS.MASTER.MEDIAN``) stays as it is."""
    words = keyword.split()
    if words and words[0] == "ESO":
        words = words[1:]
    return ".".join(words)


@dataclass(frozen=True)
class Qc1Difference:
    parameter: str
    old: Qc1Value | None
    new: Qc1Value | None
    reason: str
    relative: float | None = None
    tolerance: Tolerance | None = None

    def evidence(self, ab: str, product: str) -> str:
        relative = "-" if self.relative is None else f"{self.relative:.3g}"
        tolerance = "-" if self.tolerance is None else str(self.tolerance)
        return (
            f"{ab}  {product}  {dotted_name(self.parameter)}  old={_show(self.old)}  new={_show(self.new)}"
            f"  rel={relative}  tol={tolerance}  {self.reason}"
        )


def _show(value: Qc1Value | None) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, str):
        return repr(value)
    return repr(value)


def _kind(value: Qc1Value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex"
    return "str"


def relative_difference(old: float, new: float) -> float:
    if old == new:
        return 0.0
    scale = max(abs(old), abs(new))
    return abs(new - old) / scale if scale else math.inf


def compare_values(
    name: str, old: Qc1Value, new: Qc1Value, tolerances: Tolerances
) -> Qc1Difference | None:
    old_kind, new_kind = _kind(old), _kind(new)
    if old_kind != new_kind:
        return Qc1Difference(name, old, new, f"{old_kind} became {new_kind}")
    if old_kind != "float":
        return None if old == new else Qc1Difference(name, old, new, "differs")
    assert isinstance(old, float) and isinstance(new, float)
    if old == MISSING or new == MISSING:
        return (
            None if old == new else Qc1Difference(name, old, new, "-999 (missing) on one side only")
        )
    if math.isnan(old) or math.isnan(new):
        return (
            None
            if math.isnan(old) and math.isnan(new)
            else Qc1Difference(name, old, new, "NaN on one side only")
        )
    tolerance = tolerances.for_parameter(name)
    relative = relative_difference(old, new)
    if abs(new - old) <= tolerance.atol + tolerance.rtol * abs(old):
        return None
    return Qc1Difference(name, old, new, "beyond tolerance", relative, tolerance)


def compare_qc1(
    old: Mapping[str, Qc1Value], new: Mapping[str, Qc1Value], tolerances: Tolerances = Tolerances()
) -> list[Qc1Difference]:
    found = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            found.append(Qc1Difference(name, old[name], None, "missing on the muc"))
        elif name not in old:
            found.append(Qc1Difference(name, None, new[name], "only on the muc"))
        else:
            difference = compare_values(name, old[name], new[name], tolerances)
            if difference:
                found.append(difference)
    return found


def hdu_of(parameter: str) -> str:
    """The HDU part of a parameter name (``CHIP2`` of ``CHIP2:QC.X``; "" for the primary)."""
    return parameter.rsplit(":", 1)[0] if ":" in parameter else ""


def hdus_on_one_side(
    old: Mapping[str, Qc1Value], new: Mapping[str, Qc1Value]
) -> dict[str, tuple[str, int]]:
    """The extension HDUs whose QC1 parameters are all on one blade: HDU -> (``"old"`` or
    ``"new"``, how many parameters). Reported once per HDU rather than once per parameter."""
    old_hdus, new_hdus = Counter(map(hdu_of, old)), Counter(map(hdu_of, new))
    found = {hdu: ("old", n) for hdu, n in old_hdus.items() if hdu and hdu not in new_hdus}
    found.update({hdu: ("new", n) for hdu, n in new_hdus.items() if hdu and hdu not in old_hdus})
    return found


def largest_relative_difference(old: Mapping[str, Qc1Value], new: Mapping[str, Qc1Value]) -> float:
    """The largest relative difference of the float parameters both sides hold (-999 and NaN
    aside): how close two products are, even when they agree within tolerance."""
    return max(largest_relative_by_family(old, new).values(), default=0.0)


def parameter_family(name: str) -> str:
    """``QC.BIAS`` of ``CHIP2:QC.BIAS.MASTER.MEDIAN`` (or of ``ESO QC BIAS MASTER MEDIAN``): the
    first word after QC, whatever the HDU."""
    return ".".join(dotted_name(name.rsplit(":", 1)[-1]).split(".")[:2])


def largest_relative_by_family(
    old: Mapping[str, Qc1Value], new: Mapping[str, Qc1Value]
) -> dict[str, float]:
    """:func:`largest_relative_difference` per parameter family (``QC.BIAS``: 3e-9)."""
    largest: dict[str, float] = {}
    for name in set(old) & set(new):
        before, after = old[name], new[name]
        if _kind(before) != "float" or _kind(after) != "float":
            continue
        assert isinstance(before, float) and isinstance(after, float)
        if MISSING in (before, after) or math.isnan(before) or math.isnan(after):
            continue
        family = parameter_family(name)
        largest[family] = max(largest.get(family, 0.0), relative_difference(before, after))
    return largest


MAX_RTOL = 0.01
"""the largest relative tolerance a site may set: 1 %."""


def tolerances_from(table: Mapping[str, object], where: str) -> Tolerances:
    """``{"default" = {rtol, atol}, "QC.*.RON.*" = {rtol = 1e-5}}`` -> Tolerances; ValueError names
    the pattern and the problem."""
    default = Tolerance()
    patterns: list[tuple[str, Tolerance]] = []
    for pattern, spec in table.items():
        if not isinstance(spec, Mapping) or not spec or set(spec) - {"rtol", "atol"}:
            raise ValueError(f"{where}.{pattern}: must be a table of rtol and/or atol")
        values = {}
        for key in ("rtol", "atol"):
            value = spec.get(key)
            if value is None:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(
                    f"{where}.{pattern}.{key}: must be a number >= 0 and finite, not {value!r}"
                )
            if key == "rtol" and value > MAX_RTOL:
                raise ValueError(
                    f"{where}.{pattern}.rtol: {value!r} is more than {MAX_RTOL:g}: a recompiled"
                    " pipeline agrees far closer, and such a tolerance would compare nothing"
                )
            values[key] = float(value)
        tolerance = Tolerance(values.get("rtol", DEFAULT_RTOL), values.get("atol", DEFAULT_ATOL))
        if pattern == "default":
            default = tolerance
        else:
            patterns.append((pattern, tolerance))
    return Tolerances(default, tuple(patterns))


def differing_parameters(differences: Sequence[Qc1Difference]) -> list[str]:
    return sorted({d.parameter for d in differences})
