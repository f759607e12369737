"""What a check sees of one account: its site entry, both blades and the environments the DFOS
tools get there. One per account and worker; expensive answers are computed once."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from typing import TypeVar

from .blade import (
    Blade,
    BladeError,
    CommandTimedOut,
    FileStat,
    SourcedEnvironment,
    TreeListing,
)
from .bladedata import BladeData
from .checking import not_applicable, nothing_to_compare
from .dfos.abpaths import AbPathRules
from .dfos.crontab import Crontab, parse_crontab
from .dfos.dbrc import hosts_named
from .dfos.layout import DATA_DIRECTORIES, data_root
from .phases import reached
from .report.redact import dbrc_values
from .runplan import RunPlan, Target
from .site import Account, Site
from .timeline import NightRoles, night_roles
from .treecompare import TreeComparison, View, compare_tree

T = TypeVar("T")


def answer_or_raise(kept: T | BladeError) -> T:
    """A kept answer, or the kept failure raised as a new exception: raising the kept one again
    would add every asking check's frames to its traceback, which pytest formats for each row,
    ever longer."""
    if isinstance(kept, BladeError):
        raise type(kept)(*kept.args) from None
    return kept


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
        self._listings: dict[tuple[str, str, int | None], TreeListing] = {}
        self._comparisons: dict[
            tuple[str, str, tuple[str, ...], tuple[str, ...] | None], TreeComparison | BladeError
        ] = {}
        self._crontabs: dict[str, Crontab] = {}

    def __repr__(self) -> str:
        return (
            f"AccountUnderTest({self.name!r}, {self.ops.name}->{self.muc.name}, phase={self.phase})"
        )

    def roles(self, night: dt.date) -> NightRoles:
        """Which blade the site's dates say has processed the night."""
        return night_roles(self.spec, self.phase, night, self.plan.today)

    def nothing_of_night_on_muc(self, night: dt.date, what: str, looked: list[str]) -> None:
        """The muc holds nothing of the night: not applicable when the site's dates say the muc
        does not process it; otherwise the check fails, saying where it looked."""
        reason = self.roles(night).muc
        if reason:
            not_applicable(reason)
        nothing_to_compare(f"{what} on {self.muc.name}, which processes {night}", looked)

    def home_file(self, name: str) -> str:
        return f"{self.spec.home.rstrip('/')}/{name}"

    @cached_property
    def secrets(self) -> list[str]:
        """Every value of the account's .dbrc (passwords, users, servers): no report shows them.
        Blade names stay, so a finding can still say which blade .dbrc names."""
        try:
            text = self.muc.read_text(self.home_file(".dbrc"))
        except BladeError:
            return []
        blades = {*self.site.hosts, *(h.host for h in hosts_named(text))}
        return dbrc_values(text, blades)

    @cached_property
    def muc_rc(self) -> str:
        """The rc file the DFOS tools read on the muc: ``.dfosrc_muc`` until the switch has
        removed it, ``.dfosrc`` after."""
        muc_rc = self.home_file(".dfosrc_muc")
        if reached(self.phase, "operational") and not self.muc.exists(muc_rc):
            return self.home_file(".dfosrc")
        return muc_rc

    def environment(self, blade: Blade, *rc_names: str) -> SourcedEnvironment:
        """bash's environment after sourcing the named home files on that blade, cached by the
        files' paths (``.dfosrc_muc`` and ``$HOME/.dfosrc_muc`` are one answer), a failure too:
        an rc file that hangs costs one timeout per worker, not one per check that asks."""
        paths = tuple(name if name.startswith("/") else self.home_file(name) for name in rc_names)
        key = (blade.name, paths)
        if key not in self._environments:
            try:
                self._environments[key] = blade.environment(list(paths))
            except CommandTimedOut:
                self._environments[key] = CommandTimedOut(
                    f"{blade.name}: sourcing {', '.join(rc_names)} did not finish within"
                    f" {blade.host.timeout:g} s"
                )
            except BladeError as exc:
                self._environments[key] = exc
        return answer_or_raise(self._environments[key])

    @property
    def data_root(self) -> str:
        """The account's logical data root on the muc (DFO_ROOT_DIR, by default /data/<account>)."""
        return self.muc_env.variables.get("DFO_ROOT_DIR") or data_root(self.name)

    def data_directories(self) -> list[FileStat]:
        """The account's /data directories on the muc: the data root and every directory in it."""
        root = self.muc.stat(self.data_root)
        if root is None:
            raise BladeError(f"{self.muc.name}:{self.data_root}: does not exist")
        listing = self.listing(self.muc, self.data_root, max_depth=1)
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

    @cached_property
    def ops_rc(self) -> str:
        """The old blade's rc file: ``.dfosrc``, or ``.dfosrc_old`` once the switch has made
        ``.dfosrc`` the muc's."""
        old_rc = self.home_file(".dfosrc_old")
        if reached(self.phase, "operational") and self.ops.exists(old_rc):
            return old_rc
        return self.home_file(".dfosrc")

    @property
    def ops_env(self) -> SourcedEnvironment:
        return self.environment(self.ops, ".qcrc", self.ops_rc)

    def directory(self, variable: str, blade: Blade | None = None) -> str:
        """Where a DFO variable points on that blade (the muc by default)."""
        blade = blade or self.muc
        env = self.muc_env if blade is self.muc else self.ops_env
        value = env.variables.get(variable)
        if not value:
            raise BladeError(f"{blade.name}: {variable} is not defined by the rc files there")
        return value

    def listing(self, blade: Blade, path: str, max_depth: int | None = None) -> TreeListing:
        """One bulk listing of a tree, kept for every check of this worker that needs it when it
        is of a few levels; a whole tree is listed for its one asker and not kept (a data tree
        of a year is compared batch by batch, see :mod:`.treecompare`)."""
        return self.listings(blade, [path], max_depth)[0]

    def listings(
        self, blade: Blade, paths: Sequence[str], max_depth: int | None = None
    ) -> list[TreeListing]:
        """listing() of each path, those not yet kept in one bulk operation."""
        if max_depth is None:
            return blade.trees(paths)
        asked = [
            path
            for path in dict.fromkeys(paths)
            if (blade.name, path, max_depth) not in self._listings
        ]
        for path, found in zip(asked, blade.trees(asked, max_depth), strict=True):
            self._listings[(blade.name, path, max_depth)] = found
        return [self._listings[(blade.name, path, max_depth)] for path in paths]

    def complete_listing(
        self, blade: Blade, path: str, max_depth: int | None = None
    ) -> TreeListing:
        """A listing that must be whole: what could not be read makes the check an error."""
        listing = self.listing(blade, path, max_depth)
        if listing.errors:
            raise BladeError(f"{blade.name}: cannot list {path}: {'; '.join(listing.errors[:5])}")
        return listing

    def tree_comparison(
        self,
        old_dir: str,
        new_dir: str,
        views: Mapping[str, View],
        names: tuple[str, ...] | None,
    ) -> TreeComparison:
        """The old blade's tree against the muc's, judged for every view at once (the checks
        that read one tree name the same views) and kept as verdicts, a failure too."""
        key = (old_dir, new_dir, tuple(views), names)
        if key not in self._comparisons:
            try:
                self._comparisons[key] = compare_tree(
                    self.listings, self.ops, self.muc, old_dir, new_dir, views, names, self.name
                )
            except BladeError as exc:
                self._comparisons[key] = exc
        return answer_or_raise(self._comparisons[key])

    def crontab(self, blade: Blade) -> Crontab:
        """What ``crontab -l`` prints for the account on that blade, parsed; none is empty."""
        if blade.name not in self._crontabs:
            listed = blade.run("crontab", "-l")
            if not listed.succeeded and "no crontab" not in listed.stderr:
                raise BladeError(
                    f"{blade.name}: crontab -l failed: {listed.stderr.strip() or listed.exit_status}"
                )
            self._crontabs[blade.name] = parse_crontab(listed.stdout if listed.succeeded else b"")
        return self._crontabs[blade.name]

    def find_program(self, blade: Blade, program: str, path: str) -> str | None:
        """Where a program lies on the blade: itself when absolute, else the first PATH folder
        that holds it."""
        if program.startswith("/"):
            return program if blade.exists(program) else None
        for folder in filter(None, path.split(":")):
            if folder.startswith("/") and blade.exists(f"{folder}/{program}"):
                return f"{folder}/{program}"
        return None

    @cached_property
    def muc_data(self) -> BladeData:
        return BladeData(self.muc, lambda variable: self.directory(variable, self.muc))

    @cached_property
    def ops_data(self) -> BladeData:
        return BladeData(self.ops, lambda variable: self.directory(variable, self.ops))

    @cached_property
    def ab_path_rules(self) -> AbPathRules:
        return AbPathRules(self.muc_env.variables, self.name, self.site.physical_prefixes)

    def non_standard_entries(self, blade: Blade) -> list[FileStat]:
        """What the top level of the account's data disk on that blade holds beside the standard
        DFO directories: folders, files and symbolic links, each with its full path."""
        env = self.muc_env if blade is self.muc else self.ops_env
        root = env.variables.get("DFO_ROOT_DIR") or self.data_root
        standard = {
            posixpath.normpath(env.variables[d.variable])
            for d in DATA_DIRECTORIES
            if env.variables.get(d.variable)
        }
        listing = self.complete_listing(blade, root, max_depth=1)
        entries = [replace(e, path=f"{root}/{e.path}") for e in listing.entries]
        return sorted((e for e in entries if e.path not in standard), key=lambda e: e.path)

    def non_standard_folders(self, blade: Blade) -> list[str]:
        """Top-level directories of the account's data disk on that blade that no standard DFO
        variable names (symbolic links to directories too: the tools follow them)."""
        return [
            e.path
            for e in self.non_standard_entries(blade)
            if e.is_dir
            or (e.kind == "l" and (found := blade.stat(e.path)) is not None and found.is_dir)
        ]

    @cached_property
    def physical_root(self) -> str:
        return self.muc.resolve(self.data_root)

    def canonical(self, path: str) -> str:
        """A muc path with the physical data root written as the logical one, normalised."""
        path = posixpath.normpath(path) if path else path
        physical = self.physical_root
        if physical != self.data_root and (path == physical or path.startswith(physical + "/")):
            return self.data_root + path[len(physical) :]
        return path
