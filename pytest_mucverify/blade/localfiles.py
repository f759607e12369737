"""Files of the machine this runs on, or of a demo host folder: read directly (scandir, stat)."""

from __future__ import annotations

import os
import posixpath
import pwd
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .access import UNRESOLVABLE, FileAccessError
from .access import reason_of as _reason
from .listing import FileStat, TreeListing, kind_of


class LocalFiles:
    """Files of the machine this runs on; with a root and mounts, of a demo host folder.

    A demo host is a folder that stands for the host's ``/`` plus a mount table (``/home`` -> the
    shared home folder). Logical paths are translated on the way in and out, so a check sees
    ``/data/giraffe`` and ``/fujisan3/data/giraffe`` exactly as on the blade.
    """

    def __init__(self, root: Path | None = None, mounts: Mapping[str, Path] | None = None) -> None:
        self.root = root.resolve() if root else None
        table = {"/": self.root} if self.root else {}
        table.update({k: v.resolve() for k, v in (mounts or {}).items()})
        # longest logical prefix first, so /home wins over /
        self.mounts: list[tuple[str, Path]] = sorted(table.items(), key=lambda kv: -len(kv[0]))
        self._mount_strings = [(logical, str(folder)) for logical, folder in self.mounts]
        self._owners: dict[int, str] | None = None

    def real_path(self, path: str) -> str:
        if not path.startswith("/"):
            raise FileAccessError(f"{path}: not an absolute path")
        if not self.mounts:
            return path
        norm = posixpath.normpath(path)
        for logical, folder in self._mount_strings:
            if logical == "/":
                rest = norm.lstrip("/")
            elif norm == logical or norm.startswith(logical + "/"):
                rest = norm[len(logical) :].lstrip("/")
            else:
                continue
            return f"{folder}/{rest}" if rest else folder
        raise FileAccessError(f"{path}: outside every mount of this host")

    def mount_table(self) -> list[tuple[str, str]]:
        """(logical, real) folder pairs, longest logical first: how bash on this machine must
        rewrite a path an rc file sources."""
        return list(self._mount_strings)

    def logical_path(self, real: str) -> str:
        if not self.mounts:
            return real
        for logical, folder in sorted(self.mounts, key=lambda kv: -len(str(kv[1]))):
            base = str(folder)
            if real == base or real.startswith(base + "/"):
                rest = real[len(base) :]
                return posixpath.normpath(logical.rstrip("/") + rest) if rest else logical
        return real

    def owner_name(self, uid: int) -> str:
        if self._owners is None:
            self._owners = self._load_owners()
        return self._owners.get(uid, str(uid))

    def _load_owners(self) -> dict[int, str]:
        if self.root is None:
            return {p.pw_uid: p.pw_name for p in reversed(pwd.getpwall())}
        owners: dict[int, str] = {}
        try:
            text = (self.root / "etc" / "passwd").read_text("utf-8", "replace")
        except OSError:
            return owners
        for line in text.splitlines():
            parts = line.split(":")
            if len(parts) >= 3 and parts[2].isdigit():
                owners.setdefault(int(parts[2]), parts[0])
        return owners

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        real = self.real_path(path)
        try:
            with open(real, "rb") as handle:
                return handle.read() if limit is None else handle.read(limit)
        except IsADirectoryError:
            raise FileAccessError(f"{path}: Is a directory") from None
        except OSError as exc:
            raise FileAccessError(f"{path}: {_reason(exc)}") from None

    def read_many(self, paths: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
        """Many files at once; each folder's translation is done once, each file read with one
        open and one read of its whole size."""
        contents: dict[str, bytes] = {}
        problems: dict[str, str] = {}
        folders: dict[str, str] = {}
        for path in paths:
            parent, _, name = path.rpartition("/")
            try:
                real_parent = folders.get(parent)
                if real_parent is None:
                    real_parent = folders[parent] = self.real_path(parent or "/")
                handle = os.open(f"{real_parent}/{name}", os.O_RDONLY)
            except (OSError, FileAccessError) as exc:
                problems[path] = (
                    _reason(exc) if isinstance(exc, OSError) else str(exc).split(": ", 1)[-1]
                )
                continue
            try:
                chunks = []
                size = os.fstat(handle).st_size
                while True:
                    chunk = os.read(handle, max(size, 65536))
                    if not chunk:
                        break
                    chunks.append(chunk)
                contents[path] = b"".join(chunks)
            except OSError as exc:
                problems[path] = _reason(exc)
            finally:
                os.close(handle)
        return contents, problems

    def _record(self, shown: str, st: os.stat_result, target: str = "") -> FileStat:
        return FileStat(
            path=shown,
            kind=kind_of(st.st_mode),
            mode=st.st_mode & 0o7777,
            uid=st.st_uid,
            owner=self.owner_name(st.st_uid),
            size=st.st_size,
            mtime_ns=st.st_mtime_ns,
            target=target,
        )

    def stat(self, path: str, follow: bool = True) -> FileStat | None:
        real = self.real_path(path)
        try:
            st = os.stat(real, follow_symlinks=follow)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise FileAccessError(f"{path}: {_reason(exc)}") from None
        target = os.readlink(real) if kind_of(st.st_mode) == "l" else ""
        return self._record(path, st, target)

    def uid_of(self, user: str) -> int | None:
        if self.root is None:
            try:
                return pwd.getpwnam(user).pw_uid
            except KeyError:
                return None
        if self._owners is None:
            self._owners = self._load_owners()
        return next((uid for uid, name in self._owners.items() if name == user), None)

    def tree(self, path: str, max_depth: int | None = None) -> TreeListing:
        listing = TreeListing(root=path)
        top = self.real_path(path)
        try:
            is_dir = kind_of(os.stat(top).st_mode) == "d"
        except OSError as exc:  # missing, a dangling or looping link, a file on the way
            listing.errors.append(f"{path}: {_reason(exc)}")
            return listing
        if not is_dir:
            listing.errors.append(f"{path}: Not a directory")
            return listing
        if max_depth is not None and max_depth < 1:
            return listing
        stack = [(top, "", 1)]
        while stack:
            folder, prefix, depth = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    children = list(scan)
            except OSError as exc:
                shown = posixpath.join(path, prefix.rstrip("/")) if prefix else path
                listing.errors.append(f"{shown}: {_reason(exc)}")
                continue
            for child in children:
                rel = prefix + child.name
                try:
                    st = child.stat(follow_symlinks=False)
                    target = os.readlink(child.path) if child.is_symlink() else ""
                except OSError as exc:
                    listing.errors.append(f"{posixpath.join(path, rel)}: {_reason(exc)}")
                    continue
                listing.entries.append(self._record(rel, st, target))
                if child.is_dir(follow_symlinks=False) and (max_depth is None or depth < max_depth):
                    stack.append((child.path, rel + "/", depth + 1))
        return listing

    def trees(self, paths: Sequence[str], max_depth: int | None = None) -> list[TreeListing]:
        return [self.tree(path, max_depth) for path in paths]

    def list_names(self, path: str) -> tuple[list[tuple[str, str]], list[str]]:
        """One level of a folder as (name, kind), from the directory entries alone (no stat)."""
        try:
            with os.scandir(self.real_path(path)) as scan:
                return [(e.name, _entry_kind(e)) for e in scan], []
        except OSError as exc:
            return [], [f"{path}: {_reason(exc)}"]

    def find_files(
        self, path: str, suffixes: tuple[str, ...], errors: list[str], links: bool = False
    ) -> Iterator[tuple[str, int]]:
        """(relative path, size) of every file (and link, with links) below path whose name
        ends with one of the suffixes (any case), lazily; only those are stat'ed (a link itself,
        not followed). Unreadable folders go to errors."""
        lowered = tuple(suffix.lower() for suffix in suffixes)
        yield from self._matching(self.real_path(path), "", path, lowered, errors, links)

    def _matching(
        self,
        folder: str,
        prefix: str,
        shown: str,
        suffixes: tuple[str, ...],
        errors: list[str],
        links: bool,
    ) -> Iterator[tuple[str, int]]:
        """Depth first with one open directory per level, so memory follows the depth of the
        tree, not its size."""
        try:
            scan = os.scandir(folder)
        except OSError as exc:
            errors.append(
                f"{posixpath.join(shown, prefix.rstrip('/')) if prefix else shown}: {_reason(exc)}"
            )
            return
        with scan:
            for child in scan:
                if child.is_dir(follow_symlinks=False):
                    yield from self._matching(
                        child.path, prefix + child.name + "/", shown, suffixes, errors, links
                    )
                elif child.name.lower().endswith(suffixes) and (
                    child.is_file(follow_symlinks=False) or (links and child.is_symlink())
                ):
                    try:
                        yield prefix + child.name, child.stat(follow_symlinks=False).st_size
                    except OSError as exc:
                        errors.append(
                            f"{posixpath.join(shown, prefix + child.name)}: {_reason(exc)}"
                        )

    def resolve(self, path: str) -> str:
        # as ``readlink -f``: every component but the last must exist, and no link may loop
        real = self.real_path(path)
        try:
            return self.logical_path(os.path.realpath(real, strict=True))
        except (FileNotFoundError, NotADirectoryError):
            resolved = os.path.realpath(real)
            if os.path.isdir(os.path.dirname(resolved)):
                return self.logical_path(resolved)
        except OSError:
            pass
        raise FileAccessError(f"{path}: {UNRESOLVABLE}")


def _entry_kind(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "l"
    if entry.is_dir(follow_symlinks=False):
        return "d"
    return "f" if entry.is_file(follow_symlinks=False) else "?"
