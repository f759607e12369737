"""Time QC1 extraction against ``astropy.io.fits.getheader`` on synthetic ESO products.

Run ``python benchmarks/qc1_extraction.py [--files N]``: builds N product files (a 64x64 float32
data unit, a realistic primary header with ~20 ``HIERARCH ESO QC`` keys of every type) in a
temporary directory, then times

* ``read_qc1_file(path)`` — this project's reader (reads only the header blocks),
* ``qc1_from_header_bytes(bytes)`` on the same files already in memory (the parser alone),
* ``astropy.io.fits.getheader(path)`` plus picking out the ``ESO QC`` keywords,

checks that all three agree, and prints the times and the ratios. No timed assertions: the
target (≥ 10x faster than astropy) is for a human to read.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from astropy.io import fits

from pytest_mucverify.dfos.qc1 import Qc1Value, qc1_from_header_bytes, read_qc1_file


def build_product(index: int) -> fits.PrimaryHDU:
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
    header = fits.getheader(path)
    return {key: header[key] for key in header if key.startswith("ESO QC ")}


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
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qc1-bench-") as tmp:
        paths = []
        for index in range(args.files):
            path = Path(tmp) / f"product_{index:05d}.fits"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # HIERARCH card length notes from astropy
                build_product(index).writeto(path)
            paths.append(path)
        in_memory = [path.read_bytes() for path in paths]
        size = sum(map(len, in_memory))
        n_qc = len(astropy_qc1(paths[0]))
        print(
            f"{len(paths)} files of {size // len(paths)} bytes, {n_qc} QC keys each, "
            f"best of {args.repeats}"
        )

        # agreement first, so that the times compare the same work
        for path, data in zip(paths, in_memory, strict=True):
            ours = read_qc1_file(path)
            assert not ours.diagnostics, ours.diagnostics
            assert ours.values == astropy_qc1(path) == qc1_from_header_bytes(data).values

        ours_file = best_of(args.repeats, lambda: [read_qc1_file(p) for p in paths])
        ours_bytes = best_of(args.repeats, lambda: [qc1_from_header_bytes(d) for d in in_memory])
        theirs = best_of(args.repeats, lambda: [astropy_qc1(p) for p in paths])

    per = 1e6 / len(paths)
    print(f"astropy getheader      : {theirs:8.3f} s  ({theirs * per:7.1f} us/file)")
    print(
        f"read_qc1_file          : {ours_file:8.3f} s  ({ours_file * per:7.1f} us/file)  "
        f"{theirs / ours_file:6.1f}x faster"
    )
    print(
        f"qc1_from_header_bytes  : {ours_bytes:8.3f} s  ({ours_bytes * per:7.1f} us/file)  "
        f"{theirs / ours_bytes:6.1f}x faster (bytes already in memory)"
    )


if __name__ == "__main__":
    main()
