# Reads only the header blocks of FITS files (plain, gzip- or compress-packed, or .hdr text),
# every HDU's, never the data units: the headers come out one after the other, each up to the
# block holding its END card. Written for Python 2.6+ and 3 alike: on a remote blade this very file is run with
# the blade's own python (``python -c SOURCE FILE...``), so an old 32-bit dfo blade answers too.
# Output for each file: path NUL status NUL length NUL bytes; status is "ok" or the reason.
import gzip
import struct
import sys
import zlib

if False:  # for type checkers only: the blade may run a python without typing
    from typing import IO, Any, Dict, List  # noqa: F401, UP035

BLOCK = 2880
CARD = 80
MAX_BLOCKS = 2000
MAX_HDUS = 1000
GZIP_MAGIC = b"\x1f\x8b"
COMPRESS_MAGIC = b"\x1f\x9d"
_SKIP = 1 << 20


def _has_end(block):  # type: (bytes) -> bool
    """Whether a card of the block is END (blanks after it, or a short last card)."""
    start = block.find(b"END")
    while start >= 0:
        card = block[start : start + CARD]
        if not start % CARD and (card[3:8] == b"     " or card[3:].strip() == b""):
            return True
        start = block.find(b"END", start + 1)
    return False


class HeaderProblem(Exception):
    """The headers of a file cannot all be read; the message says why."""


class GzipProblem(HeaderProblem):
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


