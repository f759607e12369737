"""Serve a built demo site's old blades as real ssh hosts on loopback addresses.

``mucverify demo-serve DIR`` gives each old blade of the demo site in DIR (dfo23 for giraffe)
its own stock ``sshd``, listening on a loopback address of its own (``127.0.0.23`` for dfo23)
and nothing else, and writes ``DIR/site-ssh.toml``: the same site with those blades reached as
``ssh://{account}@127.0.0.23:PORT``. The muc stays ``local://``, as on a real muc.

Each sshd runs in its own mount and hostname namespaces (``unshare --mount --uts
--propagation private``; never a network namespace), chrooted into a root assembled there on a
tmpfs: every top-level folder of this machine bound at its place, except that

- the blade's own top-level folders of the demo (``/data``, ``/datavlt``, the physical disk
  ``/diska``) and ``/home`` (the demo's shared home) stand at the real paths, so a path means on
  the ssh blade what it means to the local demo blade;
- the blade's folder is bound at ``/mucverify-demo-host``, and sshd's ``SetEnv`` puts its
  ``bin`` first on PATH: ``crontab``, ``uname``, ``nproc`` answer as dfo23; ``hostname`` is the
  namespace's own name;
- ``/etc/passwd`` is this machine's, with the login shell chosen for the served accounts.

The accounts are real unix accounts with the demo's uids (created with ``useradd`` when missing),
log in with a key made for the served site, and own their home folder in the demo. All this
needs root; without it ``NotRoot`` says so (and ``mucverify demo-serve`` exits 2). Servers are
stopped by the PIDs written to ``DIR/ssh/<host>/sshd.pid`` (``mucverify demo-serve DIR --stop``).

The accounts, keys, sshd configuration and the namespace's root are made by :mod:`.sshroot`;
:mod:`.sshprocess` stops a server and its sessions.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .sshprocess import stop_pid
from .sshroot import (
    HOST_MOUNT,
    SSH_EXTRA_ARGS,
    SSHD,
    NotRoot,
    ServeError,
    ensure_account,
    host_mounts,
    keygen,
    namespace_script,
    passwd_text,
    sshd_config,
)

__all__ = [
    "HOST_MOUNT",
    "NotRoot",
    "ServeError",
    "ServedBlade",
    "loopback_address",
    "require_root",
    "serve_blade",
    "serve_site",
    "served_site",
    "ssh_site_text",
    "stop_blade",
    "stop_pid",
    "stop_site",
]

START_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class ServedBlade:
    host: str
    accounts: tuple[str, ...]
    address: str
    port: int
    folder: Path
    pid: int

    @property
    def identity_file(self) -> Path:
        return self.folder / "client_key"

    @property
    def url(self) -> str:
        return f"ssh://{{account}}@{self.address}:{self.port}"

    def ssh_command(self, account: str, *remote: str) -> list[str]:
        return [
            "ssh",
            *SSH_EXTRA_ARGS.split(),
            "-F",
            "/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=3",
            "-i",
            str(self.identity_file),
            "-p",
            str(self.port),
            f"{account}@{self.address}",
            *remote,
        ]


def loopback_address(host: str) -> str:
    """127.0.0.<the blade's number>: 127.0.0.23 for dfo23, 127.0.0.103 for qc03."""
    digits = re.sub(r"\D", "", host)
    number = int(digits) if digits else 1
    if not host.startswith("dfo"):
        number += 100
    if not 2 <= number <= 254:
        number = 2 + number % 250
    return f"127.0.0.{number}"


def free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
        return port


def require_root() -> None:
    if os.geteuid() != 0:
        raise NotRoot(
            "serving a demo blade over ssh needs root (mount namespaces, bind mounts, a unix"
            " account for the demo uid, sshd); run it as root, e.g. in the CI container"
        )
    if not SSHD.is_file():
        raise ServeError("openssh-server is not installed (apt-get install openssh-server)")
    for tool in ("ssh", "ssh-keygen", "unshare", "useradd", "chroot"):
        if shutil.which(tool) is None:
            raise ServeError(f"{tool} is not on PATH")


def old_blades(site_dir: Path) -> dict[str, tuple[str, ...]]:
    """Each old blade of the demo site with the accounts it serves."""
    data = tomllib.loads((site_dir / "site.toml").read_text("utf-8"))
    blades: dict[str, list[str]] = {}
    for name, account in sorted(data.get("accounts", {}).items()):
        blades.setdefault(str(account["ops"]), []).append(name)
    return {host: tuple(names) for host, names in blades.items()}


