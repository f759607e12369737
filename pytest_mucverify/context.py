"""What a check sees of one account: its site entry, both blades and the environments the DFOS
tools get there. One per account and worker; expensive answers are computed once."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from .blade import Blade, BladeError, FileStat, SourcedEnvironment
from .dfos.layout import data_root
from .phases import reached
from .runplan import RunPlan, Target
from .site import Account, Site


class AccountUnderTest:
    def __init__(self, plan: RunPlan, target: Target) -> None:
        self.plan = plan
        self.target = target
        self.spec: Account = target.account
        self.name = target.account.name
        self.site: Site = plan.site
        self.phase = plan.phase
        self.muc = Blade(plan.site.hosts[target.host], self.name, home=self.spec.home)
        self.ops = Blade(plan.site.hosts[target.ops_host], self.name, home=self.spec.home)
        self._environments: dict[tuple[str, tuple[str, ...]], SourcedEnvironment | BladeError] = {}

    def __repr__(self) -> str:
        return (
            f"AccountUnderTest({self.name!r}, {self.ops.name}->{self.muc.name}, phase={self.phase})"
        )

    def home_file(self, name: str) -> str:
        return f"{self.spec.home.rstrip('/')}/{name}"

    @cached_property
    def muc_rc(self) -> str:
        """The rc file the DFOS tools read on the muc: ``.dfosrc_muc`` until the switch has
        removed it, ``.dfosrc`` after."""
        muc_rc = self.home_file(".dfosrc_muc")
        if reached(self.phase, "operational") and not self.muc.exists(muc_rc):
            return self.home_file(".dfosrc")
        return muc_rc

    def environment(self, blade: Blade, *rc_names: str) -> SourcedEnvironment:
        """bash's environment after sourcing the named home files on that blade (cached)."""
        key = (blade.name, rc_names)
        if key not in self._environments:
            try:
                paths = [
                    name if name.startswith("/") else self.home_file(name) for name in rc_names
                ]
                self._environments[key] = blade.environment(paths)
            except BladeError as exc:
                self._environments[key] = exc
        found = self._environments[key]
        if isinstance(found, BladeError):
            raise found
        return found

    @property
    def data_root(self) -> str:
        """The account's logical data root on the muc (DFO_ROOT_DIR, by default /data/<account>)."""
        return self.muc_env.variables.get("DFO_ROOT_DIR") or data_root(self.name)

    def data_directories(self) -> list[FileStat]:
        """The account's /data directories on the muc: the data root and every directory in it."""
        root = self.muc.stat(self.data_root)
        if root is None:
            raise BladeError(f"{self.muc.name}:{self.data_root}: does not exist")
        listing = self.muc.tree(self.data_root, max_depth=1)
        if listing.errors:
            raise BladeError(
                f"{self.muc.name}: cannot list {self.data_root}: {'; '.join(listing.errors)}"
            )
        children = [
            replace(entry, path=f"{self.data_root}/{entry.path}")
            for entry in listing.entries
            if entry.is_dir
        ]
        return [root, *sorted(children, key=lambda e: e.path)]

    @property
    def muc_env(self) -> SourcedEnvironment:
        """What cron and condor jobs see on the muc: .qcrc, then the muc rc file."""
        return self.environment(self.muc, ".qcrc", self.muc_rc)
