"""What every way of reaching a blade's files offers, and how it fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from .listing import FileStat, TreeListing


class FileAccessError(Exception):
    """A path that cannot be read; the message names the path and the reason."""


class CommandRunner(Protocol):
    def __call__(self, program: str, *args: str) -> tuple[int, bytes, str]: ...


class FileAccess(Protocol):
    def read_bytes(self, path: str, limit: int | None = None) -> bytes: ...
    def stat(self, path: str, follow: bool = True) -> FileStat | None: ...
    def tree(self, path: str, max_depth: int | None = None) -> TreeListing: ...
    def trees(self, paths: Sequence[str], max_depth: int | None = None) -> list[TreeListing]: ...
    def resolve(self, path: str) -> str: ...
    def real_path(self, path: str) -> str: ...
    def mount_table(self) -> list[tuple[str, str]]: ...
    def uid_of(self, user: str) -> int | None: ...
    def list_names(self, path: str) -> tuple[list[tuple[str, str]], list[str]]: ...
    def find_files(
        self, path: str, suffixes: tuple[str, ...], errors: list[str], links: bool = False
    ) -> Iterator[tuple[str, int]]: ...


def reason_of(exc: OSError) -> str:
    return exc.strerror or str(exc)


# what both sides say when ``readlink -f`` has no answer (it fails without saying why)
UNRESOLVABLE = "cannot be resolved (a folder on the way is missing, or symbolic links loop)"
