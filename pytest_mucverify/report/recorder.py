"""The controller's side of a run: gathers rows from every worker and writes the reports."""

from __future__ import annotations

import copy
import datetime as dt
import getpass
import json
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from .. import __version__
from ..astropysetting import AstropyStripSetting
from ..catalogue import CHECKS
from ..phases import reached
from ..runplan import RunPlan, Target
from .outcome import ROW_PROPERTY
from .rows import ERROR, NOT_RUN, WAIVED, ResultRow, worse
from .waivers import NO_WAIVERS, WaiverSet, apply_waiver, waiver_summary
from .writer import PARTIAL_PREFIX, AccountRun, restore_certification, write_account_reports

RUN_DATE_INPUT = "mucverify_run_date"
"""workerinput key: the run date (UTC) the controller judges waivers by, so workers agree."""
JUNIT_PROPERTIES = (
    "mucverify_account",
    "mucverify_host",
    "mucverify_check",
    "mucverify_status",
    "mucverify_examined",
)


SSH_INPUT = "mucverify_ssh_control"
"""workerinput key: the folder of the run's ssh control sockets, opened by the controller."""
DOWN_INPUT = "mucverify_down"
"""workerinput key: the blades the controller's probe found dead, with the reason."""
ASTROPY_STRIP_INPUT = "mucverify_astropy_strip_header_whitespace"
"""workerinput key: astropy's ``conf.strip_header_whitespace`` as the controller reads it."""
DESELECTED_OUTPUT = "mucverify_deselected"
"""workeroutput key: how many tests a worker deselected (-k, -m, --lf, --deselect)."""


def partial_reasons(config: pytest.Config) -> list[str]:
    """Why a run is not a full certification, from its command line: a selection of checks
    (-k, -m, --lf, --deselect, --maxfail, --stepwise) or of tests (node ids). A run of a suite
    file alone is not partial: it is a full run whose other checks did not run (INCOMPLETE)."""
    reasons = []
    option = config.option
    if getattr(option, "keyword", ""):
        reasons.append(f"-k {option.keyword!r} selected part of the checks")
    if getattr(option, "markexpr", ""):
        reasons.append(f"-m {option.markexpr!r} selected part of the checks")
    if getattr(option, "lf", False):
        reasons.append("--lf re-ran the last failures only")
    if getattr(option, "deselect", None):
        reasons.append(f"--deselect left out {len(option.deselect)} tests")
    if getattr(option, "stepwise", False) or getattr(option, "stepwise_skip", False):
        reasons.append("--stepwise stops at the first failure")
    if getattr(option, "maxfail", 0):
        reasons.append(f"--maxfail={option.maxfail} stops after {option.maxfail} failures")
    reasons += [f"{arg} names single tests" for arg in config.args if "::" in arg]
    return reasons


