"""Files of a remote blade, reached through commands on the host: ``cat``, ``find -printf``
(one per tree, or one for many trees), ``readlink -f``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from .access import UNRESOLVABLE, FileAccessError
from .listing import (
    FIND_FORMAT,
    FileStat,
    TreeListing,
    parse_find_output,
    parse_rooted_find_output,
)

TREES_PER_COMMAND = 200
"""roots per ``find``: well under the kernel's argument-length limit for long DFOS paths."""


class RemoteFiles:
    """Files reached through commands on the host: ``cat``, ``find -printf``, ``readlink -f``."""

    def __init__(self, run: Callable[..., tuple[int, bytes, str]]) -> None:
        self.run = run

    def real_path(self, path: str) -> str:
        return path

    def mount_table(self) -> list[tuple[str, str]]:
        return []

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        if limit is None:
            status, out, err = self.run("cat", "--", path)
        else:
            status, out, err = self.run("head", "-c", str(limit), "--", path)
        if status != 0:
            raise FileAccessError(f"{path}: {_command_reason(err, path)}")
        return out

    def stat(self, path: str, follow: bool = True) -> FileStat | None:
        status, out, err = self.run(
            "find", "-L" if follow else "-P", path, "-maxdepth", "0", "-printf", FIND_FORMAT
        )
        if status != 0 and not out:
            reason = _command_reason(err, path)
            if "No such file" in reason or "Not a directory" in reason:
                return None
            raise FileAccessError(f"{path}: {reason}")
        entries = parse_find_output(out)
        if not entries:
            return None
        found = entries[0]
        if follow and found.kind == "l":
            # find -L reports a link it cannot follow (a dangling one) as the link itself
            return None
        return FileStat(
            path,
            found.kind,
            found.mode,
            found.uid,
            found.owner,
            found.size,
            found.mtime_ns,
            found.target,
        )

    def uid_of(self, user: str) -> int | None:
        status, out, _err = self.run("id", "-u", "--", user)
        text = out.decode("ascii", "replace").strip()
        return int(text) if status == 0 and text.isdigit() else None

    def tree(self, path: str, max_depth: int | None = None) -> TreeListing:
        listing = TreeListing(root=path)
        depth = ["-maxdepth", str(max(max_depth, 0))] if max_depth is not None else []
        # the root's own record (empty %P) comes first and says whether it is a folder at all
        status, out, err = self.run("find", "-H", path, *depth, "-printf", FIND_FORMAT)
        try:
            entries = parse_find_output(out)
        except ValueError as exc:
            entries = []
            listing.errors.append(f"{path}: {exc}")
        if entries and entries[0].path == "":
            if entries[0].kind != "d":
                # with -H a root still shown as a link is one that leads nowhere
                reason = (
                    "No such file or directory" if entries[0].kind == "l" else "Not a directory"
                )
                listing.errors.append(f"{path}: {reason}")
                return listing
            entries = entries[1:]
        listing.entries = entries
        if status != 0:
            lines = [line for line in err.splitlines() if line.strip()]
            listing.errors.extend(
                _find_error(line) for line in lines or [f"find exited with {status}"]
            )
        return listing

    def trees(self, paths: Sequence[str], max_depth: int | None = None) -> list[TreeListing]:
        """tree() of each path, with one ``find`` for up to TREES_PER_COMMAND of them: each
        record starts with its starting point (``%H``), a complaint goes to the root it names."""
        if len(paths) == 1:
            return [self.tree(paths[0], max_depth)]
        listings = {path: TreeListing(root=path) for path in paths}
        roots = list(listings)
        refused: set[str] = set()
        depth = ["-maxdepth", str(max(max_depth, 0))] if max_depth is not None else []
        for start in range(0, len(roots), TREES_PER_COMMAND):
            batch = roots[start : start + TREES_PER_COMMAND]
            status, out, err = self.run(
                "find", "-H", *batch, *depth, "-printf", r"%H\0" + FIND_FORMAT
            )
            try:
                found = parse_rooted_find_output(out)
            except ValueError as exc:
                found = {}
                for root in batch:
                    listings[root].errors.append(f"{root}: {exc}")
            for root, entries in found.items():
                if root not in listings:
                    continue
                if entries and entries[0].path == "":
                    if entries[0].kind != "d":
                        # with -H a root still shown as a link is one that leads nowhere
                        reason = (
                            "No such file or directory"
                            if entries[0].kind == "l"
                            else "Not a directory"
                        )
                        listings[root].errors.append(f"{root}: {reason}")
                        refused.add(root)
                        continue
                    entries = entries[1:]
                listings[root].entries = entries
            if status != 0:
                lines = [line for line in err.splitlines() if line.strip()]
                for error in (
                    _find_error(line) for line in lines or [f"find exited with {status}"]
                ):
                    for root in _roots_of(error, batch) or batch:
                        if root not in refused and error not in listings[root].errors:
                            listings[root].errors.append(error)
        return [listings[path] for path in paths]

    def list_names(self, path: str) -> tuple[list[tuple[str, str]], list[str]]:
        status, out, err = self.run(
            "find", "-H", path, "-mindepth", "1", "-maxdepth", "1", "-printf", r"%y\0%P\0"
        )
        fields = out.split(b"\0")[:-1]
        names = [
            (fields[i + 1].decode("utf-8", "surrogateescape"), fields[i].decode("ascii", "replace"))
            for i in range(0, len(fields) - 1, 2)
        ]
        errors = [_find_error(line) for line in err.splitlines() if line.strip()] if status else []
        return names, errors

    def find_files(
        self, path: str, suffixes: tuple[str, ...], errors: list[str], links: bool = False
    ) -> Iterator[tuple[str, int]]:
        patterns: list[str] = []
        for suffix in suffixes:
            patterns += ["-o", "-iname", f"*{suffix}"] if patterns else ["-iname", f"*{suffix}"]
        kinds = ["(", "-type", "f", "-o", "-type", "l", ")"] if links else ["-type", "f"]
        status, out, err = self.run(
            "find", "-H", path, *kinds, "(", *patterns, ")", "-printf", r"%s\0%P\0"
        )
        if status:
            errors.extend(_find_error(line) for line in err.splitlines() if line.strip())
        fields = out.split(b"\0")[:-1]
        for i in range(0, len(fields) - 1, 2):
            yield fields[i + 1].decode("utf-8", "surrogateescape"), int(fields[i])

    def resolve(self, path: str) -> str:
        status, out, err = self.run("readlink", "-f", "--", path)
        if status != 0:
            reason = _command_reason(err, path) if err.strip() else UNRESOLVABLE
            raise FileAccessError(f"{path}: {reason}")
        return out.decode("utf-8", "surrogateescape").rstrip("\n")


