"""Hostile text from a host is shown escaped, never raw: ``report.printable.printable``."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_mucverify.report.printable import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("GIRAF.2013-02-21.fits", "GIRAF.2013-02-21.fits"),
        ("café µ-scan ünïcödé 日本 ✓", "café µ-scan ünïcödé 日本 ✓"),
        ("a\x1b[31mred\x1b[0m", "a\\x1b[31mred\\x1b[0m"),
        ("tab\tnew\nreturn\r", "tab\\x09new\\x0areturn\\x0d"),
        ("nul\x00del\x7f", "nul\\x00del\\x7f"),
        ("c1\x85\x9b nbsp\xa0", "c1\\u0085\\u009b nbsp\\u00a0"),
        (b"caf\xe9 \xff.fits".decode("utf-8", "surrogateescape"), "caf\\xe9 \\xff.fits"),
        ("lone \ud800 \udfff", "lone \\ud800 \\udfff"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("line\u2028sep", "line\\u2028sep"),
        ("private\U000f0000", "private\\U000f0000"),
        ("back\\slash", "back\\slash"),
        ("", ""),
    ],
)
def test_examples(text: str, shown: str) -> None:
    assert printable(text) == shown


any_code_point = st.text(
    st.one_of(
        st.characters(),
        st.integers(0xD800, 0xDFFF).map(chr),
        st.integers(0, 0x20).map(chr),
        st.integers(0x7F, 0xA0).map(chr),
    ),
    max_size=80,
)
decoded_bytes = st.binary(max_size=80).map(lambda data: data.decode("utf-8", "surrogateescape"))


@settings(max_examples=500)
@given(st.one_of(any_code_point, decoded_bytes))
def test_output_is_utf8_and_free_of_controls(text: str) -> None:
    shown = printable(text)
    shown.encode("utf-8")  # no lone surrogate left
    assert not any(unicodedata.category(char) in ("Cc", "Cs") for char in shown)
    assert shown.isprintable()


@settings(max_examples=500)
@given(st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=80).filter(str.isprintable))
def test_printable_text_is_left_as_it_is(text: str) -> None:
    assert printable(text) == text


_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})|\\U([0-9a-f]{8})")


def _original_bytes(shown: str) -> bytes:
    """Undo printable() on text that had no backslash: ``\\xNN`` is a byte, the others a
    character."""
    parts: list[bytes] = []
    position = 0
    for match in _ESCAPE.finditer(shown):
        parts.append(shown[position : match.start()].encode())
        if match[1]:
            parts.append(bytes([int(match[1], 16)]))
        else:
            parts.append(chr(int(match[2] or match[3], 16)).encode("utf-8", "surrogatepass"))
        position = match.end()
    parts.append(shown[position:].encode())
    return b"".join(parts)


@settings(max_examples=500)
@given(st.binary(max_size=80).filter(lambda data: b"\\" not in data))
def test_a_name_of_any_bytes_can_be_read_back_from_what_is_shown(data: bytes) -> None:
    assert _original_bytes(printable(data.decode("utf-8", "surrogateescape"))) == data
