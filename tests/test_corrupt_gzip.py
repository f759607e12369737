"""Corrupt ``.fits.gz`` products: every reader of FITS headers names the reason, none raises.

Three code paths read the headers of compressed products: the QC1 reader (``dfos.qc1``), a local
Blade's ``read_headers`` and the header script a remote Blade runs with the blade's own python.
The script is run here exactly as on a remote blade (``python -c SOURCE FILE...``), with this
python and, when one is installed, with a Python 2.7 such as an old dfo blade still has.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_mucverify.blade import Blade, header_script
from pytest_mucverify.dfos.qc1 import qc1_from_header_bytes, read_qc1_file
from pytest_mucverify.site import Host

CORRUPT = "corrupt gzip stream: "
CUT_SHORT = "gzip stream cut short: "
SCRIPT = Path(header_script.__file__).read_text()


def product_bytes() -> bytes:
    header = fits.Header([("HIERARCH ESO QC MEDIAN", 1.5), ("HIERARCH ESO PRO CATG", "BIAS")])
    buffer = io.BytesIO()
    fits.PrimaryHDU(data=np.arange(4096, dtype=np.int32).reshape(64, 64), header=header).writeto(
        buffer
    )
    return buffer.getvalue()


PRODUCT = product_bytes()
PACKED = gzip.compress(PRODUCT)


def corrupt_deflate() -> bytes:
    """A gzip member whose first deflate block has the reserved block type 3."""
    damaged = bytearray(PACKED)
    damaged[10] = 0xFF
    return bytes(damaged)


def unknown_method() -> bytes:
    damaged = bytearray(PACKED)
    damaged[2] = 7
    return bytes(damaged)


BROKEN = {
    "deflate.fits.gz": (corrupt_deflate(), CORRUPT),
    "method.fits.gz": (unknown_method(), CORRUPT),
    "garbage.fits.gz": (PACKED[:10] + b"\xff" * 60, CORRUPT),
    "cut.fits.gz": (PACKED[:30], CUT_SHORT),
    "header-cut.fits.gz": (PACKED[:6], CUT_SHORT),
}


@pytest.fixture
def broken_files(tmp_path: Path) -> dict[str, str]:
    """Path → the start of the reason each broken file must be reported with."""
    expected: dict[str, str] = {}
    for name, (data, reason) in BROKEN.items():
        (tmp_path / name).write_bytes(data)
        expected[str(tmp_path / name)] = reason
    return expected


def test_qc1_reader_names_a_corrupt_deflate_stream(tmp_path: Path) -> None:
    path = tmp_path / "deflate.fits.gz"
    path.write_bytes(corrupt_deflate())
    result = read_qc1_file(path)
    assert result.source == str(path)
    assert result.values == {}
    assert len(result.diagnostics) == 1
    assert result.diagnostics[0].startswith(CORRUPT + "Error -3 while decompressing data")


def test_local_blade_reports_each_corrupt_file_by_name(broken_files: dict[str, str]) -> None:
    blade = Blade(Host(name="localhost", url="local://"), "nobody", home="/nonexistent")
    headers, problems = blade.read_headers(sorted(broken_files))
    assert headers == {}
    assert set(problems) == set(broken_files)
    for path, reason in problems.items():
        assert reason.startswith(broken_files[path]), (path, reason)


def _run_script(python: list[str], paths: list[str]) -> dict[str, str]:
    """Path → status, from the script's output (path NUL status NUL length NUL bytes)."""
    done = subprocess.run(
        [*python, "-c", SCRIPT, *paths], capture_output=True, check=True, timeout=60
    )
    assert done.stderr == b""
    statuses: dict[str, str] = {}
    out = done.stdout
    while out:
        path, status, length, out = out.split(b"\0", 3)
        statuses[path.decode()] = status.decode()
        out = out[int(length) :]
    return statuses


def _python27() -> list[str] | None:
    if shutil.which("pyenv") is None:
        return None
    environment = {**os.environ, "PYENV_VERSION": "2.7.18"}
    try:
        found = subprocess.run(
            ["python2", "-c", "import sys; print(sys.version_info[0])"],
            capture_output=True,
            env=environment,
            timeout=30,
        )
    except OSError:
        return None
    if found.returncode != 0 or found.stdout.strip() != b"2":
        return None
    return ["env", "PYENV_VERSION=2.7.18", "python2"]


@pytest.mark.parametrize("version", ["this python", "python 2.7"])
def test_header_script_reports_each_corrupt_file(
    version: str, broken_files: dict[str, str], tmp_path: Path
) -> None:
    python = [shutil.which("python3") or "python3"] if version == "this python" else _python27()
    if python is None:
        pytest.skip("no Python 2.7 here (pyenv 2.7.18)")
    good = tmp_path / "good.fits.gz"
    good.write_bytes(PACKED)
    statuses = _run_script(python, [str(good), *sorted(broken_files)])
    assert statuses.pop(str(good)) == "ok"
    assert set(statuses) == set(broken_files)
    for path, status in statuses.items():
        expected = broken_files[path]
        if version == "python 2.7" and expected == CUT_SHORT:
            # Python 2's gzip reads the trailer from wherever the file ends, so a cut stream
            # fails its CRC check there
            assert status.startswith((CUT_SHORT, CORRUPT + "CRC check failed")), (path, status)
        else:
            assert status.startswith(expected), (path, status)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(PACKED) - 1), st.integers(0, 255)), min_size=1, max_size=4
    ),
    st.integers(0, len(PACKED)),
)
def test_damaged_gzip_never_raises(flips: list[tuple[int, int]], keep: int) -> None:
    damaged = bytearray(PACKED)
    for position, value in flips:
        damaged[position] = value
    data = bytes(damaged[:keep])
    qc1_from_header_bytes(data, "damaged.fits.gz", extensions=True)
    try:
        header_script.header_blocks(io.BytesIO(data))
    except header_script.GzipProblem as exc:
        assert str(exc).startswith((CORRUPT, CUT_SHORT))
    except header_script.HeaderProblem as exc:
        # what inflated before the damage showed reads as a header whose data unit cannot be
        # sized or is cut short: the file is reported with that reason (its extensions are lost)
        assert str(exc).startswith(("cannot size a data unit", "the data unit of HDU"))