_FILE_PROGRAMS = ("cat: ", "head: ", "find: ", "readlink: ")
"""the programs RemoteFiles reads files with, as they begin a complaint."""


def _command_reason(err: str, path: str) -> str:
    line = err.strip().splitlines()[-1] if err.strip() else "command failed"
    # "cat: /x: No such file or directory" -> "No such file or directory"; a name that is not
    # printable is quoted by the program ('caf'$'\351''.txt'), so it is not found in the line as is
    if path in line or line.startswith(_FILE_PROGRAMS):
        return line.rsplit(": ", 1)[-1]
    return line


def _roots_of(error: str, roots: Sequence[str]) -> list[str]:
    """The roots whose trees a complaint (``path: reason``) is about: the root it names, else
    every root the path lies below (find walks nested roots once each)."""
    named = [root for root in roots if error.startswith(f"{root}: ")]
    return named or [root for root in roots if error.startswith(root.rstrip("/") + "/")]


def _find_error(line: str) -> str:
    # find: '/data/x/logs': Permission denied  ->  /data/x/logs: Permission denied
    if line.startswith("find: "):
        line = line[len("find: ") :]
    quoted, sep, reason = line.partition(": ")
    return f"{quoted.strip(chr(8216) + chr(8217) + chr(39))}: {reason}" if sep else line
