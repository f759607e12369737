"""The controller's side of a run: gathers rows from every worker and writes the reports."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import socket
from pathlib import Path
from typing import Any, cast

import pytest

from .. import __version__
from ..catalogue import CHECKS
from ..phases import reached
from ..runplan import RunPlan
from .outcome import ROW_PROPERTY
from .rows import ERROR, NOT_RUN, ResultRow, worse
from .writer import AccountRun, write_account_reports


class RunRecorder:
    """Registered on the controller (or the only process without xdist)."""

    def __init__(self, plan: RunPlan) -> None:
        self.plan = plan
        self.rows: dict[str, ResultRow] = {}
        self.problems: list[str] = []
        self.started = dt.datetime.now(dt.UTC)
        self.written: list[Path] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Merge the row a worker attached to the report of each test phase."""
        found = [value for key, value in report.user_properties if key == ROW_PROPERTY]
        if not found:
            if report.failed and report.when == "call" and "crashed" in str(report.longrepr):
                self.problems.append(f"a worker crashed while running {report.nodeid}")
            return
        row = ResultRow.from_dict(cast(dict[str, Any], found[-1]))
        known = self.rows.get(report.nodeid)
        if known is None:
            self.rows[report.nodeid] = row
            return
        known.status = worse(known.status, row.status)
        known.duration += row.duration
        if row.status == known.status and row.message:
            known.message, known.evidence, known.evidence_total = (
                row.message,
                row.evidence,
                row.evidence_total,
            )

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """A worker that went down with an error leaves the run incomplete."""
        if error:
            self.problems.append(f"worker {getattr(node, 'gateway', node)!s} went down: {error}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_handlecrashitem(self, crashitem: str, report: pytest.TestReport, sched: Any) -> None:
        self.problems.append(f"a worker crashed while running {crashitem}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        interrupted = exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR)
        problems = list(self.problems)
        if interrupted:
            problems.insert(0, f"the run was interrupted (pytest exit status {int(exitstatus)})")
        finished = dt.datetime.now(dt.UTC)
        for target in self.plan.targets:
            rows = [r for r in self.rows.values() if r.account == target.account.name]
            seen = {r.check for r in rows}
            for spec in CHECKS:
                if spec.id in seen:
                    continue
                rows.append(
                    ResultRow(
                        account=target.account.name,
                        host=target.host,
                        ops_host=target.ops_host,
                        check=spec.id,
                        phase=spec.phase,
                        section=spec.section,
                        title=spec.title,
                        status=NOT_RUN,
                        message="not run: no test for this check was collected or finished in this run",
                        required=reached(self.plan.phase, spec.phase),
                    )
                )
            account_run = AccountRun(
                account=target.account.name,
                host=target.host,
                ops_host=target.ops_host,
                phase=self.plan.phase,
                site=str(self.plan.site.path),
                rows=rows,
                complete=not problems,
                started=self.started,
                finished=finished,
                plugin_version=__version__,
                user=f"{getpass.getuser()}@{socket.gethostname()}",
                problems=problems,
            )
            self.written.append(write_account_reports(account_run, self.plan.reports_dir))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.written:
            return
        terminalreporter.section("mucverify")
        for folder in self.written:
            summary = json.loads((folder / "results.json").read_text())
            terminalreporter.write_line(
                f"{summary['account']} on {summary['host']} ({summary['phase']}): {summary['verdict']}"
                f"  -> {folder / 'certification.html'}"
            )


__all__ = ["ERROR", "RunRecorder"]
