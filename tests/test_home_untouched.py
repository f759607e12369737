"""Nothing is written into the account's $HOME: drawing a QC1 figure keeps matplotlib's font cache
and configuration in a private temporary folder unless the user chose one with MPLCONFIGDIR.

The figure is drawn in a fresh python, so matplotlib is imported there for the first time. HOME is
read-only (mode 0555), but the tests may run as root, where that stops nothing: what is asserted
is that the folder is unchanged afterwards, recursively.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRAW = """
import datetime as dt, json, os
from pytest_mucverify.dfos.qc1compare import Tolerances, compare_qc1
from pytest_mucverify.qc1plots import difference_figures
old = {"ESO QC BIAS MEDIAN": 200.5, "ESO QC NCOMB": 5}
values = {("ab", "MASTER_BIAS"): (old, {**old, "ESO QC BIAS MEDIAN": 201.0})}
differences = {key: compare_qc1(*pair) for key, pair in values.items()}
figures = difference_figures(dt.date(2013, 2, 21), values, differences, Tolerances())
import matplotlib
print(json.dumps({
    "figures": [figure["mime"] for figure in figures],
    "configdir": matplotlib.get_configdir(),
    "cachedir": matplotlib.get_cachedir(),
    "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR"),
    "configdir_mode": os.stat(matplotlib.get_configdir()).st_mode,
    "configdir_uid": os.stat(matplotlib.get_configdir()).st_uid,
}))
"""


def snapshot(folder: Path) -> list[tuple[str, int, int, int]]:
    """Every entry below folder, with its mode, size and modification time."""
    found = []
    for path in sorted([folder, *folder.rglob("*")]):
        status = path.lstat()
        found.append(
            (str(path.relative_to(folder)), status.st_mode, status.st_size, status.st_mtime_ns)
        )
    return found


def draw(home: Path, temporary: Path, **extra: str) -> dict[str, object]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "MPLBACKEND")
    }
    environment.update(HOME=str(home), TMPDIR=str(temporary), **extra)
    project = str(Path(__file__).resolve().parents[1])
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [project, environment.get("PYTHONPATH")])
    )
    done = subprocess.run(
        [sys.executable, "-c", DRAW],
        capture_output=True,
        text=True,
        env=environment,
        cwd=temporary,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


@pytest.fixture
def read_only_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".profile").write_text("# the account's own\n")
    (home / ".config").chmod(0o555)
    home.chmod(0o555)
    yield home
    home.chmod(0o755)
    (home / ".config").chmod(0o755)


def test_drawing_a_figure_writes_nothing_into_home(read_only_home: Path, tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    before = snapshot(read_only_home)
    answer = draw(read_only_home, temporary)
    assert answer["figures"] == ["image/svg+xml"]
    assert snapshot(read_only_home) == before
    configdir = Path(str(answer["configdir"]))
    assert configdir.is_relative_to(temporary)
    assert Path(str(answer["cachedir"])) == configdir
    assert int(str(answer["configdir_mode"])) & 0o077 == 0  # private: only the user reads it
    assert answer["configdir_uid"] == os.getuid()


def test_a_private_folder_of_someone_else_is_not_used(read_only_home: Path, tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    first = Path(str(draw(read_only_home, temporary)["configdir"]))
    first.chmod(0o777)  # no longer private: another user could have put a matplotlibrc there
    answer = draw(read_only_home, temporary)
    second = Path(str(answer["configdir"]))
    assert second != first
    assert second.is_relative_to(temporary)
    assert int(str(answer["configdir_mode"])) & 0o077 == 0
    assert not second.exists()  # made for that run alone, and removed at its end


def test_the_users_own_mplconfigdir_is_kept(read_only_home: Path, tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    chosen = tmp_path / "my-matplotlib"
    chosen.mkdir()
    answer = draw(read_only_home, temporary, MPLCONFIGDIR=str(chosen))
    assert answer["MPLCONFIGDIR"] == str(chosen)
    assert answer["configdir"] == str(chosen)
