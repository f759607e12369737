"""The byte sources the QC1 header scanners read: bytes in memory, an open file, and the inflated
stream of a gzip-compressed file.

The scanners read sequentially and skip data units. A file source seeks over what is skipped, so
only the header blocks of a FITS file are read; a gzip source inflates block by block, only as
far as the scan reads (skipped bytes are inflated and dropped).
"""

from __future__ import annotations

import os
import zlib
from typing import IO, Protocol

GZIP_MAGIC = b"\x1f\x8b"
"""The first two bytes of a gzip member."""


class Source(Protocol):
    """Bytes read in sequence, with data units skipped."""

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the stream."""

    def skip(self, size: int) -> int:
        """Skip ``size`` bytes; returns how many there were."""


class BytesSource:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, size: int) -> bytes:
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk

    def skip(self, size: int) -> int:
        skipped = max(0, min(size, len(self._data) - self._pos))
        self._pos += skipped
        return skipped


class FileSource:
    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def read(self, size: int) -> bytes:
        return self._file.read(size)

    def skip(self, size: int) -> int:
        here = self._file.tell()
        skipped = max(0, min(size, os.fstat(self._file.fileno()).st_size - here))
        self._file.seek(here + skipped)
        return skipped


class Prefixed:
    """A source whose first bytes were already read (to look at the magic)."""

    def __init__(self, first: bytes, rest: Source) -> None:
        self._first = first
        self._rest = rest

    def read(self, size: int) -> bytes:
        if not self._first:
            return self._rest.read(size)
        chunk, self._first = self._first[:size], self._first[size:]
        if len(chunk) < size:
            chunk += self._rest.read(size - len(chunk))
        return chunk

    def skip(self, size: int) -> int:
        taken = min(size, len(self._first))
        self._first = self._first[taken:]
        return taken + (self._rest.skip(size - taken) if size > taken else 0)


class GzipSource:
    """The inflated stream of gzip members, inflated only as far as it is read."""

    _INPUT = 16384
    _SKIP = 1 << 20

    def __init__(self, compressed: Source) -> None:
        self._compressed = compressed
        self._inflate = zlib.decompressobj(wbits=31)
        self._pending = b""
        self._done = False
        self.error: str | None = None

    def _more_input(self) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
            return chunk
        return self._compressed.read(self._INPUT)

    def _next_member(self) -> None:
        rest = self._inflate.unused_data or self._compressed.read(self._INPUT)
        if len(rest) < 2:
            rest += self._compressed.read(self._INPUT)
        if rest[:2] == GZIP_MAGIC:
            self._inflate = zlib.decompressobj(wbits=31)
            self._pending = rest
            return
        self._done = True
        if rest.strip(b"\0"):
            self.error = "bytes after the end of the gzip stream were ignored"

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        wanted = size
        while wanted > 0 and not self._done:
            if self._inflate.eof:
                self._next_member()
                continue
            data = self._inflate.unconsumed_tail or self._more_input()
            try:
                chunk = self._inflate.decompress(data, wanted)
            except zlib.error as exc:
                self.error = f"corrupt gzip stream: {exc}"
                self._done = True
                break
            if chunk:
                parts.append(chunk)
                wanted -= len(chunk)
            elif not data and not self._inflate.eof:
                self.error = "gzip stream cut short: it ends before its end marker"
                self._done = True
        return b"".join(parts)

    def skip(self, size: int) -> int:
        skipped = 0
        while skipped < size:
            chunk = self.read(min(size - skipped, self._SKIP))
            if not chunk:
                break
            skipped += len(chunk)
        return skipped


def read_all(source: Source) -> bytes:
    parts = []
    while chunk := source.read(1 << 20):
        parts.append(chunk)
    return b"".join(parts)
