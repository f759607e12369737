"""Blade: the only door to a host.

Commands go through a testinfra host with ``host.run(cmd, *args)`` quoting, wrapped in
``timeout`` so that a host that hangs becomes an error with a reason instead of a stuck run. Files
are read directly when the host is this machine (or a demo host folder) and through one bulk
command per tree when it is remote. Nothing here writes to a host.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..site import Host
from .bulk import read_headers_remote, read_with_tar
from .files import FileAccess, FileAccessError, LocalFiles, RemoteFiles
from .header_script import HeaderProblem, header_blocks, problem_of
from .listing import FileStat, TreeListing

__all__ = [
    "Blade",
    "BladeError",
    "CommandOutput",
    "FileAccessError",
    "FileStat",
    "HostUnreachable",
    "SourcedEnvironment",
    "TreeListing",
]

TIMEOUT_EXIT = 124
RC_UNREADABLE_EXIT = 97

# Sources each rc file in turn in a clean login-like environment and prints the result. A file
# that is missing or unreadable stops with RC_UNREADABLE_EXIT; bash's own complaints (a syntax
# error, a failing command) reach stderr and are reported with the environment.
_SOURCE_SCRIPT = (
    'cd "$HOME" 2>/dev/null; unset OLDPWD; for rc in "$@"; do '
    f'[ -r "$rc" ] || {{ echo "$rc: cannot be read" >&2; exit {RC_UNREADABLE_EXIT}; }}; '
    'source "$rc" </dev/null >/dev/null; '
    "done; env -0"
)


class BladeError(Exception):
    """Something on a host could not be done; the message says what and why."""


class HostUnreachable(BladeError):
    """The host did not answer (ssh failed, or a command outlived the host's timeout)."""


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


@dataclass(frozen=True)
class SourcedEnvironment:
    variables: dict[str, str]
    complaints: list[str] = field(default_factory=list)
    """what bash wrote to stderr while sourcing (syntax errors, failing commands)."""


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


class Blade:
    def __init__(
        self, host: Host, account: str, *, backend: Any = None, home: str | None = None
    ) -> None:
        self.host = host
        self.name = host.name
        self.account = account
        self.home = home or f"/home/{account}"
        self._backend = backend
        self.demo = host.root is not None
        if host.url.startswith("local://"):
            self.files: FileAccess = LocalFiles(host.root, host.mounts)
        else:
            self.files = RemoteFiles(self._run_raw)

    def __repr__(self) -> str:
        return f"Blade({self.name!r}, account={self.account!r})"

    # -- commands -----------------------------------------------------------------------------

    @property
    def backend(self) -> Any:
        if self._backend is None:
            import testinfra

            extra: dict[str, Any] = {}
            if self.host.ssh_identity_file:
                extra["ssh_identity_file"] = self.host.ssh_identity_file
            if self.host.url.startswith("ssh://"):
                args = "-o BatchMode=yes -o ServerAliveInterval=5 -o ServerAliveCountMax=2"
                extra["ssh_extra_args"] = " ".join(filter(None, [args, self.host.ssh_extra_args]))
                extra["timeout"] = max(1, int(self.host.timeout))
                extra["controlpersist"] = 0
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

    def _run_raw(self, program: str, *args: str) -> tuple[int, bytes, str]:
        argv = [*self._prefix(), "timeout", "-k", "2", f"{self.host.timeout:g}", program, *args]
        template = " ".join(["%s"] * len(argv))
        try:
            result = self.backend.run(template, *argv)
        except RuntimeError as exc:  # testinfra's ssh backend: ssh itself failed (exit 255)
            detail = getattr(exc.args[0], "stderr", "") if exc.args else ""
            raise HostUnreachable(
                f"{self.name}: ssh failed: {str(detail).strip() or exc}"
            ) from None
        except OSError as exc:
            raise HostUnreachable(f"{self.name}: cannot start the connection: {exc}") from None
        if result.exit_status == TIMEOUT_EXIT or result.exit_status == 128 + 9:
            raise HostUnreachable(
                f"{self.name}: {program} did not answer within {self.host.timeout:g} s"
            )
        return result.exit_status, result.stdout_bytes, result.stderr

    def run(self, program: str, *args: str) -> CommandOutput:
        """Run one program with its arguments (each quoted) on the host."""
        status, out, err = self._run_raw(program, *args)
        return CommandOutput(status, out, err)

    def answer(self, program: str, *args: str) -> str:
        """The first line a command prints; BladeError when it fails."""
        out = self.run(program, *args)
        if not out.succeeded:
            reason = (
                out.stderr.strip().splitlines()[-1]
                if out.stderr.strip()
                else f"exit status {out.exit_status}"
            )
            raise BladeError(f"{self.name}: `{shlex.join([program, *args])}` failed: {reason}")
        lines = out.text.strip().splitlines()
        return lines[0].strip() if lines else ""

    # -- files --------------------------------------------------------------------------------

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        try:
            return self.files.read_bytes(path, limit)
        except FileAccessError as exc:
            raise BladeError(f"{self.name}:{exc}") from None

    def read_text(self, path: str) -> str:
        data = self.read_bytes(path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BladeError(f"{self.name}:{path}: not UTF-8 text (byte {exc.start})") from None

    def read_many(self, paths: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
        """Contents of many files, and the reason for each that could not be read: directly on
        this machine, with one ``tar`` per batch on a remote blade."""
        if isinstance(self.files, LocalFiles):
            return self.files.read_many(paths)
        return read_with_tar(self._run_raw, paths)

    def read_headers(self, paths: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
        """The header blocks of FITS files (plain, .gz, or .hdr text) and the reason for each that
        could not be read; data units are never read, and a remote blade answers a whole batch in
        one command."""
        if isinstance(self.files, LocalFiles):
            headers: dict[str, bytes] = {}
            problems: dict[str, str] = {}
            for path in paths:
                try:
                    with open(self.files.real_path(path), "rb") as handle:
                        headers[path] = header_blocks(handle)
                except HeaderProblem as exc:
                    problems[path] = problem_of(exc)
                except FileAccessError as exc:
                    problems[path] = str(exc).split(": ", 1)[-1]
                except OSError as exc:
                    problems[path] = problem_of(exc)
            return headers, problems
        return read_headers_remote(self._run_raw, paths)

    def stat(self, path: str, follow: bool = True) -> FileStat | None:
        """None when the path does not exist."""
        try:
            return self.files.stat(path, follow)
        except FileAccessError as exc:
            raise BladeError(f"{self.name}:{exc}") from None

    def exists(self, path: str) -> bool:
        return self.stat(path) is not None

    def tree(self, path: str, max_depth: int | None = None) -> TreeListing:
        """Every entry below path (down to max_depth levels) in one bulk operation; what could not
        be read is in ``errors``."""
        try:
            return self.files.tree(path, max_depth)
        except FileAccessError as exc:
            return TreeListing(root=path, errors=[f"{exc}"])

    def list_names(self, path: str, missing_ok: bool = False) -> list[tuple[str, str]]:
        """(name, kind) of one folder's entries, cheaper than tree() when only names matter; a
        folder that does not exist is empty when missing_ok."""
        names, errors = self.files.list_names(path)
        if missing_ok and errors and all("No such file" in e for e in errors):
            return []
        if errors:
            raise BladeError(f"{self.name}:{errors[0]}")
        return names

    def find_files(
        self, path: str, suffixes: tuple[str, ...], errors: list[str]
    ) -> Iterator[tuple[str, int]]:
        """(path relative to path, size) of the files below path whose names end with one of the
        suffixes (any case), as ``find -iname``; lazily where the host is this machine, so memory
        does not grow with the tree. What cannot be read is appended to errors."""
        return self.files.find_files(path, suffixes, errors)

    def resolve(self, path: str) -> str:
        """The physical path, as ``readlink -f`` gives it."""
        try:
            return self.files.resolve(path)
        except FileAccessError as exc:
            raise BladeError(f"{self.name}:{exc}") from None

    def uid_of(self, user: str) -> int | None:
        """The user's uid as this host knows it (its passwd), None when it knows no such user."""
        try:
            return self.files.uid_of(user)
        except FileAccessError as exc:
            raise BladeError(f"{self.name}:{exc}") from None

    # -- environment --------------------------------------------------------------------------

    def environment(
        self, rc_files: Sequence[str], extra: Mapping[str, str] | None = None
    ) -> SourcedEnvironment:
        """The environment a DFOS tool sees after bash sources rc_files (in order) on this host.

        It starts from a clean login-like environment (HOME, USER, LOGNAME, PATH, and HOSTNAME as
        the host gives it), as cron and condor jobs do.
        """
        base = [
            f"HOME={self.home}",
            f"USER={self.account}",
            f"LOGNAME={self.account}",
            "PATH=/usr/local/bin:/usr/bin:/bin",
        ]
        if self.demo:
            base.append(f"HOSTNAME={self.name}")
        base += [f"{k}={v}" for k, v in (extra or {}).items()]
        files = [self.files.real_path(rc) for rc in rc_files]
        status, out, err = self._run_raw(
            "env",
            "-i",
            *base,
            "bash",
            "--noprofile",
            "--norc",
            "-c",
            _SOURCE_SCRIPT,
            "bash",
            *files,
        )
        complaints = [
            self._logical_message(line, rc_files, files)
            for line in err.splitlines()
            if line.strip()
        ]
        if status == RC_UNREADABLE_EXIT:
            raise BladeError(f"{self.name}: {'; '.join(complaints) or 'an rc file cannot be read'}")
        if status != 0:
            raise BladeError(
                f"{self.name}: sourcing {', '.join(rc_files)} failed: {'; '.join(complaints) or f'exit {status}'}"
            )
        variables: dict[str, str] = {}
        for item in out.split(b"\0"):
            name, sep, value = item.decode("utf-8", "surrogateescape").partition("=")
            if sep and name:
                variables[name] = value
        return SourcedEnvironment(variables, complaints)

    @staticmethod
    def _logical_message(line: str, logical: Sequence[str], real: Sequence[str]) -> str:
        for shown, actual in zip(logical, real, strict=True):
            line = line.replace(actual, shown)
        return line
