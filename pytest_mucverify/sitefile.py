"""Reading a TOML site file into a :class:`~.site.Site`, refusing what it cannot mean.

Every key is known, every number finite and in range, every name a host or account of the site;
each error names the file and the key.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .dfos.qc1compare import tolerances_from
from .site import (
    DEFAULT_PHYSICAL_PREFIXES,
    DEFAULT_TIMEOUT_S,
    FEATURES,
    MAX_CONDOR_SLOTS,
    MAX_TIMEOUT_S,
    MUC_NAME,
    PROCESSQC_FLAVOURS,
    SITE_KEYS,
    Account,
    Host,
    Site,
    SiteError,
)
from .tomlfile import read_toml


def read_site(path: Path) -> Site:
    return _SiteReader(path).site(read_toml(path, "site file", SiteError))


class _SiteReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.base = path.parent

    def fail(self, key: str, problem: str) -> SiteError:
        return SiteError(f"{self.path}: {key}: {problem}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"{where}{key}", f"must be a table, not {type(value).__name__}")
        return value

    def string(
        self, data: Mapping[str, Any], key: str, where: str, default: str | None = None
    ) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.fail(f"{where}{key}", "is required")
        if not isinstance(value, str) or not value:
            raise self.fail(f"{where}{key}", f"must be a non-empty string, not {value!r}")
        return value

    def opt_string(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        return None if key not in data else self.string(data, key, where)

    def strings(
        self, data: Mapping[str, Any], key: str, where: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{where}{key}", f"must be a list of non-empty strings, not {value!r}")
        return tuple(value)

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        default: float,
        maximum: float = MAX_TIMEOUT_S,
    ) -> float:
        """A number of seconds: finite, positive and at most ``maximum`` (TOML has nan and inf)."""
        value = data.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 < value <= maximum
        ):
            raise self.fail(
                f"{where}{key}",
                f"must be a positive number of seconds, at most {maximum:g}, not {value!r}",
            )
        return float(value)

    def opt_int(
        self, data: Mapping[str, Any], key: str, where: str, maximum: int = MAX_CONDOR_SLOTS
    ) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            raise self.fail(
                f"{where}{key}", f"must be a whole number from 0 to {maximum}, not {value!r}"
            )
        return value

    def opt_date(self, data: Mapping[str, Any], key: str, where: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f"{where}{key}", f"must be a date YYYY-MM-DD, not {value!r}")

    def versions(self, table: Mapping[str, Any]) -> dict[str, str]:
        for tool, version in table.items():
            if not isinstance(version, str) or not re.fullmatch(r"\d+(\.\d+)*", version):
                raise self.fail(
                    f"tool_versions.{tool}", f'must be a version such as "2.1", not {version!r}'
                )
        return dict(table)

    def folder(self, value: str) -> Path:
        folder = Path(value)
        return folder if folder.is_absolute() else self.base / folder

    def site(self, data: Mapping[str, Any]) -> Site:
        top = self.table(data, "site", "")
        for key in top:
            if key not in SITE_KEYS:
                raise self.fail(
                    f"site.{key}", f"unknown key (one of {', '.join(sorted(SITE_KEYS))})"
                )
        unknown = set(data) - {"site", "hosts", "accounts", "tolerances", "tool_versions"}
        if unknown:
            raise self.fail(
                sorted(unknown)[0],
                "unknown top-level key (site, hosts, accounts, tolerances, tool_versions)",
            )
        try:
            tolerances = tolerances_from(self.table(data, "tolerances", ""), "tolerances")
        except ValueError as exc:
            key, _, problem = str(exc).partition(": ")
            raise self.fail(key, problem) from None
        prefixes = self.strings(top, "physical_prefixes", "site.", DEFAULT_PHYSICAL_PREFIXES)
        for prefix in prefixes:
            if not prefix.startswith("/") or prefix.endswith("/"):
                raise self.fail(
                    "site.physical_prefixes",
                    f"{prefix!r} must be an absolute path without a trailing /",
                )
        timeout = self.number(top, "timeout", "site.", DEFAULT_TIMEOUT_S)
        hosts_data = self.table(data, "hosts", "")
        if not hosts_data:
            raise self.fail("hosts", "the site names no host")
        hosts = {name: self.host(name, spec, timeout) for name, spec in sorted(hosts_data.items())}
        accounts_data = self.table(data, "accounts", "")
        if not accounts_data:
            raise self.fail("accounts", "the site names no account")
        accounts = {
            name: self.account(name, spec, hosts) for name, spec in sorted(accounts_data.items())
        }
        waivers = self.opt_string(top, "waivers", "site.")
        offset = top.get("night_offset_hours", 12.0)
        if isinstance(offset, bool) or not isinstance(offset, int | float) or not 0 <= offset < 24:
            raise self.fail(
                "site.night_offset_hours", f"must be a number of hours 0..24, not {offset!r}"
            )
        demo = top.get("demo", False)
        if not isinstance(demo, bool):
            raise self.fail("site.demo", "must be true or false")
        return Site(
            path=self.path,
            name=self.string(top, "name", "site.", self.path.stem),
            hosts=hosts,
            accounts=accounts,
            physical_prefixes=prefixes,
            demo=demo,
            waivers=self.folder(waivers) if waivers else None,
            tolerances=tolerances,
            tool_versions=self.versions(self.table(data, "tool_versions", "")),
            today=self.opt_date(top, "today", "site."),
            night_offset_hours=float(offset),
        )

    def host(self, name: str, spec: Any, default_timeout: float) -> Host:
        where = f"hosts.{name}."
        if not isinstance(spec, dict):
            raise self.fail(f"hosts.{name}", "must be a table")
        known = {
            "url",
            "disk_prefixes",
            "condor_slots",
            "timeout",
            "root",
            "mounts",
            "bin",
            "ssh_identity_file",
            "ssh_extra_args",
            "ssh_config",
        }
        for key in spec:
            if key not in known:
                raise self.fail(f"{where}{key}", f"unknown key (one of {', '.join(sorted(known))})")
        url = self.string(spec, "url", where)
        if "://" not in url:
            raise self.fail(
                f"{where}url",
                f"{url!r} is not a host URL such as local:// or ssh://{{account}}@{name}",
            )
        mounts_spec = self.table(spec, "mounts", where)
        mounts: dict[str, Path] = {}
        for logical, folder in mounts_spec.items():
            if not logical.startswith("/") or not isinstance(folder, str):
                raise self.fail(
                    f"{where}mounts", f"{logical!r} = {folder!r}: an absolute path = a folder"
                )
            mounts[logical.rstrip("/") or "/"] = self.folder(folder)
        root = self.opt_string(spec, "root", where)
        bin_dir = self.opt_string(spec, "bin", where)
        if mounts and root is None:
            raise self.fail(f"{where}mounts", "needs a root folder for the host")
        return Host(
            name=name,
            url=url,
            disk_prefixes=self.strings(spec, "disk_prefixes", where, ()),
            condor_slots=self.opt_int(spec, "condor_slots", where),
            timeout=self.number(spec, "timeout", where, default_timeout),
            root=self.folder(root) if root else None,
            mounts=mounts,
            bin_dir=self.folder(bin_dir) if bin_dir else None,
            ssh_identity_file=self.opt_string(spec, "ssh_identity_file", where),
            ssh_extra_args=self.opt_string(spec, "ssh_extra_args", where),
            ssh_config=self.opt_string(spec, "ssh_config", where),
        )

    def account(self, name: str, spec: Any, hosts: Mapping[str, Host]) -> Account:
        where = f"accounts.{name}."
        if not isinstance(spec, dict):
            raise self.fail(f"accounts.{name}", "must be a table")
        known = {
            "muc",
            "ops",
            "home",
            "features",
            "qc_cluster",
            "processqc",
            "transition_date",
            "commissioning_date",
            "switch_date",
            "carried",
            "left_behind",
        }
        for key in spec:
            if key in ("first_night", "last_night"):
                raise self.fail(
                    f"{where}{key}",
                    "the night window is no longer fixed in the site: it runs from transition_date"
                    " to yesterday (use --dates to narrow one run)",
                )
            if key not in known:
                raise self.fail(f"{where}{key}", f"unknown key (one of {', '.join(sorted(known))})")
        muc = self.string(spec, "muc", where)
        ops = self.string(spec, "ops", where)
        for key, host in (("muc", muc), ("ops", ops)):
            if host not in hosts:
                raise self.fail(f"{where}{key}", f"names host {host!r}, which is not under [hosts]")
        if not MUC_NAME.match(muc):
            raise self.fail(f"{where}muc", f"{muc!r} is not a muc blade name (mucNN)")
        features = self.strings(spec, "features", where, ())
        for feature in features:
            if feature not in FEATURES:
                raise self.fail(
                    f"{where}features",
                    f"unknown feature {feature!r} (one of {', '.join(sorted(FEATURES))})",
                )
        processqc = self.opt_string(spec, "processqc", where)
        if processqc is not None and processqc not in PROCESSQC_FLAVOURS:
            raise self.fail(
                f"{where}processqc",
                f"{processqc!r} is not one of {', '.join(sorted(PROCESSQC_FLAVOURS))}",
            )
        qc_cluster = spec.get("qc_cluster", False)
        if not isinstance(qc_cluster, bool):
            raise self.fail(f"{where}qc_cluster", "must be true or false")
        transition = self.opt_date(spec, "transition_date", where)
        commissioning = self.opt_date(spec, "commissioning_date", where)
        if transition and commissioning and commissioning <= transition:
            raise self.fail(
                f"{where}commissioning_date",
                f"{commissioning} is not after the transition date {transition}: the plan"
                " verifies nights on both blades before autoDaily is commissioned",
            )
        switch = self.opt_date(spec, "switch_date", where)
        before = commissioning or transition
        if switch and before and switch <= before:
            raise self.fail(
                f"{where}switch_date",
                f"{switch} is not after the commissioning (or transition) date {before}",
            )
        carried = self.strings(spec, "carried", where, ())
        left_behind = self.strings(spec, "left_behind", where, ())
        for key, names in (("carried", carried), ("left_behind", left_behind)):
            for folder in names:
                if "/" in folder or folder in (".", ".."):
                    raise self.fail(
                        f"{where}{key}", f"{folder!r} must be a top-level directory name"
                    )
        return Account(
            name=name,
            muc=muc,
            ops=ops,
            home=self.string(spec, "home", where, f"/home/{name}"),
            features=frozenset(features),
            qc_cluster=qc_cluster,
            processqc=processqc,
            transition_date=transition,
            commissioning_date=commissioning,
            switch_date=switch,
            carried=carried,
            left_behind=left_behind,
        )


__all__ = ["read_site"]
