"""Running one program on a host: through testinfra with each argument quoted, inside
``timeout`` so that a host that hangs becomes an error with a reason instead of a stuck run, framed
over ssh (see :mod:`.ssh`), and refused at once for a host already found dead."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from ..site import Host
from . import ssh
from .errors import BladeError, CommandTimedOut, HostUnreachable, down_reason, mark_down

TIMEOUT_EXIT = 124


@dataclass(frozen=True)
class CommandOutput:
    exit_status: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def succeeded(self) -> bool:
        return self.exit_status == 0


def _keep_bytes_of_names(backend: Any) -> None:
    """Make testinfra encode commands and decode their output as UTF-8 with surrogateescape.

    Listings decode names that are not UTF-8 with surrogateescape, so the bytes survive. testinfra
    encodes a command, and decodes its stderr, strictly in the host's locale: such a name handed
    back (to stat, read or resolve it) raised UnicodeEncodeError, and a complaint quoting it
    UnicodeDecodeError. Now the name's own bytes reach the host and come back.
    """

    def encode(text: str) -> bytes:
        return text.encode("utf-8", "surrogateescape")

    def decode(data: bytes) -> str:
        return data.decode("utf-8", "surrogateescape")

    backend.encode = encode
    backend.decode = decode


class HostCommands:
    """The commands of one account on one host."""

    def __init__(
        self, host: Host, account: str, home: str | None = None, backend: Any = None
    ) -> None:
        self.host = host
        self.name = host.name
        self.account = account
        self.home = home or f"/home/{account}"
        self._backend = backend
        self.demo = host.root is not None

    @property
    def backend(self) -> Any:
        if self._backend is None:
            import testinfra

            extra: dict[str, Any] = {}
            if self.host.ssh_identity_file:
                extra["ssh_identity_file"] = self.host.ssh_identity_file
            if self.host.url.startswith("ssh://"):
                extra["ssh_extra_args"] = " ".join(
                    filter(None, [ssh.SSH_OPTIONS, self.host.ssh_extra_args])
                )
                extra["timeout"] = max(1, int(self.host.timeout))
                path = ssh.control_path()
                extra["controlpersist"] = ssh.CONTROL_PERSIST_S if path else 0
                if path:
                    extra["controlpath"] = path
                if self.host.ssh_config:
                    extra["ssh_config"] = self.host.ssh_config
            host = testinfra.get_host(self.host.url_for(self.account), **extra)
            _keep_bytes_of_names(host.backend)
            self._backend = host
        return self._backend

    def _prefix(self) -> list[str]:
        """What puts a command into this host's world: for a demo host its bin folder and name."""
        if not self.demo:
            return []
        path = (
            f"{self.host.bin_dir}:/usr/local/bin:/usr/bin:/bin"
            if self.host.bin_dir
            else "/usr/local/bin:/usr/bin:/bin"
        )
        return [
            "env",
            f"PATH={path}",
            f"HOSTNAME={self.name}",
            f"HOME={self.home}",
            f"USER={self.account}",
            f"LOGNAME={self.account}",
        ]

    def run_raw(self, program: str, *args: str) -> tuple[int, bytes, str]:
        down = down_reason(self.name)
        if down:
            raise HostUnreachable(down)
        try:
            return self._run_on_host(program, *args)
        except HostUnreachable as exc:
            mark_down(self.name, str(exc))
            raise

    def _run_on_host(self, program: str, *args: str) -> tuple[int, bytes, str]:
        argv = [*self._prefix(), "timeout", "-k", "2", f"{self.host.timeout:g}", program, *args]
        remote = self.host.url.startswith(("ssh://", "paramiko://"))
        if remote:
            argv = ssh.framed(argv)
        template = " ".join(["%s"] * len(argv))
        try:
            with ssh.session_slot(self.name) if remote else contextlib.nullcontext():
                result = self.backend.run(template, *argv)
            status, out, err = result.exit_status, result.stdout_bytes, result.stderr
        except RuntimeError as exc:  # testinfra's ssh backend: exit 255, from ssh or the program
            found = exc.args[0] if exc.args else None
            status = 255
            out = getattr(found, "stdout_bytes", b"") or b""
            err = str(getattr(found, "stderr", "") or "")
            if not (remote and ssh.MARKER.encode() in out):
                raise HostUnreachable(f"{self.name}: ssh failed: {err.strip() or exc}") from None
        except OSError as exc:
            raise HostUnreachable(f"{self.name}: cannot start the connection: {exc}") from None
        if remote:
            unframed = ssh.unframe(out, err)
            if unframed is None:
                said = " ".join((err or out.decode("utf-8", "replace")).split())[:300]
                raise HostUnreachable(
                    f"{self.name}: the command did not start there (its login shell said:"
                    f" {said or 'nothing'}; exit status {status})"
                )
            out, err = unframed
        if status == TIMEOUT_EXIT or status == 128 + 9:
            raise CommandTimedOut(
                f"{self.name}: {program} did not answer within {self.host.timeout:g} s"
            )
        return status, out, err


def probe(host: Host, account: str) -> str | None:
    """Whether the host answers a trivial command within its timeout (and a few seconds for the
    connection): None when it does, else why not. A hung connection is left behind in its
    thread rather than waited for."""
    import threading

    outcome: list[str | None] = []

    def attempt() -> None:
        try:
            status, _, err = HostCommands(host, account).run_raw("true")
            outcome.append(None if status == 0 else f"`true` failed: {err.strip() or status}")
        except BladeError as exc:
            outcome.append(str(exc))
        except Exception as exc:  # a backend that breaks in its own way is as dead
            outcome.append(f"{host.name}: {type(exc).__name__}: {exc}")

    worker = threading.Thread(target=attempt, name=f"probe-{host.name}", daemon=True)
    worker.start()
    worker.join(host.timeout + 5)
    if not outcome:
        return f"{host.name}: did not answer within {host.timeout + 5:g} s"
    return " ".join(outcome[0].split()) if outcome[0] else None
