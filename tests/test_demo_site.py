"""The demo site is a faithful, deterministic blade pair, reached through the same Blade."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest
from astropy.io import fits
from helpers import build_site, verify

from pytest_mucverify.blade import Blade
from pytest_mucverify.demo.cache import cached_demo_site
from pytest_mucverify.site import load_site


@pytest.fixture(scope="module")
def site_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("demo") / "site", nights=6)


@pytest.fixture(scope="module")
def muc(site_file: Path) -> Blade:
    return Blade(load_site(site_file).hosts["muc02"], "giraffe")


@pytest.fixture(scope="module")
def ops(site_file: Path) -> Blade:
    return Blade(load_site(site_file).hosts["dfo23"], "giraffe")


def test_the_blades_answer_as_themselves(muc: Blade, ops: Blade) -> None:
    assert (muc.answer("hostname"), muc.answer("uname", "-m"), muc.answer("nproc")) == (
        "muc02",
        "x86_64",
        "24",
    )
    assert (ops.answer("hostname"), ops.answer("uname", "-m"), ops.answer("nproc")) == (
        "dfo23",
        "i686",
        "2",
    )
    assert "calChecker -r .dfosrc_muc" in muc.run("crontab", "-l").text
    assert not ops.run("condor_status").succeeded


def test_the_data_disk_is_a_link_to_the_blades_physical_disk(muc: Blade, ops: Blade) -> None:
    assert muc.resolve("/data/giraffe") == "/fujisan3/data/giraffe"
    assert ops.resolve("/data/giraffe") == "/diska/data/giraffe"
    root = muc.stat("/data/giraffe")
    assert root is not None and root.is_dir and root.sticky


def test_home_is_shared_and_data_disks_are_not(muc: Blade, ops: Blade) -> None:
    assert muc.read_bytes("/home/giraffe/.qcrc") == ops.read_bytes("/home/giraffe/.qcrc")
    old_calib = {
        e.path for e in ops.tree("/data/giraffe/calib").entries if e.path.endswith(".fits")
    }
    new_calib = {
        e.path for e in muc.tree("/data/giraffe/calib").entries if e.path.endswith(".fits")
    }
    assert any(path.startswith("2013-02-18/") for path in old_calib - new_calib)


def test_the_muc_environment_comes_from_bash(muc: Blade) -> None:
    env = muc.environment(["/home/giraffe/.qcrc", "/home/giraffe/.dfosrc_muc"]).variables
    assert env["DFO_RAW_DIR"] == "/data/giraffe/raw"
    assert env["DFO_BIN_DIR"] == "/home/giraffe/bin"
    assert env["HOSTNAME"] == "muc02"
    assert env["DFOS_BLADE"] == "muc02"


def test_the_cluster_account_qcrc_depends_on_the_host(site_file: Path) -> None:
    site = load_site(site_file)
    rc = ["/home/xshooter/.qcrc"]
    on_muc = Blade(site.hosts["muc02"], "xshooter").environment(rc).variables
    on_old = Blade(site.hosts["qc03"], "xshooter").environment(rc).variables
    assert on_muc["DFO_ROOT_DIR_FC"] == on_muc["DFO_ROOT_DIR"] == "/data/xshooter"
    assert on_old["DFO_ROOT_DIR_FC"] == "/fc/xshooter"


def test_products_carry_qc1_keywords(site_file: Path) -> None:
    products = sorted(
        (site_file.parent / "hosts" / "muc02" / "fujisan3" / "data" / "giraffe" / "product").rglob(
            "*.fits"
        )
    )
    assert products
    head = fits.getheader(products[0])
    qc = {k: v for k, v in head.items() if k.startswith("ESO QC")}
    assert len(qc) >= 5
    assert any(isinstance(v, float) for v in qc.values()) and any(
        type(v) is int for v in qc.values()
    )


def test_every_ab_qualifier_is_written(site_file: Path) -> None:
    ab = next(
        (site_file.parent / "hosts" / "dfo23" / "diska" / "data" / "giraffe" / "AB").glob("*.ab")
    ).read_text()
    for qualifier in (
        "RAWFILE",
        "MCALIB",
        "MASSOC",
        "SOF_CONTENT",
        "PRODUCTS",
        "PROD_PATH",
        "RAW_MATCH_KEY",
        "AB_NAME",
    ):
        assert f"\n{qualifier}\t" in ab


def test_no_fits_reaches_the_muc_outside_processed_nights(site_file: Path) -> None:
    muc_disk = site_file.parent / "hosts" / "muc02" / "fujisan3" / "data" / "giraffe"
    transition = load_site(site_file).account("giraffe").transition_date
    for path in muc_disk.rglob("*.fits"):
        rel = path.relative_to(muc_disk).parts
        if rel[0] == "gencal":
            continue
        night = next(p for p in rel if len(p) == 10 and p[4] == "-")
        assert night >= str(transition), path


def test_the_build_is_deterministic(tmp_path: Path) -> None:
    first = build_site(tmp_path / "a", accounts=("uves",), nights=3)
    second = build_site(tmp_path / "b", accounts=("uves",), nights=3)
    compared = filecmp.dircmp(first.parent, second.parent)

    def differences(cmp: filecmp.dircmp[str]) -> list[str]:
        found = [*cmp.diff_files, *cmp.left_only, *cmp.right_only]
        for sub in cmp.subdirs.values():
            found += differences(sub)
        return found

    assert differences(compared) == []


def test_the_cached_demo_is_reused(tmp_path: Path) -> None:
    first = cached_demo_site(tmp_path, phase="setup")
    marker = first.parent / "marker"
    marker.write_text("x")
    assert cached_demo_site(tmp_path, phase="setup") == first
    assert marker.exists()


def test_the_command_line_builds_and_lists(tmp_path: Path) -> None:
    def mucverify(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest_mucverify.cli", *args], capture_output=True, text=True
        )

    built = mucverify(
        "demo-site",
        str(tmp_path / "s"),
        "--accounts",
        "giraffe",
        "--nights",
        "2",
        "--fault",
        "muc-32bit",
    )
    assert built.returncode == 0 and built.stdout.strip().endswith("site.toml")
    assert "i686" in (tmp_path / "s" / "hosts" / "muc02" / "bin" / "uname").read_text()
    assert mucverify("demo-site", str(tmp_path / "t"), "--fault", "no-such").returncode == 2
    assert mucverify("demo-site", str(tmp_path / "s")).returncode == 2
    listing = mucverify("faults").stdout
    assert "muc-32bit" in listing and "host.64bit" in listing
    assert "host.cores" in mucverify("checks").stdout


def test_a_dense_demo_holds_that_many_abs_a_night_and_is_ready(tmp_path: Path) -> None:
    """--density: a busy account's nights (here 4 ABs of each raw type a night) certify as the
    sparse ones do; names of raw files, ABs and certified products stay unique."""
    site = build_site(tmp_path / "site", accounts=("giraffe",), density=4, nights=12)
    ab_dir = tmp_path / "site/hosts/muc02/fujisan3/data/giraffe/AB"
    per_night: dict[str, int] = {}
    for ab in ab_dir.glob("*.ab"):
        night = ab.name.split(".")[1][:10]
        per_night[night] = per_night.get(night, 0) + 1
    assert per_night and min(per_night.values()) >= 12
    results = verify(site, "giraffe", tmp_path).results("giraffe")
    assert results["verdict"] == "READY", results["verdict_reasons"]