class RunRecorder:
    """Registered on the controller (or the only process without xdist)."""

    def __init__(
        self,
        plan: RunPlan,
        waivers: WaiverSet = NO_WAIVERS,
        partial: Sequence[str] = (),
        collect_only: bool = False,
    ) -> None:
        self.plan = plan
        self.waivers = waivers
        self.partial = list(partial)
        self.collect_only = collect_only
        self.placeholder_written = False
        self.astropy_strip = AstropyStripSetting()
        self.deselected = 0
        self.rows: dict[str, ResultRow] = {}
        self.problems: list[str] = []
        self.started = dt.datetime.now(dt.UTC)
        self.written: list[Path] = []
        self.unwritten: list[str] = []
        self.ssh_control: str | None = None
        self.down: dict[str, str] = {}
        """blades that did not answer the probe before the run, with the reason."""
        """accounts whose reports could not be written, with the reason."""
        self.user = f"{getpass.getuser()}@{socket.gethostname()}"

    @property
    def run_date(self) -> dt.date:
        return self.started.date()

    def effective_row(self, nodeid: str) -> ResultRow | None:
        """The row of a test as the reports will show it: merged, waivers applied."""
        row = self.rows.get(nodeid)
        return None if row is None else apply_waiver(copy.copy(row), self.waivers, self.run_date)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Replace each account's last results with a placeholder that says a run is under way:
        a run killed before it ends (a timeout, a lost blade) then leaves INCOMPLETE behind, not
        the previous run's verdict. A run over xdist workers asks astropy's setting for them."""
        if getattr(session.config.option, "numprocesses", None) and not self.collect_only:
            self.astropy_strip.ask()
        if self.partial or self.collect_only:
            return  # the last full certification stays where it is
        reason = (
            f"the run started at {self.started.isoformat(timespec='seconds')} has not finished: "
            "it is still running, or was killed before it could write its results"
        )
        self.placeholder_written = True
        for target in self.plan.targets:
            try:
                write_account_reports(
                    self._account_run(target, [], [reason], self.started, in_progress=True),
                    self.plan.reports_dir,
                )
            except OSError as exc:
                self.unwritten.append(f"{target.account.name}: {exc}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Tell each xdist worker the run date, so it skips exactly the checks waived here, and
        the blades found dead, so it does not wait for them again; and astropy's one setting
        that changes a header value, so that it reads values without importing astropy."""
        node.workerinput[RUN_DATE_INPUT] = self.run_date.isoformat()
        strip = self.astropy_strip.answer()
        if strip is not None:
            node.workerinput[ASTROPY_STRIP_INPUT] = strip
        node.workerinput[DOWN_INPUT] = dict(self.down)
        node.workerinput[SSH_INPUT] = self.ssh_control

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Merge the row a worker attached to the report of each test phase; on the last phase,
        put account, check and status on the report (``--junitxml`` writes them as properties,
        and the pytest-html columns read them)."""
        found = [value for key, value in report.user_properties if key == ROW_PROPERTY]
        if not found:
            if report.failed and report.when == "call" and "crashed" in str(report.longrepr):
                self.problems.append(f"a worker crashed while running {report.nodeid}")
            if report.when == "teardown":
                self._label(report)
            return
        row = ResultRow.from_dict(cast(dict[str, Any], found[-1]))
        known = self.rows.get(report.nodeid)
        if known is None:
            self.rows[report.nodeid] = row
        else:
            known.status = worse(known.status, row.status)
            known.duration += row.duration
            known.examined = known.examined or row.examined
            if row.status == known.status and row.message:
                known.message, known.evidence, known.evidence_total = (
                    row.message,
                    row.evidence,
                    row.evidence_total,
                )
                known.figures = row.figures or known.figures
        if report.when == "teardown":
            self._label(report)

    def _label(self, report: pytest.TestReport) -> None:
        row = self.effective_row(report.nodeid)
        if row is None:
            return
        values = (row.account, row.host, row.check, row.status, row.examined_text)
        report.user_properties.extend(zip(JUNIT_PROPERTIES, values, strict=True))

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        """Tests left out without xdist (-k, -m, --lf): the run is partial."""
        self.deselected += len(items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """A worker that went down with an error leaves the run incomplete; one that left tests
        out makes the run partial."""
        output = getattr(node, "workeroutput", None) or {}
        self.deselected = max(self.deselected, int(output.get(DESELECTED_OUTPUT, 0) or 0))
        if error:
            name = getattr(getattr(node, "gateway", None), "id", None) or node
            self.problems.append(f"xdist worker {name} went down: {error}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_handlecrashitem(self, crashitem: str, report: pytest.TestReport, sched: Any) -> None:
        self.problems.append(f"a worker crashed while running {crashitem}")

    def _account_run(
        self,
        target: Target,
        rows: list[ResultRow],
        problems: list[str],
        finished: dt.datetime,
        in_progress: bool = False,
    ) -> AccountRun:
        seen = {r.check for r in rows}
        for spec in CHECKS:
            if spec.id in seen:
                continue
            rows.append(
                ResultRow.for_check(
                    spec,
                    target,
                    NOT_RUN,
                    message=(
                        "not run yet: the run is under way"
                        if in_progress
                        else "not run: no test for this check was collected or finished in this run"
                    ),
                    required=reached(self.plan.phase, spec.phase),
                )
            )
        return AccountRun(
            account=target.account.name,
            host=target.host,
            ops_host=target.ops_host,
            phase=self.plan.phase,
            site=str(self.plan.site.path),
            site_name=self.plan.site.name,
            rows=rows,
            complete=not problems,
            started=self.started,
            finished=finished,
            plugin_version=__version__,
            user=self.user,
            problems=problems,
            waivers=waiver_summary(self.waivers, target.account.name, rows, self.run_date),
            in_progress=in_progress,
            window=target.window.to_dict() if target.window else None,
            window_problems=target.window.problems() if target.window else [],
            partial=self.partial_now(),
        )

    def partial_now(self) -> list[str]:
        found = list(self.partial)
        if self.deselected:
            found.append(f"{self.deselected} tests were deselected")
        return found

    def account_runs(self, exitstatus: int) -> list[AccountRun]:
        """Each account's run as it ends: rows merged, waivers applied, checks without a test
        added as not-run, and the reasons the run is incomplete."""
        interrupted = exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR)
        problems = list(self.problems)
        if interrupted:
            problems.insert(0, f"the run was interrupted (pytest exit status {int(exitstatus)})")
        finished = dt.datetime.now(dt.UTC)
        runs = []
        for target in self.plan.targets:
            rows = [
                apply_waiver(copy.copy(r), self.waivers, self.run_date)
                for r in self.rows.values()
                if r.account == target.account.name
            ]
            runs.append(self._account_run(target, rows, problems, finished))
        return runs

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write each account's reports; --collect-only writes nothing, and a partial run writes
        beside the certification, putting the last full one back if a placeholder stood there."""
        if self.collect_only:
            return
        for run in self.account_runs(exitstatus):
            try:
                folder = write_account_reports(run, self.plan.reports_dir)
                if run.partial and self.placeholder_written:
                    restore_certification(folder)
            except OSError as exc:
                self.unwritten.append(f"{run.account}: {exc}")
                continue
            self.written.append(folder)
        if self.unwritten and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.written and not self.unwritten:
            return
        terminalreporter.section("mucverify")
        for problem in dict.fromkeys(self.unwritten):
            terminalreporter.write_line(f"cannot write the reports of {problem}", red=True)
        for name, reason in self.down.items():
            terminalreporter.write_line(
                f"{name} is down: {reason}; every check that needs it is an error", red=True
            )
        prefix = PARTIAL_PREFIX if self.partial_now() else ""
        for folder in self.written:
            summary = json.loads((folder / f"{prefix}results.json").read_text(encoding="utf-8"))
            waived = summary["counts"].get(WAIVED, 0)
            terminalreporter.write_line(
                f"{summary['account']} on {summary['host']} ({summary['phase']}): {summary['verdict']}"
                + (f" ({waived} waived)" if waived else "")
                + f"  -> {folder / (prefix + 'certification.html')}"
            )
            for reason in summary["verdict_reasons"][:3]:
                terminalreporter.write_line(f"    {reason}")


__all__ = ["ERROR", "JUNIT_PROPERTIES", "RUN_DATE_INPUT", "RunRecorder"]
