"""Time QC1 extraction of every HDU against astropy on synthetic multi-extension ESO products.

Run ``python benchmarks/qc1_extraction.py [--files N] [--extensions K]``: builds N product files
(a 64x64 float32 primary data unit and a realistic primary header with ~20 ``HIERARCH ESO QC``
keys of every type, then K detector extensions ``CHIP1``… with a 32x32 data unit and 4 QC keys
each) in a temporary directory, then times

* ``header_blocks`` + ``qc1_from_header_bytes(extensions=True, data_units=False)`` — what the
  checks do with a blade's products (every header, data units skipped),
* ``read_qc1_file(path, extensions=True)`` — the streaming reader (seeks over data units),
* ``astropy.io.fits.open(path)`` plus picking out the ``ESO QC`` keywords of every HDU,

checks that all agree (every HDU, named ``QC.X`` / ``CHIP2:QC.X``), and prints the times and
the ratios. No timed assertions: the target (≥ 10x faster than astropy) is for a human to read.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from astropy.io import fits

from pytest_mucverify.blade.header_script import header_blocks
from pytest_mucverify.dfos.qc1 import Qc1Value, hdu_labels, qc1_from_header_bytes, read_qc1_file


def build_extension(index: int, chip: int) -> fits.ImageHDU:
    rng = np.random.default_rng(index * 100 + chip)
    hdu = fits.ImageHDU(data=rng.normal(1000.0, 5.0, (32, 32)).astype(np.float32))
    hdu.header["EXTNAME"] = f"CHIP{chip}"
    hdu.header["HIERARCH ESO DET CHIP ID"] = f"CCID20-{chip}"
    hdu.header["HIERARCH ESO QC BIAS MEDIAN"] = (float(rng.normal(200.0, 1.0)), "[ADU]")
    hdu.header["HIERARCH ESO QC RON"] = (float(rng.normal(3.2, 0.1)), "[ADU]")
    hdu.header["HIERARCH ESO QC NBADPIX"] = int(rng.integers(0, 50))
    hdu.header["HIERARCH ESO QC CHIP OK"] = True
    return hdu


def build_product(index: int, extensions: int) -> fits.HDUList:
    return fits.HDUList(
        [_primary(index), *(build_extension(index, chip) for chip in range(1, extensions + 1))]
    )


def _primary(index: int) -> fits.PrimaryHDU:
    rng = np.random.default_rng(index)
    hdu = fits.PrimaryHDU(data=rng.normal(1000.0, 5.0, (64, 64)).astype(np.float32))
    header = hdu.header
    header["ORIGIN"] = "ESO-PARANAL"
    header["TELESCOP"] = "ESO-VLT-U1"
    header["INSTRUME"] = "FORS2"
    header["MJD-OBS"] = 60000.0 + index / 1000.0
    header["ARCFILE"] = f"FORS2.2024-01-01T00:{index // 60 % 60:02d}:{index % 60:02d}.000.fits"
    header["HIERARCH ESO DPR CATG"] = "CALIB"
    header["HIERARCH ESO DPR TYPE"] = "BIAS"
    header["HIERARCH ESO PRO CATG"] = "MASTER_BIAS"
    header["HIERARCH ESO PRO REC1 ID"] = "fors_bias"
    header["HIERARCH ESO PRO REC1 PIPE ID"] = "fors/5.6.5"
    header["HIERARCH ESO DET CHIP1 ID"] = "CCID20-14-5-3"
    for port in range(1, 5):
        base = f"HIERARCH ESO QC OUT{port}"
        header[f"{base} MEDIAN"] = (float(rng.normal(200.0, 1.0)), "[ADU] median level")
        header[f"{base} RON"] = (float(rng.normal(3.2, 0.1)), "[ADU] read-out noise")
        header[f"{base} NBADPIX"] = (int(rng.integers(0, 50)), "bad pixels")
    header["HIERARCH ESO QC BIAS MASTER MEDIAN"] = (float(rng.normal(200.0, 1.0)), "[ADU]")
    header["HIERARCH ESO QC BIAS MASTER MEAN"] = float(rng.normal(200.0, 1.0))
    header["HIERARCH ESO QC BIAS MASTER RMS"] = float(rng.normal(3.0, 0.1))
    header["HIERARCH ESO QC BIAS STRUCTX"] = 1.0
    header["HIERARCH ESO QC BIAS STRUCTY"] = 1.5e-3
    header["HIERARCH ESO QC FRAMES USED"] = 5
    header["HIERARCH ESO QC SATURATED"] = False
    header["HIERARCH ESO QC CHECK PASSED"] = True
    header["HIERARCH ESO QC CHECK MSG"] = "all ports within limits"
    header["HIERARCH ESO QC DET CHIP ID"] = "CCID20-14-5-3"
    return hdu


def astropy_qc1(path: Path) -> dict[str, Qc1Value]:
    """astropy's QC1 values of every HDU, named as the project names them."""
    found: dict[str, Qc1Value] = {}
    with fits.open(path) as hdul:
        labels = hdu_labels({n: hdu.header.get("EXTNAME", "") for n, hdu in enumerate(hdul) if n})
        for n, hdu in enumerate(hdul):
            prefix = f"{labels[n]}:" if n else ""
            for key in hdu.header:
                if key.startswith("ESO QC "):
                    found[prefix + ".".join(key.split()[1:])] = hdu.header[key]
    return found


def ours_blade(path: Path) -> dict[str, Qc1Value]:
    with path.open("rb") as handle:
        headers = header_blocks(handle)
    return qc1_from_header_bytes(headers, str(path), extensions=True, data_units=False).parameters


def best_of(repeats: int, run: object) -> float:
    assert callable(run)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--extensions", type=int, default=4, help="detector extensions")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qc1-bench-") as tmp:
        paths = []
        for index in range(args.files):
            path = Path(tmp) / f"product_{index:05d}.fits"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # HIERARCH card length notes from astropy
                build_product(index, args.extensions).writeto(path)
            paths.append(path)
        in_memory = [path.read_bytes() for path in paths]
        size = sum(map(len, in_memory))
        n_qc = len(astropy_qc1(paths[0]))
        print(
            f"{len(paths)} files of {size // len(paths)} bytes, {1 + args.extensions} HDUs, "
            f"{n_qc} QC keys each, best of {args.repeats}"
        )

        # agreement first, so that the times compare the same work
        for path, data in zip(paths, in_memory, strict=True):
            ours = read_qc1_file(path, extensions=True)
            assert not ours.diagnostics, ours.diagnostics
            expected = astropy_qc1(path)
            assert ours.parameters == expected == ours_blade(path)
            assert qc1_from_header_bytes(data, extensions=True).parameters == expected

        blade = best_of(args.repeats, lambda: [ours_blade(p) for p in paths])
        ours_file = best_of(
            args.repeats, lambda: [read_qc1_file(p, extensions=True).parameters for p in paths]
        )
        theirs = best_of(args.repeats, lambda: [astropy_qc1(p) for p in paths])

    per = 1e6 / len(paths)
    print(f"astropy fits.open, every HDU  : {theirs:8.3f} s  ({theirs * per:7.1f} us/file)")
    print(
        f"header_blocks + scan          : {blade:8.3f} s  ({blade * per:7.1f} us/file)  "
        f"{theirs / blade:6.1f}x faster"
    )
    print(
        f"read_qc1_file(extensions=True): {ours_file:8.3f} s  ({ours_file * per:7.1f} us/file)  "
        f"{theirs / ours_file:6.1f}x faster"
    )


if __name__ == "__main__":
    main()
