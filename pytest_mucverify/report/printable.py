"""Text from a host (file names, link targets, command output) made safe to show.

A file name may hold an ANSI escape sequence that recolours or rewrites a terminal, a newline
that forges a report line, a bidirectional override that shows a name reversed, or bytes that are
not UTF-8 (kept as lone surrogates by ``surrogateescape`` decoding, which no UTF-8 writer accepts).
``printable`` shows each such character as an escape and leaves every printable character,
``é`` and ``µ`` included, as it is.
"""

from __future__ import annotations

_ESCAPED_BYTES = range(0xDC80, 0xDD00)
"""Where ``surrogateescape`` decoding puts a byte that is not UTF-8: U+DC00 plus the byte."""


def printable(text: str) -> str:
    """``text`` with every character that ``str.isprintable`` rejects escaped.

    Control characters (C0 with tab, newline and carriage return, DEL, C1), format characters
    such as bidirectional overrides, line and paragraph separators, spaces other than U+0020,
    private-use and unassigned code points become ``\\x1b``, ``\\u0085``, ``\\u202e`` or
    ``\\U000f0000``. A lone surrogate from ``surrogateescape`` decoding shows the byte it stands
    for (``\\xff``), any other lone surrogate its code point. So ``\\xNN`` is always the byte NN
    of the name (a C1 control, U+0080 to U+009F, is ``\\u0085``, not ``\\x85``). A backslash
    already in the text is left alone, so an escape in the output is not always one made here.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
