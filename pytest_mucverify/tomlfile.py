"""Reading the project's TOML files (site, waivers, tolerances) with errors that name the file."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

MAX_DEPTH = 8
"""Tables and arrays inside each other, the document counted: a site file needs 4 (document,
``hosts``, the host, its ``mounts``). Deeper structures are refused before anything walks them."""


def read_toml(path: Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """The file's tables; ``error`` (one line naming the file) when it cannot be read or parsed,
    or when it nests tables and arrays deeper than ``MAX_DEPTH``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise error(
            f"{path}: not a usable {what}: arrays or inline tables nested too deeply to read"
        ) from None
    too_deep = _first_too_deep(data)
    if too_deep is not None:
        raise error(
            f"{path}: not a usable {what}: tables and arrays nested deeper than {MAX_DEPTH} "
            f"(at {too_deep})"
        )
    return data


def _first_too_deep(data: dict[str, Any]) -> str | None:
    """Where the first structure deeper than MAX_DEPTH lies (``a.b[0]``), None when none does;
    iterative, since table headers such as ``[a.a.a....]`` nest without limit."""
    stack: list[tuple[object, str, int]] = [(data, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            return where
        if isinstance(value, dict):
            for key, child in value.items():
                shown = _shown_key(key)
                stack.append((child, f"{where}.{shown}" if where else shown, depth + 1))
        else:
            stack.extend((child, f"{where}[{n}]", depth + 1) for n, child in enumerate(value))
    return None


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _shown_key(key: str) -> str:
    """A key as TOML would write it, quoted and cut when it is not a short bare key, so that a
    message stays one short line."""
    if _BARE_KEY.fullmatch(key):
        return key
    return json.dumps(key if len(key) <= 40 else key[:40] + "…")
