"""The standard DFO directories (DOMAIN.md §2) and where each lives.

Convention: the data directories sit on the blade's own data disk under ``/data/<account>`` with
the names below; the configuration, tool and monitor directories sit in the shared $HOME.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DfoDirectory:
    variable: str
    name: str
    on_data_disk: bool
    dated: bool
    migrated: bool = True
    """copied by ``muc_migrate -A`` (non-FITS only, but for GEN_CALDIR); the others are each
    blade's own workspace."""


STANDARD_DIRECTORIES: tuple[DfoDirectory, ...] = (
    DfoDirectory("DFO_RAW_DIR", "raw", True, True),
    DfoDirectory("DFO_HDR_DIR", "hdr", True, True),
    DfoDirectory("DFO_CAL_DIR", "calib", True, True),
    DfoDirectory("DFO_SCI_DIR", "science", True, True),
    DfoDirectory("DFO_LOG_DIR", "logs", True, True),
    DfoDirectory("DFO_PLT_DIR", "plots", True, True),
    DfoDirectory("DFO_LST_DIR", "lists", True, True),
    DfoDirectory("DFO_JOB_DIR", "jobs", True, False, migrated=False),
    DfoDirectory("DFO_AB_DIR", "AB", True, False, migrated=False),
    DfoDirectory("DFS_PRODUCT", "product", True, True, migrated=False),
    DfoDirectory("GEN_CALDIR", "gencal", True, False),
    DfoDirectory("TMP_DIR", "tmp", True, False),
    DfoDirectory("DFO_MON_DIR", "monitor", False, False),
    DfoDirectory("DFO_CONFIG_DIR", "config", False, False),
    DfoDirectory("DFO_BIN_DIR", "bin", False, False),
    DfoDirectory("DFO_INSTALL_DIR", "install", False, False),
    DfoDirectory("DFO_DOC_DIR", "doc", False, False),
)
STANDARD_VARIABLES: tuple[str, ...] = ("DFO_ROOT_DIR", *(d.variable for d in STANDARD_DIRECTORIES))
DATA_DIRECTORIES = tuple(d for d in STANDARD_DIRECTORIES if d.on_data_disk)
BY_VARIABLE = {d.variable: d for d in STANDARD_DIRECTORIES}
INCREMENTAL_VARIABLES = ("DFO_LOG_DIR", "DFO_LST_DIR", "DFO_PLT_DIR", "DFO_HDR_DIR")
"""the date directories that ``muc_migrate -I`` copies (2012-12 and all of 2013)."""
FITS_SUFFIXES = (
    ".fits",
    ".fits.gz",
    ".fits.z",
    ".fits.bz2",
    ".fits.xz",
    ".fits.zip",
    ".fz",
    ".fit",
    ".fit.gz",
    ".fts",
)
"""what a FITS file is called, in any case: the usual and the short suffixes, compressed too."""


def is_fits(name: str) -> bool:
    return name.lower().endswith(FITS_SUFFIXES)


def owner_lacks(mode: int) -> str:
    """The owner's rights (r, w, x) a directory's mode bits withhold; empty when it has all."""
    return "".join(
        right for right, bit in (("r", 0o400), ("w", 0o200), ("x", 0o100)) if not mode & bit
    )


RENAMEABLE = ("DFO_LST_DIR", "DFO_PLT_DIR")
"""The only directories muc_migrate lets an account name differently (stored in config.muc_migrate)."""

MUC_MIGRATE_CONFIG = "config.muc_migrate"


def data_root(account: str) -> str:
    return f"/data/{account}"


def parse_muc_migrate_config(text: str) -> tuple[dict[str, str], list[str]]:
    """``config.muc_migrate``: ``DFO_LST_DIR lists`` lines (name of the directory under the data
    root), ``#`` comments. Returns the names and a diagnostic per line it cannot use."""
    names: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0] not in RENAMEABLE or "/" in parts[1]:
            problems.append(f"{MUC_MIGRATE_CONFIG}:{number}: cannot use {raw.strip()!r}")
            continue
        names[parts[0]] = parts[1]
    return names, problems
