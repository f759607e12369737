# Reads only the header blocks of FITS files (plain, gzip-compressed or .hdr text), never the
# data units. Written for Python 2.6+ and 3 alike: on a remote blade this very file is run with
# the blade's own python (``python -c SOURCE FILE...``), so an old 32-bit dfo blade answers too.
# Output for each file: path NUL status NUL length NUL bytes; status is "ok" or the reason.
import gzip
import struct
import sys
import zlib

if False:  # for type checkers only: the blade may run a python without typing
    from typing import IO, Any, List  # noqa: F401, UP035

BLOCK = 2880
CARD = 80
MAX_BLOCKS = 2000
GZIP_MAGIC = b"\x1f\x8b"


def _has_end(block):  # type: (bytes) -> bool
    for start in range(0, len(block), CARD):
        card = block[start : start + CARD]
        if card[:8] == b"END     " or (card[:3] == b"END" and card[3:].strip() == b""):
            return True
    return False


class GzipProblem(Exception):
    """A gzip stream that cannot be inflated; the message is the reason, worded as the QC1
    reader words it ("corrupt gzip stream: ...", "gzip stream cut short: ...")."""


class Inflated(object):
    """The inflated bytes of a gzip file; every failure to inflate them is a GzipProblem.

    gzip and zlib fail in several ways, which differ between Python 2 and 3: zlib.error (a
    corrupt deflate stream), IOError/OSError without an errno (a bad header, BadGzipFile),
    EOFError or struct.error (the stream ends early). An OSError with an errno is the file
    itself failing to be read, and stays what it is.
    """

    def __init__(self, handle):  # type: (Any) -> None
        self._gzip = gzip.GzipFile(fileobj=handle, mode="rb")

    def read(self, size):  # type: (int) -> bytes
        try:
            return self._gzip.read(size)
        except zlib.error as exc:
            raise GzipProblem("corrupt gzip stream: %s" % (exc,))
        except (EOFError, struct.error):
            raise GzipProblem("gzip stream cut short: it ends before its end marker")
        except (IOError, OSError) as exc:
            if getattr(exc, "errno", None):
                raise
            raise GzipProblem("corrupt gzip stream: %s" % (exc,))


def header_blocks(handle):  # type: (Any) -> bytes
    """The bytes up to and including the block holding END (all of it for a .hdr text file).

    Raises GzipProblem for a compressed file that cannot be inflated, OSError when the file
    cannot be read.
    """
    first = handle.read(BLOCK)
    if first[:2] == GZIP_MAGIC:
        handle.seek(0)
        handle = Inflated(handle)
        first = handle.read(BLOCK)
    blocks = [first]  # type: List[bytes]
    if b"\n" in first[: CARD + 1]:
        blocks.append(handle.read(BLOCK * MAX_BLOCKS))  # a .hdr file: cards a line, small
        return b"".join(blocks)
    while blocks[-1] and len(blocks) < MAX_BLOCKS and not _has_end(blocks[-1]):
        blocks.append(handle.read(BLOCK))
    return b"".join(blocks)


def problem_of(exc):  # type: (BaseException) -> str
    """Why a file's headers could not be read, in one line."""
    if isinstance(exc, GzipProblem):
        return str(exc)
    return str(getattr(exc, "strerror", None) or exc) or exc.__class__.__name__


def main(paths, out):  # type: (List[str], Any) -> None
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = header_blocks(handle)
            status = "ok"
        except Exception as exc:  # every failure is reported by name, never raised
            data = b""
            status = problem_of(exc)
        out.write(path.encode("utf-8", "surrogateescape") if not isinstance(path, bytes) else path)
        out.write(
            b"\0" + status.encode("utf-8", "replace") + b"\0" + str(len(data)).encode() + b"\0"
        )
        out.write(data)


if __name__ == "__main__":
    stream = getattr(sys.stdout, "buffer", sys.stdout)
    main(sys.argv[1:], stream)
    stream.flush()
