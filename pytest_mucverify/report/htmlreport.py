"""pytest-html integration: account, check and status columns, and a verdict per account.

pytest-html writes one report per run (``--html``); the per-account certification reports are
ours. This class is registered only when pytest-html is installed and loaded: its hooks do not
exist otherwise, and pluggy would refuse them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import escape

from .recorder import RunRecorder
from .rows import counts

COLUMNS = (("account", "Account"), ("check", "Check"), ("checkStatus", "Status"))
VERDICT_COLOURS = {"READY": "#2e7d32", "NOT READY": "#c62828", "INCOMPLETE": "#ef6c00"}


class HtmlReportColumns:
    """Registered as ``mucverify-html`` on the controller when ``pluginmanager.hasplugin("html")``."""

    def __init__(self, recorder: RunRecorder) -> None:
        self.recorder = recorder

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        """Account, check id and mucverify status after pytest's own result."""
        for offset, (key, title) in enumerate(COLUMNS, start=1):
            cells.insert(offset, f'<th class="sortable" data-column-type="{key}">{title}</th>')

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        """The same account, check and status as results.json and the JUnit properties."""
        row = self.recorder.effective_row(report.nodeid)
        values = ("", "", "") if row is None else (row.account, row.check, row.status)
        for offset, ((key, _), value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
            cells.insert(offset, f'<td class="col-{key}">{escape(value)}</td>')

    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        """A skipped check's log is its status and reason at the check, not a raw tuple."""
        if not report.skipped or not isinstance(report.longrepr, tuple):
            return
        row = self.recorder.effective_row(report.nodeid)
        if row is None:
            return
        path, line, _ = report.longrepr
        data[:] = [
            f'<div class="log">{escape(row.status)}: {escape(row.message)}'
            f"<br>at {escape(str(path))}:{int(line)}</div>"
        ]

    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        """Every check of the run counted, then one line per account: verdict, counts, and where
        its certification report is.

        pytest-html's own "N tests took" counts passed and failed tests only; a check that was
        not applicable, waived or an error is a check of this run too.
        """
        runs = self.recorder.account_runs(int(session.exitstatus))
        rows = [row for run in runs for row in run.rows]
        elapsed = (dt.datetime.now(dt.UTC) - self.recorder.started).total_seconds()
        run_tally = ", ".join(f"{n} {s}" for s, n in counts(rows).items() if n)
        prefix.append(
            f'<p class="mucverify-count">{len(rows)} {"check" if len(rows) == 1 else "checks"}'
            f" of {len(runs)} {'account' if len(runs) == 1 else 'accounts'} in "
            f"{elapsed:.1f} s: {escape(run_tally or 'none ran')}</p>"
        )
        for run in runs:
            result = run.summary()
            tally = ", ".join(f"{n} {s}" for s, n in counts(run.rows).items() if n)
            folder = self.recorder.plan.reports_dir / run.account / run.host
            colour = VERDICT_COLOURS.get(str(result["verdict"]), "#555")
            prefix.append(
                f'<p class="mucverify-verdict">{escape(run.account)} on {escape(run.host)} '
                f"({escape(run.phase)}): "
                f'<b style="color:{colour}">{escape(result["verdict"])}</b> &middot; '
                f"{escape(tally)} &middot; "
                f'<a href="{escape((folder / "certification.html").as_uri())}">certification report</a></p>'
            )


def register(config: pytest.Config, recorder: RunRecorder) -> None:
    """Add the columns and summary when pytest-html is there (and not disabled with -p no:html)."""
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(HtmlReportColumns(recorder), "mucverify-html")


__all__ = ["HtmlReportColumns", "register"]
