"""Blade: the only door to a host.

Commands go through a testinfra host with ``host.run(cmd, *args)`` quoting, wrapped in
``timeout`` so that a host that hangs becomes an error with a reason instead of a stuck run. Files
are read directly when the host is this machine (or a demo host folder) and through one bulk
command per tree when it is remote. Nothing here writes to a host.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..site import Host
from . import ssh
from .bulk import (
    LinkEntry,
    digest_tree,
    digest_with_sha256sum,
    list_links,
    read_headers_remote,
    read_with_tar,
)
from .files import FileAccess, FileAccessError, LocalFiles, RemoteFiles
from .header_script import HeaderProblem, header_blocks, problem_of
from .listing import FileStat, TreeListing

__all__ = [
    "Blade",
    "BladeError",
    "CommandOutput",
    "CommandTimedOut",
    "FileAccessError",
    "FileStat",
    "HostUnreachable",
    "LinkEntry",
    "SourcedEnvironment",
    "TreeListing",
]

TIMEOUT_EXIT = 124
RC_UNREADABLE_EXIT = 97

# Sources each rc file in turn in a clean login-like environment and prints the result. A file
# that is missing or unreadable stops with RC_UNREADABLE_EXIT; bash's own complaints (a syntax
# error, a failing command) reach stderr and are reported with the environment.
#
# An rc file may source another (`.qcrc` ends with `source $HOME/.dfosrc`): `source` and `.` are
# wrapped so that such a path is first rewritten by the caller's replacements (`R from to`: the
# switched view, where `.dfosrc` is the muc rc) and then mapped through the host's mount table
# (`M logical real`, a demo host's `/home`), given before `--`. The top-level files are sourced
# as given (already real paths). Without replacements or mounts (a real blade's plain view) no
# wrapper is defined: a file sourced through a function would see its `declare`s made local.
_SOURCE_SCRIPT = (
    "__mv_r=(); __mv_m=(); "
    'while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do '
    'if [ "$1" = R ]; then __mv_r+=("$2" "$3"); else __mv_m+=("$2" "$3"); fi; shift 3; done; '
    "shift; "
    '__mv_path() { local f="$1" i n; '
    'for ((i=0; i<${#__mv_r[@]}; i+=2)); do n="${__mv_r[i]}"; '
    'case "$f" in "$n"|"$n"/*) f="${__mv_r[i+1]}${f#"$n"}";; esac; done; '
    'for ((i=0; i<${#__mv_m[@]}; i+=2)); do n="${__mv_m[i]}"; '
    'if [ "$n" = / ]; then case "$f" in /*) f="${__mv_m[i+1]}$f"; break;; esac; '
    'else case "$f" in "$n"|"$n"/*) f="${__mv_m[i+1]}${f#"$n"}"; break;; esac; fi; done; '
    "printf '%s' \"$f\"; }; "
    'if [ "${#__mv_r[@]}" -gt 0 ] || [ "${#__mv_m[@]}" -gt 0 ]; then '
    'source() { local __mv_f; __mv_f=$(__mv_path "$1"); shift; builtin source "$__mv_f" "$@"; }; '
    '. () { local __mv_f; __mv_f=$(__mv_path "$1"); shift; builtin source "$__mv_f" "$@"; }; '
    "fi; "
    'cd "$HOME" 2>/dev/null; unset OLDPWD; for rc in "$@"; do '
    f'[ -r "$rc" ] || {{ echo "$rc: cannot be read" >&2; exit {RC_UNREADABLE_EXIT}; }}; '
    'builtin source "$rc" </dev/null >/dev/null; '
    "done; unset rc; env -0"
)


class BladeError(Exception):
    """Something on a host could not be done; the message says what and why."""


class HostUnreachable(BladeError):
    """The host did not answer: ssh failed, or the command never started there."""


class CommandTimedOut(BladeError):
    """A command outlived the host's timeout; the host itself answered (its ``timeout`` ended
    the command), so it is not marked down: a hanging rc file is the rc file's fault."""


_DOWN: dict[str, str] = {}
"""hosts found dead in this process (or by the controller's probe), with the reason: every later
command fails at once with it, so a dead blade costs one timeout, not one per check."""


def mark_down(name: str, reason: str) -> None:
    _DOWN.setdefault(name, reason)


def hosts_down() -> dict[str, str]:
    return dict(_DOWN)


def probe(host: Host, account: str) -> str | None:
    """Whether the host answers a trivial command within its timeout (and a few seconds for the
    connection): None when it does, else why not. A hung connection is left behind in its
    thread rather than waited for."""
    import threading

    outcome: list[str | None] = []

    def attempt() -> None:
        try:
            status, _, err = Blade(host, account)._run_raw("true")
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

    def _run_raw(self, program: str, *args: str) -> tuple[int, bytes, str]:
        down = _DOWN.get(self.name)
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

    def digests(self, paths: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """SHA-256 of many files, computed on the host itself by one ``sha256sum`` per batch (the
        same command for a demo host, a local and a remote blade; the contents never travel), and
        the reason for each file that could not be read."""
        real: dict[str, str] = {}
        problems: dict[str, str] = {}
        for path in paths:
            try:
                real[self.files.real_path(path)] = path
            except FileAccessError as exc:
                problems[path] = str(exc).split(": ", 1)[-1]
        found, unread = digest_with_sha256sum(self._run_raw, list(real))
        problems.update({real[p]: reason for p, reason in unread.items() if p in real})
        return {real[p]: digest for p, digest in found.items() if p in real}, problems

    def digest_tree(
        self, path: str, names: Sequence[str] | None = None, parts: Sequence[str] | None = None
    ) -> tuple[dict[str, str], list[str]]:
        """SHA-256 of the files below path (below its entries named in parts, when given) whose
        names match one of the shell patterns (every file when None), by path relative to it:
        one command on the host for the tree, the contents never travel. What could not be
        read, one line each."""
        try:
            real = self.files.real_path(path)
        except FileAccessError as exc:
            return {}, [str(exc)]
        found, problems = digest_tree(self._run_raw, real, names, parts)
        return found, [line.replace(real, path) for line in problems]

    def links_below(self, path: str) -> tuple[list[LinkEntry], list[str]]:
        """Every symbolic link below path (not followed): where it points and what is there, by
        one ``find`` on the host; what could not be read, one line each."""
        try:
            real = self.files.real_path(path)
        except FileAccessError as exc:
            return [], [str(exc)]
        links, problems = list_links(self._run_raw, real)
        return links, [line.replace(real, path) for line in problems]

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
        self,
        rc_files: Sequence[str],
        extra: Mapping[str, str] | None = None,
        sourced_instead: Mapping[str, str] | None = None,
    ) -> SourcedEnvironment:
        """The environment a DFOS tool sees after bash sources rc_files (in order) on this host.

        It starts from a clean login-like environment (HOME, USER, LOGNAME, PATH, and HOSTNAME as
        the host gives it), as cron and condor jobs do. Where an rc file sources another one
        named in ``sourced_instead``, bash reads the replacement (the switched view:
        ``.dfosrc`` -> ``.dfosrc_muc``).
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
            *[w for k, v in (sourced_instead or {}).items() for w in ("R", k, v)],
            *[w for k, v in self.files.mount_table() for w in ("M", k, v)],
            "--",
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
