"""Blade: the only door to a host.

Commands go through a testinfra host with ``host.run(cmd, *args)`` quoting, wrapped in
``timeout`` so that a host that hangs becomes an error with a reason instead of a stuck run
(:mod:`.commands`). Files are read directly when the host is this machine (or a demo host folder)
and through one bulk command per tree when it is remote (:mod:`.files`). Each question is put to
the host once per run: its answer, or its failure, is kept (:mod:`.answers`). Nothing here writes
to a host.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from ..site import Host
from .answers import Answers, reached_host, watch, weight_of
from .bulk import (
    LinkEntry,
    digest_tree,
    digest_with_sha256sum,
    list_links,
    read_headers_remote,
    read_with_tar,
    resolve_with_readlink,
)
from .commands import CommandOutput, HostCommands, probe
from .environment import SourcedEnvironment, source_rc_files
from .errors import BladeError, CommandTimedOut, HostUnreachable, hosts_down, mark_down
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
    "hosts_down",
    "mark_down",
    "probe",
    "watch",
]

T = TypeVar("T")


class Blade:
    def __init__(
        self, host: Host, account: str, *, backend: Any = None, home: str | None = None
    ) -> None:
        self.host = host
        self.name = host.name
        self.account = account
        self.home = home or f"/home/{account}"
        self.commands = HostCommands(host, account, self.home, backend)
        self.demo = host.root is not None
        self.remote = not host.url.startswith("local://")
        """whether each question travels to another machine (a round trip)."""
        if self.remote:
            self.files: FileAccess = RemoteFiles(self._run_raw)
        else:
            self.files = LocalFiles(host.root, host.mounts)
        self._answers = Answers()

    def __repr__(self) -> str:
        return f"Blade({self.name!r}, account={self.account!r})"

    # -- commands -----------------------------------------------------------------------------

    @property
    def backend(self) -> Any:
        return self.commands.backend

    def _run_raw(self, program: str, *args: str) -> tuple[int, bytes, str]:
        return self.commands.run_raw(program, *args)

    def _asked(self, operation: str, arguments: tuple[Any, ...], ask: Callable[[], T]) -> T:
        """A question put to the host: watchers see it, nothing is kept."""
        reached_host(self.name, operation, arguments)
        return ask()

    def _once(
        self,
        operation: str,
        arguments: tuple[Any, ...],
        ask: Callable[[], T],
        weigh: Callable[[Any], int] | None = None,
    ) -> T:
        """A question put to the host at most once: its answer, or its BladeError, is kept."""
        kept: T = self._answers.get(
            (operation, *arguments),
            lambda: self._asked(operation, arguments, ask),
            (BladeError,),
            weigh or weight_of,
        )
        return kept

    def run(self, program: str, *args: str) -> CommandOutput:
        """Run one program with its arguments (each quoted) on the host; once per run, as
        nothing here changes a host."""

        def ask() -> CommandOutput:
            return CommandOutput(*self._run_raw(program, *args))

        return self._once(
            "run", (program, *args), ask, lambda out: 1 + (len(out.stdout) + len(out.stderr)) // 256
        )

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

    def _file_error(self, exc: FileAccessError) -> BladeError:
        return BladeError(f"{self.name}:{exc}")

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        def ask() -> bytes:
            try:
                return self.files.read_bytes(path, limit)
            except FileAccessError as exc:
                raise self._file_error(exc) from None

        return self._once("read_bytes", (path, limit), ask, lambda data: 1 + len(data) // 256)

    def read_text(self, path: str) -> str:
        data = self.read_bytes(path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BladeError(f"{self.name}:{path}: not UTF-8 text (byte {exc.start})") from None

    def read_many(self, paths: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
        """Contents of many files, and the reason for each that could not be read: directly on
        this machine, with one ``tar`` per batch on a remote blade. Not kept: the callers keep
        what they parse."""
        if not paths:
            return {}, {}
        if isinstance(self.files, LocalFiles):
            local = self.files
            return self._asked("read_many", tuple(paths), lambda: local.read_many(paths))
        return self._asked("read_many", tuple(paths), lambda: read_with_tar(self._run_raw, paths))

    def digests(self, paths: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """SHA-256 of many files, computed on the host itself by one ``sha256sum`` per batch (the
        same command for a demo host, a local and a remote blade; the contents never travel), and
        the reason for each file that could not be read."""

        def ask() -> tuple[dict[str, str], dict[str, str]]:
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

        found, problems = self._once("digests", tuple(paths), ask, lambda _: 1 + len(paths))
        return dict(found), dict(problems)

    def digest_tree(
        self, path: str, names: Sequence[str] | None = None, parts: Sequence[str] | None = None
    ) -> tuple[dict[str, str], list[str]]:
        """SHA-256 of the files below path (below its entries named in parts, when given) whose
        names match one of the shell patterns (every file when None), by path relative to it:
        one command on the host for the tree, the contents never travel. What could not be
        read, one line each. Not kept here: the account's context keeps it per tree."""

        def ask() -> tuple[dict[str, str], list[str]]:
            try:
                real = self.files.real_path(path)
            except FileAccessError as exc:
                return {}, [str(exc)]
            found, problems = digest_tree(self._run_raw, real, names, parts)
            return found, [line.replace(real, path) for line in problems]

        return self._asked(
            "digest_tree",
            (
                path,
                tuple(names) if names is not None else None,
                tuple(parts) if parts is not None else None,
            ),
            ask,
        )

    def links_below(self, path: str) -> tuple[list[LinkEntry], list[str]]:
        """Every symbolic link below path (not followed): where it points and what is there, by
        one ``find`` on the host; what could not be read, one line each."""

        def ask() -> tuple[list[LinkEntry], list[str]]:
            try:
                real = self.files.real_path(path)
            except FileAccessError as exc:
                return [], [str(exc)]
            links, problems = list_links(self._run_raw, real)
            return links, [line.replace(real, path) for line in problems]

        links, problems = self._once(
            "links_below", (path,), ask, lambda found: 1 + len(found[0]) + len(found[1])
        )
        return list(links), list(problems)

    def read_headers(self, paths: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
        """The header blocks of FITS files (plain, .gz, or .hdr text) and the reason for each that
        could not be read; data units are never read, and a remote blade answers a whole batch in
        one command."""
        if not paths:
            return {}, {}
        if isinstance(self.files, LocalFiles):
            local = self.files
            return self._asked("read_headers", tuple(paths), lambda: _local_headers(local, paths))
        return self._asked(
            "read_headers", tuple(paths), lambda: read_headers_remote(self._run_raw, paths)
        )

    def stat(self, path: str, follow: bool = True) -> FileStat | None:
        """None when the path does not exist."""

        def ask() -> FileStat | None:
            try:
                return self.files.stat(path, follow)
            except FileAccessError as exc:
                raise self._file_error(exc) from None

        return self._once("stat", (path, follow), ask)

    def exists(self, path: str) -> bool:
        return self.stat(path) is not None

    def tree(self, path: str, max_depth: int | None = None) -> TreeListing:
        """Every entry below path (down to max_depth levels) in one bulk operation; what could not
        be read is in ``errors``. Not kept here: a listing of a tree can be large, and is shared
        by whoever needs it (``AccountUnderTest.listing``)."""
        return self.trees([path], max_depth)[0]

    def trees(self, paths: Sequence[str], max_depth: int | None = None) -> list[TreeListing]:
        """tree() of each path, in the order given, in one bulk operation for them all (one
        ``find`` on a remote blade)."""
        if not paths:
            return []

        def ask() -> list[TreeListing]:
            try:
                return self.files.trees(paths, max_depth)
            except FileAccessError as exc:
                return [TreeListing(root=path, errors=[f"{exc}"]) for path in paths]

        return self._asked("trees", (*paths, max_depth), ask)

    def list_names(self, path: str, missing_ok: bool = False) -> list[tuple[str, str]]:
        """(name, kind) of one folder's entries, cheaper than tree() when only names matter; a
        folder that does not exist is empty when missing_ok."""
        names, errors = self._once(
            "list_names",
            (path,),
            lambda: self.files.list_names(path),
            lambda found: 1 + len(found[0]),
        )
        if missing_ok and errors and all("No such file" in e for e in errors):
            return []
        if errors:
            raise BladeError(f"{self.name}:{errors[0]}")
        return list(names)

    def find_files(
        self, path: str, suffixes: tuple[str, ...], errors: list[str], links: bool = False
    ) -> Iterator[tuple[str, int]]:
        """(path relative to path, size) of the files (and, with links, symbolic links) below
        path whose names end with one of the suffixes (any case), as ``find -iname``; lazily
        where the host is this machine, so memory does not grow with the tree. What cannot be
        read is appended to errors. Not kept."""
        return self._asked(
            "find_files",
            (path, *suffixes, links),
            lambda: self.files.find_files(path, suffixes, errors, links),
        )

    def resolve(self, path: str) -> str:
        """The physical path, as ``readlink -f`` gives it."""

        def ask() -> str:
            try:
                return self.files.resolve(path)
            except FileAccessError as exc:
                raise self._file_error(exc) from None

        return self._once("resolve", (path,), ask)

    def resolve_many(self, paths: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """resolve() of many paths, with one ``readlink -f`` for them all on a remote blade
        (each alone only when some cannot be resolved): the physical paths, and the reason for
        each path that could not be resolved."""

        def ask() -> tuple[dict[str, str], dict[str, str]]:
            if self.remote and paths:
                found = resolve_with_readlink(self._run_raw, paths)
                if found is not None:
                    return dict(zip(paths, found, strict=True)), {}
            resolved: dict[str, str] = {}
            problems: dict[str, str] = {}
            for path in paths:
                try:
                    resolved[path] = self.files.resolve(path)
                except FileAccessError as exc:
                    problems[path] = str(exc)
            return resolved, problems

        resolved, problems = self._once("resolve_many", tuple(paths), ask, lambda _: 1 + len(paths))
        return dict(resolved), dict(problems)

    def uid_of(self, user: str) -> int | None:
        """The user's uid as this host knows it (its passwd), None when it knows no such user."""

        def ask() -> int | None:
            try:
                return self.files.uid_of(user)
            except FileAccessError as exc:
                raise self._file_error(exc) from None

        return self._once("uid_of", (user,), ask)

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
        instead = dict(sourced_instead or {})

        def ask() -> SourcedEnvironment:
            return source_rc_files(
                self._run_raw,
                self.name,
                base,
                rc_files,
                [self.files.real_path(rc) for rc in rc_files],
                instead,
                self.files.mount_table(),
            )

        return self._once(
            "environment",
            (tuple(rc_files), tuple(base), tuple(instead.items())),
            ask,
            lambda env: 1 + len(env.variables),
        )


def _local_headers(
    files: LocalFiles, paths: Sequence[str]
) -> tuple[dict[str, bytes], dict[str, str]]:
    headers: dict[str, bytes] = {}
    problems: dict[str, str] = {}
    for path in paths:
        try:
            with open(files.real_path(path), "rb") as handle:
                headers[path] = header_blocks(handle)
        except HeaderProblem as exc:
            problems[path] = problem_of(exc)
        except FileAccessError as exc:
            problems[path] = str(exc).split(": ", 1)[-1]
        except OSError as exc:
            problems[path] = problem_of(exc)
    return headers, problems
