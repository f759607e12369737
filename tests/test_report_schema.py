"""results.json keeps to its published schema (results.schema.json in the package)."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import build_site, verify, with_waivers

from pytest_mucverify.catalogue import CHECKS
from pytest_mucverify.phases import PHASES
from pytest_mucverify.report import schema
from pytest_mucverify.report.rows import ResultRow
from pytest_mucverify.report.schema import results_schema, schema_errors
from pytest_mucverify.report.writer import AccountRun, write_account_reports

START = dt.datetime(2013, 2, 22, 7, 30, tzinfo=dt.UTC)
SVG = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>').decode()
WAIVERS = """
[[waiver]]
check = "disk.sticky-bit"
account = "giraffe"
justification = "logs/ is rewritten by the archive sync until March"
approver = "R. Hanuschik"
expires = 2099-12-31

[[waiver]]
check = "fits.*"
account = "*"
justification = "an old one"
approver = "B. Wolff"
expires = 2013-03-31
"""


def synthetic(status: str = "failed", in_progress: bool = False) -> AccountRun:
    rows = [
        ResultRow(
            account="giraffe", host="muc02", ops_host="dfo23", check=spec.id, phase=spec.phase,
            section=spec.section, title=spec.title, status="passed",
            nodeid=f"suites/test_{spec.family}.py::t[giraffe]", examined={"things": 3},
        )
        for spec in CHECKS
    ]  # fmt: skip
    first = min(rows, key=lambda r: (PHASES.index(r.phase), r.check))  # checks[0] in the file
    first.status = status
    first.message = "1 QC1 difference"
    first.evidence = ["GI_SRBIAS_520.fits  QC.BIAS.MEAN 200.1 -> 201.3"]
    first.figures = [{"title": "bias", "mime": "image/svg+xml", "data": SVG}]
    return AccountRun(
        account="giraffe", host="muc02", ops_host="dfo23", phase="operational",
        site="/home/qc/site.toml", site_name="garching", rows=rows, complete=not in_progress,
        started=START, finished=START + dt.timedelta(seconds=41), plugin_version="0.1.0",
        user="giraffe@muc02", in_progress=in_progress,
    )  # fmt: skip


@pytest.fixture(scope="module")
def real_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real run's results.json: one failure, one waived failure, expired waivers listed."""
    folder = tmp_path_factory.mktemp("schema")
    site = build_site(
        folder / "site",
        accounts=("giraffe",),
        nights=2,
        faults=("data-dir-not-sticky", "data-dir-foreign-owner"),
    )
    with_waivers(site, WAIVERS)
    run = verify(site, "giraffe", folder, "-k", "disk or host")
    return run.results("giraffe")


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(results_schema())


def test_a_real_run_matches_the_schema(real_results: dict[str, Any]) -> None:
    statuses = {r["check"]: r["status"] for r in real_results["checks"]}
    assert statuses["disk.sticky-bit"] == "waived"
    assert statuses["disk.owner"] == "failed"
    assert [w["state"] for w in real_results["waivers"]] == ["valid", "expired"]
    assert schema_errors(real_results) == []


def test_every_field_the_writer_can_write_matches_the_schema(tmp_path: Path) -> None:
    write_account_reports(synthetic("passed"), tmp_path)
    folder = write_account_reports(synthetic("failed"), tmp_path)
    data = json.loads((folder / "results.json").read_text())
    assert data["since_last_run"]["started_failing"][0]["after"] == "failed"
    assert data["checks"][0]["figures"][0]["mime"] == "image/svg+xml"
    assert schema_errors(data) == []
    for entry in (folder / "history").iterdir():
        assert schema_errors(json.loads(entry.read_text())) == []


def test_the_placeholder_of_a_running_run_matches_the_schema(tmp_path: Path) -> None:
    folder = write_account_reports(synthetic("not-run", in_progress=True), tmp_path)
    data = json.loads((folder / "results.json").read_text())
    assert data["in_progress"] is True and data["verdict"] == "INCOMPLETE"
    assert schema_errors(data) == []
    assert not (folder / "history").exists()


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return change


INVALID = {
    "no-verdict": _set("verdict", KeyError),
    "unknown-verdict": _set("verdict", "ALMOST"),
    "unknown-status": _set("checks/0/status", "fine"),
    "count-negative": _set("counts/failed", -1),
    "complete-string": _set("complete", "yes"),
    "bad-started": _set("started", "yesterday"),
    "not-a-muc": _set("host", "dfo23"),
    "bad-phase": _set("checks/0/phase", "later"),
    "evidence-not-strings": _set("checks/0/evidence", [1, 2]),
    "figure-bad-mime": _set("checks/0/figures/0/mime", "text/html"),
    "waived-without-waiver": _set("checks/0/status", "waived"),
    "waived-expired-waiver": lambda d: d["checks"][0].update(
        status="waived",
        waiver={
            "entry": 1,
            "check": "x.y",
            "account": "giraffe",
            "justification": "j",
            "approver": "a",
            "expires": "2013-03-31",
            "runs": True,
            "state": "expired",
        },
    ),
    "newer-version": _set("schema_version", 2),
    "not-an-object": lambda d: d.clear(),
}


@pytest.mark.parametrize("damage", INVALID.values(), ids=INVALID.keys())
def test_a_damaged_file_does_not_match(
    damage: Callable[[dict[str, Any]], None], tmp_path: Path
) -> None:
    data = json.loads(json.dumps(synthetic().summary()))
    assert schema_errors(data) == []
    damage(data)
    assert schema_errors(data)


@pytest.mark.parametrize("damage", INVALID.values(), ids=INVALID.keys())
def test_the_fallback_validator_agrees_with_jsonschema(
    damage: Callable[[dict[str, Any]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the jsonschema package the same files are rejected (never waved through)."""
    data = json.loads(json.dumps(synthetic().summary()))
    damaged = copy.deepcopy(data)
    damage(damaged)
    monkeypatch.setattr(schema, "jsonschema_module", lambda: None)
    assert schema_errors(data) == []
    assert schema_errors(damaged)
