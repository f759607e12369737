"""The served blade's world: its unix accounts, keys and sshd configuration, and the root its
sshd is chrooted into, assembled in a mount namespace of its own (see :mod:`.sshserve`)."""

from __future__ import annotations

import os
import pwd
import shlex
import subprocess
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from .world import INSTRUMENTS

SSHD = Path("/usr/sbin/sshd")
HOST_MOUNT = "/mucverify-demo-host"
"""where the served blade's demo folder appears inside its namespace (its bin first on PATH)."""
SSHD_FILES = "/mucverify-sshd"
"""a folder of the assembled root, readable by the accounts: authorized keys, passwd, noise."""
SSH_EXTRA_ARGS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
NOT_MOUNTED_FROM_HOST_ROOT = {"bin", "usr", "etc", "crontabs"}
"""folders of a demo blade that are its commands and settings, not its disks."""
NOISE_BASHRC = """\
# a noisy login shell: a greeting on stdout, complaints on stderr
echo "Welcome to $(hostname), $USER"
echo "Last backup: never" >&2
stty -echo
"""


class NotRoot(Exception):
    """Serving a demo blade needs root (namespaces, bind mounts, a unix account, sshd)."""


class ServeError(Exception):
    """A blade could not be served; the message says why (with sshd's log when it has one)."""


def host_mounts(site_dir: Path, host: str) -> dict[str, Path]:
    """The blade's mount table in the demo site (``/home`` -> the shared home, or the stale
    copy a fault gives it), folders resolved against the site folder."""
    data = tomllib.loads((site_dir / "site.toml").read_text("utf-8"))
    spec = data.get("hosts", {}).get(host, {})
    mounts = {str(k): (site_dir / str(v)).resolve() for k, v in spec.get("mounts", {}).items()}
    for logical in mounts:
        if logical.count("/") != 1 or logical == "/":
            raise ServeError(f"{host}: mount {logical}: only top-level folders can be served")
    return mounts


def ensure_account(account: str, home: Path) -> None:
    """A unix account with the demo's uid (useradd when missing) that owns its demo home."""
    uid = INSTRUMENTS[account].uid
    try:
        entry = pwd.getpwnam(account)
    except KeyError:
        try:
            taken = pwd.getpwuid(uid).pw_name
        except KeyError:
            taken = None
        if taken is not None:
            raise ServeError(f"uid {uid} of the demo's {account} belongs to {taken} here") from None
        subprocess.run(["groupadd", "-f", "-g", str(uid), account], check=False)
        subprocess.run(
            [
                *("useradd", "-u", str(uid), "-g", str(uid), "-M", "-d", f"/home/{account}"),
                *("-s", "/bin/bash", "-p", "*", "-c", f"{account} DFOS account", account),
            ],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(account)
    if entry.pw_uid != uid:
        raise ServeError(f"{account} has uid {entry.pw_uid} here, the demo's is {uid}")
    if home.is_dir():
        for folder, dirs, files in os.walk(home):
            os.lchown(folder, uid, entry.pw_gid)
            for name in dirs + files:
                os.lchown(os.path.join(folder, name), uid, entry.pw_gid)


def keygen(path: Path) -> None:
    if path.exists():
        return
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mucverify-demo", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def passwd_text(accounts: Sequence[str], login_shell: str | None) -> str:
    lines = []
    for line in Path("/etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if login_shell and len(fields) == 7 and fields[0] in accounts:
            fields[6] = login_shell
        lines.append(":".join(fields))
    return "\n".join(lines) + "\n"


def sshd_config(
    folder: Path, address: str, port: int, accounts: Sequence[str], extra: Sequence[str]
) -> Path:
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"ListenAddress {address}:{port}",
                f"HostKey {folder / 'host_key'}",
                "PidFile none",
                f"AuthorizedKeysFile {SSHD_FILES}/authorized_keys",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin no",
                f"AllowUsers {' '.join(accounts)}",
                "PrintMotd no",
                "PrintLastLog no",
                "UseDNS no",
                "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
                "LogLevel ERROR",
                # the blade's commands first, as the local demo puts its bin first
                f"SetEnv PATH={HOST_MOUNT}/bin:/usr/local/bin:/usr/bin:/bin",
                *extra,
                "",
            ]
        )
    )
    config.chmod(0o600)
    return config


def namespace_script(
    site_dir: Path,
    host: str,
    folder: Path,
    config: Path,
    mounts: Mapping[str, Path],
    noisy_bashrc: bool,
) -> str:
    """The shell script that assembles the blade's root in its namespace and execs sshd."""
    host_root = (site_dir / "hosts" / host).resolve()
    staging = folder / "root"
    q = shlex.quote
    s = q(str(staging))
    disks = sorted(p.name for p in host_root.iterdir() if p.name not in NOT_MOUNTED_FROM_HOST_ROOT)
    sources = {name: host_root / name for name in disks}
    sources.update({logical.strip("/"): source for logical, source in mounts.items()})
    sources[HOST_MOUNT.strip("/")] = host_root
    replaced = {*sources, SSHD_FILES.strip("/")}
    lines = ["set -eu", f"mount -t tmpfs -o mode=755 mucverify-{host} {s}"]
    for entry in sorted(os.listdir("/")):
        source = Path("/") / entry
        if entry in replaced:
            continue
        target = q(f"{staging}/{entry}")
        if source.is_symlink():
            lines.append(f"ln -s {q(os.readlink(source))} {target}")
        elif source.is_dir():
            lines.append(f"mkdir {target} && mount --rbind {q(str(source))} {target}")
        elif source.exists():
            lines.append(f": > {target} && mount --bind {q(str(source))} {target}")
    for name, source in sorted(sources.items()):
        lines.append(f"mkdir {q(f'{staging}/{name}')}")
        lines.append(f"mount --rbind {q(str(source))} {q(f'{staging}/{name}')}")
    files = f"{staging}{SSHD_FILES}"
    lines += [
        f"mkdir -m 755 {q(files)}",
        f"cp {q(str(folder / 'authorized_keys'))} {q(str(folder / 'passwd'))} {q(files)}/",
        f"chmod 644 {q(files)}/authorized_keys {q(files)}/passwd",
        f"mount --bind {q(files)}/passwd {s}/etc/passwd",
    ]
    if noisy_bashrc:
        # bash run by sshd reads the system bashrc (and ~/.bashrc): noise for this blade only
        (folder / "bash.bashrc").write_text(NOISE_BASHRC)
        lines += [
            f"cp {q(str(folder / 'bash.bashrc'))} {q(files)}/bash.bashrc",
            f"chmod 644 {q(files)}/bash.bashrc",
            f"mount --bind {q(files)}/bash.bashrc {s}/etc/bash.bashrc",
        ]
    lines += [
        f"hostname {q(host)}",
        f"exec chroot {s} {SSHD} -D -e -f {q(str(config))}",
    ]
    return "\n".join(lines) + "\n"
