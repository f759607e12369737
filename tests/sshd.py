"""A throw-away OpenSSH server on 127.0.0.1 for tests that need a real ssh host.

``start_sshd(folder)`` generates a host key and a user key in ``folder``, authorizes the user key
for the current user, starts ``sshd -D`` on a free port and waits until ``ssh ... true`` works.
The ``sshd_server`` fixture (exposed in ``tests/conftest.py``) does this once per session and
skips the tests that use it when OpenSSH is not installed.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_mucverify.site import Host

SSHD = Path("/usr/sbin/sshd")
SSH_EXTRA_ARGS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
START_TIMEOUT_S = 10.0


class SshdUnavailable(Exception):
    """OpenSSH is not installed here; the message says what is missing and how to get it."""


@dataclass(frozen=True)
class SshServer:
    user: str
    port: int
    identity_file: str
    ssh_extra_args: str = SSH_EXTRA_ARGS

    @property
    def url(self) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}"

    def host(self, name: str = "localhost", timeout: float = 10.0) -> Host:
        return Host(
            name=name,
            url=self.url,
            timeout=timeout,
            ssh_identity_file=self.identity_file,
            ssh_extra_args=self.ssh_extra_args,
        )

    def ssh_command(self, *remote: str) -> list[str]:
        return [
            "ssh",
            *self.ssh_extra_args.split(),
            "-F",
            "/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=2",
            "-i",
            self.identity_file,
            "-p",
            str(self.port),
            f"{self.user}@127.0.0.1",
            *remote,
        ]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def check_openssh() -> None:
    if not SSHD.is_file() or not os.access(SSHD, os.X_OK):
        raise SshdUnavailable("openssh-server is not installed (apt-get install openssh-server)")
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            raise SshdUnavailable(
                f"{tool} is not on PATH: openssh-client is not installed "
                "(apt-get install openssh-client)"
            )


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mucverify-test", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def _write_config(folder: Path, user: str, extra: Sequence[str] = ()) -> Path:
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"HostKey {folder / 'host_key'}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                # the tmp dir's parents belong to whoever made them; the key file is ours
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                f"AllowUsers {user}",
                "PrintMotd no",
                "PrintLastLog no",
                "UseDNS no",
                # the classic exchange: the post-quantum default costs ~60 ms per connection
                "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
                "LogLevel ERROR",
                *extra,
                "",
            ]
        )
    )
    config.chmod(0o600)
    return config


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def start_sshd(folder: Path, extra_config: Sequence[str] = ()) -> Iterator[SshServer]:
    """Run an sshd for the current user on a free port of 127.0.0.1 while the block runs.

    Raises SshdUnavailable when OpenSSH is missing, RuntimeError (with sshd's log) when the server
    does not come up within START_TIMEOUT_S.
    """
    check_openssh()
    folder.mkdir(parents=True, exist_ok=True)
    user = getpass.getuser()
    _keygen(folder / "host_key")
    _keygen(folder / "user_key")
    authorized = folder / "authorized_keys"
    authorized.write_bytes((folder / "user_key.pub").read_bytes())
    authorized.chmod(0o600)
    config = _write_config(folder, user, extra_config)
    if os.geteuid() == 0:
        # sshd's privilege separation chroots into this folder and refuses to start without it
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)

    port = free_port()
    server = SshServer(user=user, port=port, identity_file=str(folder / "user_key"))
    log_path = folder / "sshd.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config), "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(server, process, log_path)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: SshServer, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _port_open(server.port):
            probe = subprocess.run(
                server.ssh_command("true"),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=max(1.0, deadline - time.monotonic()),
                check=False,
            )
            if probe.returncode == 0:
                return
            last = probe.stderr.strip()
        time.sleep(0.1)
    log = log_path.read_text("utf-8", "replace").strip()
    state = f"exited with {process.returncode}" if process.poll() is not None else "still running"
    raise RuntimeError(
        f"sshd on 127.0.0.1:{server.port} did not accept `ssh {server.user}@127.0.0.1 true` "
        f"within {START_TIMEOUT_S:g} s (sshd {state}); ssh said: {last or '-'}; "
        f"sshd log:\n{log or '(empty)'}"
    )


@pytest.fixture(scope="session")
def sshd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """A real OpenSSH server on 127.0.0.1 for the current user, for the whole session."""
    try:
        check_openssh()
    except SshdUnavailable as exc:
        pytest.skip(str(exc))
    with start_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server
