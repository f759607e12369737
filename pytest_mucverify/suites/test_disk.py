"""I.3: the muc data disk is set up: standard directories, sticky bits, owner, physical disk."""

from __future__ import annotations

import posixpath

from pytest_mucverify import check, examined, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.layout import (
    DATA_DIRECTORIES,
    MUC_MIGRATE_CONFIG,
    owner_lacks,
    parse_muc_migrate_config,
)
from pytest_mucverify.fitsreach import within


def expected_directories(account: AccountUnderTest) -> tuple[dict[str, str], list[str]]:
    """Each data directory the muc must have, and what is inconsistent in how it is named."""
    env = account.muc_env.variables
    root = account.data_root
    config_path = posixpath.join(
        env.get("DFO_BIN_DIR", account.home_file("bin")), MUC_MIGRATE_CONFIG
    )
    names, problems = (
        ({}, [])
        if not account.muc.exists(config_path)
        else parse_muc_migrate_config(account.muc.read_text(config_path))
    )
    wanted: dict[str, str] = {}
    for directory in DATA_DIRECTORIES:
        path = env.get(directory.variable)
        if not path:
            problems.append(f"{directory.variable}: not defined by {account.muc_rc}")
            continue
        wanted[directory.variable] = path
        configured = names.get(directory.variable)
        if configured and posixpath.join(root, configured) != posixpath.normpath(path):
            wanted[f"{directory.variable} ({MUC_MIGRATE_CONFIG})"] = posixpath.join(
                root, configured
            )
    return wanted, problems


@check("disk.standard-dirs")
def test_the_standard_directories_exist_on_the_muc_data_disk(account: AccountUnderTest) -> None:
    wanted, problems = expected_directories(account)
    examined("directories", len(wanted))
    for label, path in wanted.items():
        found = account.muc.stat(path)
        if found is None:
            problems.append(f"{label}: {path} does not exist")
        elif not found.is_dir:
            problems.append(f"{label}: {path} is not a directory")
    require_none(problems, "standard DFO directories missing or misnamed on the muc")


@check("disk.sticky-bit")
def test_every_data_directory_has_the_sticky_bit(account: AccountUnderTest) -> None:
    directories = account.data_directories()
    examined("directories", len(directories))
    require_none(
        (f"{d.path} mode {d.mode:o}" for d in directories if not d.sticky),
        "/data directories without the sticky bit",
    )


@check("disk.owner")
def test_every_data_directory_belongs_to_the_account(account: AccountUnderTest) -> None:
    """Owned by the account, which may read, write and enter each (createAB, processAB and
    muc_migrate write there as the account)."""
    uid = account.muc.uid_of(account.name)
    require(uid is not None, f"{account.muc.name} knows no user {account.name}")
    directories = account.data_directories()
    examined("directories", len(directories))
    require_none(
        [
            *(f"{d.path} belongs to {d.owner} (uid {d.uid})" for d in directories if d.uid != uid),
            *(
                f"{d.path} mode {d.mode:04o}: its owner lacks {owner_lacks(d.mode)}"
                for d in directories
                if owner_lacks(d.mode)
            ),
        ],
        f"/data directories not owned by {account.name}, or that it cannot read, write and enter",
    )


@check("disk.physical-path")
def test_the_data_disk_resolves_to_the_mucs_own_disk(account: AccountUnderTest) -> None:
    prefixes = account.muc.host.disk_prefixes
    require(prefixes, f"the site file gives no disk_prefixes for {account.muc.name}")
    physical = account.muc.resolve(account.data_root)
    examined("data roots resolved", 1)
    on_own_disk = any(physical.startswith(prefix + "/") for prefix in prefixes)
    require(
        on_own_disk, f"{account.data_root} resolves to {physical}, not under {', '.join(prefixes)}"
    )
    require(
        posixpath.basename(physical) == account.name,
        f"{account.data_root} resolves to {physical}, which is not {account.name}'s disk",
    )
    # each standard directory, each top-level entry and each link a level below (product/,
    # raw/<night>) must lie on this account's own disk: not on the old disk, not on another
    # account's (logs -> ../uves/tmp/giraffe_logs); all resolved in one bulk question
    env = account.muc_env.variables
    listed = account.complete_listing(account.muc, account.data_root, max_depth=2).entries
    shown = {
        f"{account.data_root}/{entry.path}": f" -> {entry.target}" if entry.kind == "l" else ""
        for entry in listed
        if "/" not in entry.path or entry.kind == "l"
    }
    # the standard directories the rc places below the data root (one set elsewhere, as
    # DFO_JOB_DIR in $HOME, is the rc's business)
    standard = [
        posixpath.normpath(env[d.variable])
        for d in DATA_DIRECTORIES
        if env.get(d.variable) and within(posixpath.normpath(env[d.variable]), account.data_root)
    ]
    shown.update({path: shown.get(path, "") for path in standard})
    resolved, unresolved = account.muc.resolve_many(sorted(shown))
    examined("paths resolved", len(shown))
    examined("standard directories", len(standard))
    elsewhere = [f"{path}: {reason}" for path, reason in sorted(unresolved.items())]
    elsewhere += [
        f"{path}{shown[path]}  resolves to {target}, not under {physical}"
        for path, target in sorted(resolved.items())
        if not within(target, physical)
    ]
    require_none(elsewhere, f"paths below {account.data_root} that leave {account.name}'s own disk")
