"""The demo site: a faithful simulated old/new blade pair, and the faults that can be injected."""

from __future__ import annotations

from .build import build_demo_site
from .faults import FAULTS, Fault, get_fault
from .world import DEFAULT_ACCOUNTS, DEFAULT_NIGHTS, DemoOptions

__all__ = [
    "DEFAULT_ACCOUNTS",
    "DEFAULT_NIGHTS",
    "FAULTS",
    "DemoOptions",
    "Fault",
    "build_demo_site",
    "get_fault",
]