def serve_blade(
    site_dir: Path,
    host: str,
    *,
    address: str | None = None,
    port: int | None = None,
    login_shell: str | None = None,
    noisy_bashrc: bool = False,
    extra_config: Sequence[str] = (),
    label: str = "",
) -> ServedBlade:
    """Start sshd for one old blade of the demo site in DIR; returns once ``ssh ... true``
    works. The PID goes to ``DIR/ssh/<host>/sshd.pid`` (``<host>-<label>`` with a label, so
    that differently configured servers of one blade can run side by side)."""
    require_root()
    site_dir = site_dir.resolve()
    accounts = old_blades(site_dir).get(host)
    if not accounts:
        raise ServeError(f"{host} is no old blade of the demo site in {site_dir}")
    address = address or loopback_address(host)
    if not address.startswith("127."):
        raise ServeError(f"{address}: a demo blade listens on loopback addresses only")
    port = port or free_port(address)
    folder = site_dir / "ssh" / (f"{host}-{label}" if label else host)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "root").mkdir(exist_ok=True)
    mounts = host_mounts(site_dir, host)
    for account in accounts:
        ensure_account(account, mounts.get("/home", site_dir / "home") / account)
    keygen(folder / "host_key")
    keygen(folder / "client_key")
    (folder / "authorized_keys").write_bytes((folder / "client_key.pub").read_bytes())
    (folder / "passwd").write_text(passwd_text(accounts, login_shell))
    if noisy_bashrc and not Path("/etc/bash.bashrc").is_file():
        raise ServeError("no /etc/bash.bashrc here to make the login shell noisy")
    if login_shell and not Path(login_shell).is_file():
        raise ServeError(f"{login_shell}: no such login shell here")
    config = sshd_config(folder, address, port, accounts, extra_config)
    script = folder / "namespace.sh"
    script.write_text(namespace_script(site_dir, host, folder, config, mounts, noisy_bashrc))
    Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
    log_path = folder / "sshd.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["unshare", "--mount", "--uts", "--propagation", "private", "sh", str(script)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (folder / "sshd.pid").write_text(f"{process.pid}\n")
    served = ServedBlade(host, accounts, address, port, folder, process.pid)
    try:
        _wait_ready(served, process, log_path)
    except BaseException:
        stop_pid(process.pid)
        (folder / "sshd.pid").unlink(missing_ok=True)
        raise
    return served


def _wait_ready(served: ServedBlade, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    said = ""
    while time.monotonic() < deadline and process.poll() is None:
        probe = subprocess.run(
            served.ssh_command(served.accounts[0], "true"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if probe.returncode == 0:
            return
        said = probe.stderr.strip()
        time.sleep(0.2)
    log = log_path.read_text("utf-8", "replace").strip()
    raise ServeError(
        f"{served.host}: sshd on {served.address}:{served.port} did not let"
        f" {served.accounts[0]} in within {START_TIMEOUT_S:g} s; ssh said: {said or '-'};"
        f" sshd log: {log or '(empty)'}"
    )


def ssh_site_text(site_dir: Path, served: Mapping[str, ServedBlade], timeout: float | None) -> str:
    """site.toml with each served blade reached over ssh instead of as a local folder."""
    lines: list[str] = []
    section = ""
    for line in (site_dir / "site.toml").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]")
            lines.append(line)
            blade = (
                served.get(section.removeprefix("hosts.")) if section.startswith("hosts.") else None
            )
            if blade is not None:
                lines += [
                    f'url = "{blade.url}"',
                    f'ssh_identity_file = "{blade.identity_file}"',
                    f'ssh_extra_args = "{SSH_EXTRA_ARGS}"',
                ]
                if timeout is not None:
                    lines.append(f"timeout = {timeout:g}")
            continue
        host = section.removeprefix("hosts.") if section.startswith("hosts.") else None
        key = stripped.split("=", 1)[0].strip()
        if host in served and key in {"url", "root", "bin", "mounts", "timeout"}:
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def serve_site(
    site_dir: Path,
    hosts: Sequence[str] | None = None,
    *,
    port: int | None = None,
    timeout: float | None = None,
    login_shell: str | None = None,
    noisy_bashrc: bool = False,
    extra_config: Sequence[str] = (),
    label: str = "",
) -> tuple[Path, dict[str, ServedBlade]]:
    """Serve the old blades (all, or those named) and write the site file that reaches them:
    ``DIR/site-ssh.toml``, or ``DIR/site-ssh-<label>.toml`` with a label."""
    site_dir = site_dir.resolve()
    require_root()
    names = list(hosts or old_blades(site_dir))
    served: dict[str, ServedBlade] = {}
    try:
        for host in names:
            served[host] = serve_blade(
                site_dir,
                host,
                port=port,
                login_shell=login_shell,
                noisy_bashrc=noisy_bashrc,
                extra_config=extra_config,
                label=label,
            )
    except BaseException:
        for blade in served.values():
            stop_blade(blade)
        raise
    site = site_dir / (f"site-ssh-{label}.toml" if label else "site-ssh.toml")
    site.write_text(ssh_site_text(site_dir, served, timeout))
    return site, served


def stop_blade(blade: ServedBlade) -> None:
    stop_pid(blade.pid)
    (blade.folder / "sshd.pid").unlink(missing_ok=True)


def stop_site(site_dir: Path) -> list[str]:
    """Stop every blade served from DIR by the PIDs in DIR/ssh/*/sshd.pid; the hosts stopped."""
    stopped = []
    for pid_file in sorted((site_dir / "ssh").glob("*/sshd.pid")):
        text = pid_file.read_text().strip()
        if text.isdigit():
            stop_pid(int(text))
            stopped.append(pid_file.parent.name)
        pid_file.unlink(missing_ok=True)
    return stopped


@contextlib.contextmanager
def served_site(
    site_dir: Path,
    hosts: Sequence[str] | None = None,
    *,
    timeout: float | None = None,
    login_shell: str | None = None,
    noisy_bashrc: bool = False,
    extra_config: Sequence[str] = (),
    label: str = "",
) -> Iterator[tuple[Path, dict[str, ServedBlade]]]:
    """Serve the blades while the block runs; stopped by PID however it ends."""
    site, served = serve_site(
        site_dir,
        hosts,
        timeout=timeout,
        login_shell=login_shell,
        noisy_bashrc=noisy_bashrc,
        extra_config=extra_config,
        label=label,
    )
    try:
        yield site, served
    finally:
        for blade in served.values():
            stop_blade(blade)