def unlzw(data):  # type: (bytes) -> bytes
    """The content of a Unix ``compress`` (.Z) file: LZW codes of 9 up to ``maxbits`` bits,
    read in groups of eight; a code-width change or a CLEAR code skips to the next group."""
    if len(data) < 3:
        raise GzipProblem("compress stream cut short: it ends inside its header")
    flags = bytearray(data[2:3])[0]
    maxbits, block_mode = flags & 0x1F, flags & 0x80
    if not 9 <= maxbits <= 16:
        raise GzipProblem("corrupt compress stream: %d-bit codes" % maxbits)
    stream = bytearray(data[3:]) + bytearray(3)
    total = (len(data) - 3) * 8
    table = [bytes(bytearray([i])) for i in range(256)]  # type: List[bytes]
    first_free = 257 if block_mode else 256
    if block_mode:
        table.append(b"")
    out = []  # type: List[bytes]
    n_bits, position, group_start, previous = 9, 0, 0, None
    while position + n_bits <= total:
        if len(table) > (1 << n_bits) - 1 and n_bits < maxbits:
            group = n_bits * 8
            position = group_start + -(-(position - group_start) // group) * group
            n_bits += 1
            group_start = position
            continue
        at = position >> 3
        word = stream[at] | stream[at + 1] << 8 | stream[at + 2] << 16
        code = (word >> (position & 7)) & ((1 << n_bits) - 1)
        position += n_bits
        if block_mode and code == 256:
            group = n_bits * 8
            position = group_start + -(-(position - group_start) // group) * group
            del table[first_free:]
            n_bits, group_start, previous = 9, position, None
            continue
        if previous is None:
            if code >= 256:
                raise GzipProblem("corrupt compress stream: code %d before any string" % code)
            entry = table[code]
        elif code < len(table):
            entry = table[code]
            if len(table) < 1 << maxbits:
                table.append(previous + entry[:1])
        elif code == len(table):
            entry = previous + previous[:1]
            table.append(entry)
        else:
            raise GzipProblem("corrupt compress stream: code %d is not yet defined" % code)
        out.append(entry)
        previous = entry
    return b"".join(out)


_STRUCTURE_NAMES = (b"BITPIX", b"NAXIS", b"PCOUNT", b"GCOUNT", b"GROUPS")


def _structure(header):  # type: (bytes) -> Dict[str, Any]
    """The first value of each card that sizes a data unit (BITPIX, NAXIS, NAXISn, PCOUNT,
    GCOUNT, GROUPS): an integer, True/False for T/F, or the card's text when it is neither."""
    found = {}  # type: Dict[str, Any]
    for stem in _STRUCTURE_NAMES:
        start = header.find(stem)
        while start >= 0:
            card = header[start : start + CARD]
            name = card[:8].rstrip()
            if not start % CARD and card[8:10] == b"= " and (name == stem or name[5:].isdigit()):
                key = name.decode("ascii")
                if key not in found:
                    raw = card[10:].split(b"/", 1)[0].strip()
                    if raw in (b"T", b"F"):
                        found[key] = raw == b"T"
                    else:
                        try:
                            found[key] = int(raw)
                        except ValueError:
                            found[key] = raw.decode("ascii", "replace")
                if stem != b"NAXIS":
                    break
            start = header.find(stem, start + 1)
    return found


def _card_name(name):  # type: (str) -> bytes
    return name.ljust(8).encode("ascii") + b"= "


_NAXIS_CARDS = [_card_name("NAXIS%d" % axis) for axis in range(1000)]
_FIXED = (_card_name("BITPIX"), _card_name("NAXIS"), _card_name("PCOUNT"), _card_name("GCOUNT"))


def _fixed_size(header, primary):  # type: (bytes, bool) -> Any
    """The data unit's size from the structural cards where the FITS standard puts them (BITPIX,
    NAXIS, NAXISn after the first card, then PCOUNT and GCOUNT in an extension), in fixed format;
    None when the header does not follow that form (then :func:`data_size` searches it)."""
    bitpix, naxis, pcount, gcount = _FIXED
    if header[80:90] != bitpix or header[160:170] != naxis:
        return None
    try:
        size = abs(int(header[90:110]))
        axes = int(header[170:190])
        if axes == 0:
            return 0
        if axes < 0:
            return None
        counted = 1
        for axis in range(1, axes + 1):
            start = (2 + axis) * CARD
            if header[start : start + 10] != _NAXIS_CARDS[axis]:
                return None
            length = int(header[start + 10 : start + 30])
            if length < 0:
                return None
            counted *= length
        if primary:
            return None if counted == 0 else size * counted // 8
        start = (3 + axes) * CARD
        if header[start : start + 10] != pcount or header[start + 80 : start + 90] != gcount:
            return None
        extra = int(header[start + 10 : start + 30])
        groups = int(header[start + 90 : start + 110])
    except (ValueError, IndexError):
        return None
    if counted < 0 or extra < 0 or groups < 0:
        return None
    return size * groups * (extra + counted) // 8


def data_size(header, primary):  # type: (bytes, bool) -> int
    """Bytes of the data unit after a header, as astropy sizes it; HeaderProblem when it cannot
    be told."""
    fixed = _fixed_size(header, primary)  # type: Any
    if fixed is not None:
        return int(fixed)
    cards = _structure(header)

    def integer(name, default=None, signed=False):  # type: (str, Any, bool) -> int
        value = cards.get(name, default)
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            raise HeaderProblem("cannot size a data unit: %s is %r" % (name, value))
        if value < 0 and not signed:
            raise HeaderProblem("cannot size a data unit: %s = %d is negative" % (name, value))
        return value

    naxis = integer("NAXIS", 0)
    if naxis == 0:
        return 0
    groups = primary and cards.get("GROUPS") is True and cards.get("NAXIS1") == 0
    size = 1
    for axis in range(2 if groups else 1, naxis + 1):
        size *= integer("NAXIS%d" % axis)
    bitpix = abs(integer("BITPIX", signed=True))
    return bitpix * integer("GCOUNT", 1) * (integer("PCOUNT", 0) + size) // 8


def _size_of(handle):  # type: (Any) -> Any
    """The size of a file or of in-memory bytes; None for a stream that cannot seek."""
    if isinstance(handle, Inflated):
        return None
    here = handle.tell()  # type: int
    handle.seek(0, 2)
    end = handle.tell()  # type: int
    handle.seek(here)
    return end


def _skip(handle, size, end):  # type: (Any, int, Any) -> int
    """Skip ``size`` bytes, seeking where the handle can (``end`` is its size, else None);
    returns how many there were."""
    if end is not None:
        here = handle.tell()  # type: int
        target = min(here + size, end)  # type: int
        handle.seek(target)
        return target - here
    skipped = 0
    while skipped < size:
        chunk = handle.read(min(_SKIP, size - skipped))
        if not chunk:
            break
        skipped += len(chunk)
    return skipped


def _one_header(handle, first, budget):  # type: (Any, bytes, int) -> List[bytes]
    blocks = [first]  # type: List[bytes]
    while blocks[-1] and len(blocks) < budget and not _has_end(blocks[-1]):
        blocks.append(handle.read(BLOCK))
    return blocks


def header_blocks(handle):  # type: (Any) -> bytes
    """Every header of a FITS file, each up to and including the block holding its END, one after
    the other without the data units (all of a .hdr text file).

    A file that is not FITS or whose primary header has no END comes back as far as it was
    read. Raises GzipProblem for a packed file that cannot be unpacked, HeaderProblem when a data
    unit cannot be sized or is cut short (the extensions after it would be lost), OSError when the
    file cannot be read.
    """
    first = handle.read(BLOCK)  # type: bytes
    if first[:2] == GZIP_MAGIC:
        handle.seek(0)
        handle = Inflated(handle)
        first = handle.read(BLOCK)
    elif first[:2] == COMPRESS_MAGIC:
        import io

        handle = io.BytesIO(unlzw(first + handle.read()))
        first = handle.read(BLOCK)
    if b"\n" in first[: CARD + 1]:
        rest = handle.read(BLOCK * MAX_BLOCKS)  # type: bytes
        return first + rest  # a .hdr file: cards a line, small
    headers = []  # type: List[bytes]
    budget = MAX_BLOCKS
    end = None  # type: Any
    sized = False
    while first and len(headers) < MAX_HDUS and budget > 0:
        blocks = _one_header(handle, first, budget)
        header = b"".join(blocks)
        headers.append(header)
        budget -= len(blocks)
        if not _has_end(blocks[-1]) or not header.startswith((b"SIMPLE  =", b"XTENSION=")):
            break
        size = data_size(header, primary=len(headers) == 1)
        if not size:
            first = handle.read(BLOCK)
            if first and not first.startswith(b"XTENSION="):
                break
            continue
        if not sized:
            end, sized = _size_of(handle), True
        padded = -(-size // BLOCK) * BLOCK
        skipped = _skip(handle, padded, end)
        if skipped < size:
            raise HeaderProblem(
                "the data unit of HDU %d is cut short: %d bytes expected, %d present"
                % (len(headers) - 1, size, skipped)
            )
        first = handle.read(BLOCK) if skipped == padded else b""
        if first and not first.startswith(b"XTENSION="):
            break  # bytes after the last data unit that start no extension
    return b"".join(headers)


def problem_of(exc):  # type: (BaseException) -> str
    """Why a file's headers could not be read, in one line."""
    if isinstance(exc, HeaderProblem):
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
