"""A Unix ``compress`` (.Z) writer for the tests: the machine has ``uncompress`` but no
``compress``. Block mode without CLEAR codes, code groups padded as ncompress pads them."""

from __future__ import annotations


def compress_lzw(data: bytes, maxbits: int = 16) -> bytes:
    """``data`` as ``compress -b maxbits`` writes it (gzip -d reads it back)."""
    packed = 0
    used = 0
    n_bits = 9
    group_start = 0
    table = {bytes([i]): i for i in range(256)}
    free = 257
    word = b""
    for byte in data:
        longer = word + bytes([byte])
        if longer in table:
            word = longer
            continue
        packed |= table[word] << used
        used += n_bits
        if free < 1 << maxbits:
            table[longer] = free
            free += 1
            if free > 1 << n_bits and n_bits < maxbits:
                group = n_bits * 8
                used = group_start + -(-(used - group_start) // group) * group
                n_bits += 1
                group_start = used
        word = bytes([byte])
    if word:
        packed |= table[word] << used
        used += n_bits
    return b"\x1f\x9d" + bytes([0x80 | maxbits]) + packed.to_bytes((used + 7) // 8, "little")
