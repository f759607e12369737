"""Reading many files of a remote blade in one command: ``tar`` packs them, Python unpacks.

One round trip per batch instead of one ``cat`` per file; a file that cannot be read is reported
by name, and the others still arrive.
"""

from __future__ import annotations

import base64
import io
import tarfile
from collections.abc import Callable, Sequence

BATCH = 400
"""paths per command: well under the kernel's argument-length limit for long DFOS paths."""

Runner = Callable[..., tuple[int, bytes, str]]


def read_with_tar(run: Runner, paths: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Contents by path, and a reason for each path that could not be read."""
    contents: dict[str, bytes] = {}
    problems: dict[str, str] = {}
    for start in range(0, len(paths), BATCH):
        batch = list(paths[start : start + BATCH])
        status, out, err = run(
            "tar", "-c", "-f", "-", "--ignore-failed-read", "--absolute-names", "--", *batch
        )
        try:
            with tarfile.open(fileobj=io.BytesIO(out), mode="r:") as archive:
                for member in archive:
                    if not member.isfile():
                        continue
                    handle = archive.extractfile(member)
                    if handle is not None:
                        contents[member.name] = handle.read()
        except tarfile.TarError as exc:
            for path in batch:
                problems.setdefault(path, f"cannot unpack tar output ({exc})")
        for line in err.splitlines():
            for path in batch:
                if path in line and path not in contents:
                    problems[path] = line.rsplit(": ", 1)[-1].strip()
        for path in batch:
            if path not in contents and path not in problems:
                problems[path] = (
                    "not a readable regular file" if status == 0 else f"tar exit {status}"
                )
    return contents, problems


def read_headers_remote(
    run: Runner, paths: Sequence[str]
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Header blocks of many FITS files, with one python command per batch on the blade."""
    from pathlib import Path

    script = Path(__file__).with_name("header_script.py").read_bytes()
    # one line, whatever the login shell: multi-line arguments break tcsh
    source = f"import base64;exec(base64.b64decode('{base64.b64encode(script).decode()}'))"
    launcher = 'p=$(command -v python3 || command -v python) || { echo "no python on this blade" >&2; exit 3; }; exec "$p" -c "$0" "$@"'
    headers: dict[str, bytes] = {}
    problems: dict[str, str] = {}
    for start in range(0, len(paths), BATCH):
        batch = list(paths[start : start + BATCH])
        status, out, err = run("sh", "-c", launcher, source, *batch)
        position = 0
        while position < len(out):
            try:
                path_end = out.index(b"\0", position)
                status_end = out.index(b"\0", path_end + 1)
                length_end = out.index(b"\0", status_end + 1)
                length = int(out[status_end + 1 : length_end])
            except ValueError:
                break
            path = out[position:path_end].decode("utf-8", "surrogateescape")
            state = out[path_end + 1 : status_end].decode("utf-8", "replace")
            data = out[length_end + 1 : length_end + 1 + length]
            position = length_end + 1 + length
            if state == "ok":
                headers[path] = data
            else:
                problems[path] = state
        for path in batch:
            if path not in headers and path not in problems:
                problems[path] = err.strip().splitlines()[-1] if err.strip() else f"exit {status}"
    return headers, problems


def _unescape_sha256sum_name(name: str) -> str:
    """GNU sha256sum writes a name holding a backslash or newline escaped, its line starting with
    a backslash: ``\\\\`` for a backslash, ``\\n`` for a newline."""
    out: list[str] = []
    i = 0
    while i < len(name):
        if name[i] == "\\" and i + 1 < len(name):
            out.append("\n" if name[i + 1] == "n" else name[i + 1])
            i += 2
            continue
        out.append(name[i])
        i += 1
    return "".join(out)


def digest_with_sha256sum(
    run: Runner, paths: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The SHA-256 of many files, computed on the blade (one ``sha256sum`` per batch, the paths
    as arguments, never the contents across the wire), and a reason for each that could not be
    read. Paths are the blade's own (real) paths."""
    digests: dict[str, str] = {}
    problems: dict[str, str] = {}
    for start in range(0, len(paths), BATCH):
        batch = list(paths[start : start + BATCH])
        status, out, err = run("sha256sum", "--", *batch)
        for raw in out.decode("utf-8", "surrogateescape").split("\n"):
            if not raw:
                continue
            escaped = raw.startswith("\\")
            digest, sep, name = raw.lstrip("\\").partition("  ")
            if not sep:
                digest, sep, name = raw.lstrip("\\").partition(" *")
            if escaped:
                name = _unescape_sha256sum_name(name)
            if sep and len(digest) == 64:
                digests[name] = digest
        for line in err.splitlines():
            for path in batch:
                if path in line and path not in digests:
                    problems[path] = line.rsplit(": ", 1)[-1].strip()
        for path in batch:
            if path not in digests and path not in problems:
                problems[path] = f"sha256sum exit {status}"
    return digests, problems
