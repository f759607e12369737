"""The site: hosts, accounts and the rules a site may tune, read from a TOML site file.

Every error names the file, the key and what is wrong, so a QC scientist can fix the file without
reading code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .dfos.qc1compare import Tolerances
from .phases import PHASES

DEFAULT_PHYSICAL_PREFIXES = ("/fujisan3", "/diska")
DEFAULT_TIMEOUT_S = 30.0
MAX_TIMEOUT_S = 3600.0
"""an hour for one command: beyond that a host is as good as unreachable."""
MAX_CONDOR_SLOTS = 1024
SITE_KEYS = frozenset(
    {"name", "demo", "physical_prefixes", "timeout", "waivers", "today", "night_offset_hours"}
)
"""The keys of ``[site]``."""

FEATURES = frozenset(
    {
        "muc_migrate",
        "incremental",
        "full_migration",
        "calchecker",
        "trendplotter",
        "condor",
        "autodaily",
        "processpreimg",
        "operational",
        "vnc",
    }
)
PROCESSQC_FLAVOURS = frozenset({"python", "midas", "gnuplot", "python+midas"})
MUC_NAME = re.compile(r"^muc\d{2}$")
OLD_BLADE_NAME = re.compile(r"^(dfo|qc)\d{2}$")


class SiteError(Exception):
    """A site file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Host:
    name: str
    url: str
    """testinfra host spec; ``{account}`` is replaced by the account name."""
    disk_prefixes: tuple[str, ...] = ()
    """physical prefixes of this host's own data disks (``/fujisan3`` on a muc)."""
    condor_slots: int | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    root: Path | None = None
    """demo only: the folder that stands for this host's ``/``."""
    mounts: Mapping[str, Path] = field(default_factory=dict)
    """demo only: logical path -> folder, e.g. ``/home`` -> the shared home folder."""
    bin_dir: Path | None = None
    """demo only: folder put first on PATH, so commands answer as this host would."""
    ssh_identity_file: str | None = None
    ssh_extra_args: str | None = None
    ssh_config: str | None = None
    """a user's own ssh_config for this host (``ssh -F``)."""

    @property
    def is_muc(self) -> bool:
        return bool(MUC_NAME.match(self.name))

    def url_for(self, account: str) -> str:
        return self.url.replace("{account}", account)


@dataclass(frozen=True)
class Account:
    name: str
    muc: str
    ops: str
    home: str
    features: frozenset[str]
    qc_cluster: bool = False
    processqc: str | None = None
    transition_date: dt.date | None = None
    commissioning_date: dt.date | None = None
    switch_date: dt.date | None = None
    """the day autoDaily moved to the muc (the plan's switch to operations): from then on the
    old blade processes no new night."""
    carried: tuple[str, ...] = ()
    left_behind: tuple[str, ...] = ()
    """non-standard top-level directories of the old data disk: carried to the muc, or left."""

    def has(self, feature: str) -> bool:
        return feature in self.features


@dataclass(frozen=True)
class Site:
    path: Path
    name: str
    hosts: Mapping[str, Host]
    accounts: Mapping[str, Account]
    physical_prefixes: tuple[str, ...] = DEFAULT_PHYSICAL_PREFIXES
    demo: bool = False
    waivers: Path | None = None
    """the waiver file named by the site (``[site] waivers = "waivers.toml"``)."""
    tolerances: Tolerances = field(default_factory=Tolerances)
    tool_versions: Mapping[str, str] = field(default_factory=dict)
    """the standard version of each DFOS tool (``[tool_versions] autoDaily = "2.1"``)."""
    today: dt.date | None = None
    """a frozen TODAY (a demo site, a replay); runs use the clock when it is None."""
    night_offset_hours: float = 12.0
    """DFO_OFFSET: the hour (UT) at which a night's date ends."""

    def account(self, name: str) -> Account:
        try:
            return self.accounts[name]
        except KeyError:
            known = ", ".join(sorted(self.accounts))
            raise SiteError(f"{self.path}: no account {name!r} (the site has: {known})") from None

    def accounts_on(self, host: str) -> list[Account]:
        return sorted((a for a in self.accounts.values() if a.muc == host), key=lambda a: a.name)

    @property
    def old_blade_names(self) -> frozenset[str]:
        return frozenset(a.ops for a in self.accounts.values())


def load_site(path: str | Path) -> Site:
    """The site of a TOML site file; :class:`SiteError` names the file and key of any problem."""
    from .sitefile import read_site  # the reader builds the classes above

    return read_site(Path(path))


__all__ = ["PHASES", "Account", "Host", "Site", "SiteError", "load_site"]
