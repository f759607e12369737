"""Reading many files of a remote blade in one command: ``tar`` packs them, Python unpacks.

One round trip per batch instead of one ``cat`` per file; a file that cannot be read is reported
by name, and the others still arrive.
"""

from __future__ import annotations

import base64
import io
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


_SHA256SUM_ESCAPES = {"n": "\n", "r": "\r", "\\": "\\"}


def _unescape_sha256sum_name(name: str) -> str:
    """GNU sha256sum writes a name holding a backslash, a newline (or, from coreutils 9, a
    carriage return) escaped, its line starting with a backslash: ``\\\\``, ``\\n``, ``\\r``."""
    out: list[str] = []
    i = 0
    while i < len(name):
        if name[i] == "\\" and i + 1 < len(name):
            out.append(_SHA256SUM_ESCAPES.get(name[i + 1], name[i + 1]))
            i += 2
            continue
        out.append(name[i])
        i += 1
    return "".join(out)


def parse_sha256sum(out: bytes) -> dict[str, str]:
    """``sha256sum`` output (text or binary mode, escaped names too) as digests by name."""
    digests: dict[str, str] = {}
    for raw in out.decode("utf-8", "surrogateescape").split("\n"):
        if not raw:
            continue
        escaped = raw.startswith("\\")
        line = raw[1:] if escaped else raw
        digest, name = line[:64], line[64:]
        if len(digest) != 64 or name[:2] not in ("  ", " *"):
            continue
        name = name[2:]
        digests[_unescape_sha256sum_name(name) if escaped else name] = digest.lower()
    return digests


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
        digests.update(parse_sha256sum(out))
        for line in err.splitlines():
            for path in batch:
                if path in line and path not in digests:
                    problems[path] = line.rsplit(": ", 1)[-1].strip()
        for path in batch:
            if path not in digests and path not in problems:
                problems[path] = f"sha256sum exit {status}"
    return digests, problems


def digest_tree(
    run: Runner, root: str, names: Sequence[str] | None, parts: Sequence[str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """The SHA-256 of the files below root (only below its entries named in parts, when given)
    whose names match one of the shell patterns (every file when names is None), by path
    relative to root, and what could not be read, one line each. One command for the tree:
    ``find`` hands the files to ``sha256sum`` in batches, as ``xargs -0`` would, without a shell
    between them; the contents never leave the blade."""
    selection: list[str] = []
    for pattern in names or ():
        selection += ["-o", "-name", pattern] if selection else ["(", "-name", pattern]
    if selection:
        selection.append(")")
    prefix = root.rstrip("/") + "/"
    starts = [prefix + part for part in parts] if parts else [root]
    status, out, err = run(
        "find", "-H", *starts, "-type", "f", *selection, "-exec", "sha256sum", "--", "{}", "+"
    )
    digests = {
        name[len(prefix) :]: digest
        for name, digest in parse_sha256sum(out).items()
        if name.startswith(prefix)
    }
    problems = [line for line in err.splitlines() if line.strip()]
    if status and not problems:
        problems.append(f"{root}: find exited with {status}")
    return digests, problems


def resolve_with_readlink(run: Runner, paths: Sequence[str]) -> list[str] | None:
    """The physical path of each path, in order, from one ``readlink -f``; None when it could
    not resolve them all (it names no path for those it cannot resolve: ask for each)."""
    status, out, _ = run("readlink", "-f", "-z", "--", *paths)
    found = out.split(b"\0")[:-1]
    if status or len(found) != len(paths):
        return None
    return [path.decode("utf-8", "surrogateescape") for path in found]


@dataclass(frozen=True)
class LinkEntry:
    """A symbolic link below a listed folder."""

    path: str
    """relative to the listed folder."""
    target: str
    """where it points, as written in the link."""
    leads_to: str
    """what is there: ``f`` a file, ``d`` a folder, ``N`` nothing (dangling), ``L`` a loop of
    links, ``?`` unreadable, other letters as find's ``%y``."""


def list_links(run: Runner, root: str) -> tuple[list[LinkEntry], list[str]]:
    """The symbolic links below root (root itself followed, the links below it not), and what
    could not be read, one line each: one ``find`` whose ``%Y`` says what each link leads to
    without descending into it."""
    status, out, err = run(
        "find", "-H", root, "-mindepth", "1", "-type", "l", "-printf", r"%Y\0%l\0%P\0"
    )
    fields = out.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    problems = [line for line in err.splitlines() if line.strip()]
    if len(fields) % 3:
        problems.append(f"{root}: link listing cut short ({len(fields)} fields)")
    links = [
        LinkEntry(
            path=fields[i + 2].decode("utf-8", "surrogateescape"),
            target=fields[i + 1].decode("utf-8", "surrogateescape"),
            leads_to=fields[i].decode("ascii", "replace"),
        )
        for i in range(0, len(fields) - 2, 3)
    ]
    if status and not problems:
        problems.append(f"{root}: find exited with {status}")
    return links, problems
