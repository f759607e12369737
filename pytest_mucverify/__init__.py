"""pytest-mucverify: the dfo/qc -> muc blade migration plan as a pytest plugin."""

from __future__ import annotations

__version__ = "0.1.0"

from .checking import (
    CheckFailed,
    check,
    examined,
    measured,
    not_applicable,
    note,
    nothing_to_compare,
    require,
    require_none,
)

__all__ = [
    "CheckFailed",
    "__version__",
    "check",
    "examined",
    "measured",
    "not_applicable",
    "note",
    "nothing_to_compare",
    "require",
    "require_none",
]
