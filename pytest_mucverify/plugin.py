"""pytest glue: options, the account parametrisation, check status and result rows.

The logic lives elsewhere: runplan.py (options -> what to verify), context.py (what a check
sees), report/ (rows and reports), demo/ (the simulated site).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from pathlib import Path

import pytest

from .autoworkers import one_process_reason
from .blade import BladeError, mark_down, ssh
from .catalogue import CHECKS, get_check
from .checking import NOT_APPLICABLE_PREFIX, NOT_RUN_PREFIX, CheckFailed, start_record, take_record
from .context import AccountUnderTest
from .dfos.qc1cards import tell_strip_header_whitespace
from .phases import PHASES, reached
from .planconfig import plan_from_config
from .probing import plan_hosts, probe_blades
from .report import htmlreport
from .report.outcome import ROW_PROPERTY, failure_repr, make_row, row_of
from .report.recorder import (
    ASTROPY_STRIP_INPUT,
    DESELECTED_OUTPUT,
    DOWN_INPUT,
    RUN_DATE_INPUT,
    SSH_INPUT,
    RunRecorder,
    partial_reasons,
)
from .report.rows import ERROR, FAILED
from .report.waivers import WaiverError, WaiverSet, site_waivers
from .runplan import (
    HELP_ACCOUNT,
    HELP_DATES,
    HELP_HOST,
    HELP_OPS_HOST,
    HELP_PHASE,
    HELP_REPORTS_DIR,
    HELP_SITE,
    HELP_TODAY,
    RunPlan,
    UsageProblem,
)
from .schedule import make_scheduler, nights_together
from .site import SiteError

PLAN_KEY = pytest.StashKey[RunPlan]()
CONTEXTS_KEY = pytest.StashKey[dict[str, AccountUnderTest]]()
WAIVERS_KEY = pytest.StashKey[tuple[WaiverSet, dt.date]]()
DESELECTED_KEY = pytest.StashKey[int]()
MARKER = "mucverify_check"
SHOWN_EVIDENCE = 10


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mucverify", "dfo/qc -> muc migration verification")
    group.addoption("--account", action="append", default=[], metavar="NAME", help=HELP_ACCOUNT)
    group.addoption("--host", metavar="mucNN", help=HELP_HOST)
    group.addoption("--ops-host", metavar="HOST", help=HELP_OPS_HOST)
    group.addoption(
        "--site", metavar="PATH|demo", help=HELP_SITE + " [ini mucverify_site, env MUCVERIFY_SITE]"
    )
    group.addoption(
        "--phase", metavar="PHASE", help=HELP_PHASE + " [ini mucverify_phase, env MUCVERIFY_PHASE]"
    )
    group.addoption(
        "--reports-dir", metavar="DIR", help=HELP_REPORTS_DIR + " [ini mucverify_reports_dir]"
    )
    group.addoption("--dates", metavar="FROM..TO", help=HELP_DATES)
    group.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help=HELP_TODAY + " [ini mucverify_today, env MUCVERIFY_TODAY]",
    )
    parser.addini("mucverify_site", HELP_SITE)
    parser.addini("mucverify_today", HELP_TODAY)
    parser.addini("mucverify_phase", HELP_PHASE)
    parser.addini("mucverify_reports_dir", HELP_REPORTS_DIR)


SUITES = Path(__file__).parent / "suites"
"""the verification suites, shipped with the package."""


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Resolve the run plan once per process; the controller also records and writes reports.
    A run that names an account and no test paths collects the shipped suites, from any
    directory."""
    config.addinivalue_line(
        "markers", f"{MARKER}(check_id): the catalogue check this test verifies"
    )
    for marker, help_text in selection_markers():
        config.addinivalue_line("markers", f"{marker}: {help_text}")
    if not config.getoption("account"):
        return
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args[:] = [str(SUITES)]
    try:
        plan = plan_from_config(config)
        waivers = site_waivers(plan.site)
    except (UsageProblem, SiteError, WaiverError) as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[PLAN_KEY] = plan
    config.stash[CONTEXTS_KEY] = {}
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        recorder = RunRecorder(
            plan,
            waivers,
            partial=partial_reasons(config),
            collect_only=bool(config.option.collectonly),
        )
        config.stash[WAIVERS_KEY] = (waivers, recorder.run_date)
        if not config.option.collectonly:
            if any(plan.site.hosts[name].url.startswith("ssh://") for name in plan_hosts(plan)):
                recorder.ssh_control = ssh.open_connections()
            recorder.down = probe_blades(plan)
        config.pluginmanager.register(recorder, "mucverify-recorder")
        htmlreport.register(config, recorder)
    else:  # an xdist worker judges the waivers that keep a check from running by the same day
        ssh.use_connections(workerinput.get(SSH_INPUT))
        if ASTROPY_STRIP_INPUT in workerinput:
            tell_strip_header_whitespace(bool(workerinput[ASTROPY_STRIP_INPUT]))
        for name, reason in dict(workerinput.get(DOWN_INPUT) or {}).items():
            mark_down(str(name), str(reason))
        day = workerinput.get(RUN_DATE_INPUT) or dt.datetime.now(dt.UTC).date().isoformat()
        config.stash[WAIVERS_KEY] = (waivers, dt.date.fromisoformat(day))


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controller closes the run's ssh connections (workers only borrowed them)."""
    if getattr(config, "workerinput", None) is None:
        ssh.close_connections()


AUTO_KEY = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` on a small verification run: one process, said in the header."""
    if not config.getoption("account"):
        return None
    try:
        plan = plan_from_config(config)
    except (UsageProblem, SiteError):
        return None  # pytest_configure reports it as a usage error
    reason = one_process_reason(plan)
    if reason is None:
        return None
    config.stash[AUTO_KEY] = reason
    return 0


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    said = config.stash.get(AUTO_KEY, None)
    return [f"mucverify: {said}"] if said else None


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Count the tests left out (-k, -m, --lf, --deselect): such a run is not a certification."""
    if items:
        config = items[0].config
        config.stash[DESELECTED_KEY] = config.stash.get(DESELECTED_KEY, 0) + len(items)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker tells the controller how many tests it left out."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output[DESELECTED_OUTPUT] = session.config.stash.get(DESELECTED_KEY, 0)


NO_WINDOW = "no-night-window"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every check runs once per account of the plan; a per-night check once per night of the
    account's window. Both come from the site and the options, never from a live listing, so every
    xdist worker collects the same tests."""
    if "account" not in metafunc.fixturenames:
        return
    plan = metafunc.config.stash.get(PLAN_KEY, None)
    if plan is None:
        raise pytest.UsageError(
            "the verification suites need --account=NAME and --site (e.g. --account=giraffe --site=demo)"
        )
    if "night" not in metafunc.fixturenames:
        names = [t.account.name for t in plan.targets]
        metafunc.parametrize("account", names, ids=names, indirect=True)
        return
    pairs = [
        (t.account.name, str(night)) for t in plan.targets for night in (t.nights or [NO_WINDOW])
    ]
    metafunc.parametrize(
        ("account", "night"), pairs, ids=[f"{a}-{n}" for a, n in pairs], indirect=True
    )


@pytest.fixture
def account(request: pytest.FixtureRequest) -> AccountUnderTest:
    """The account under test, with its muc and old Blade."""
    contexts = request.config.stash[CONTEXTS_KEY]
    name = str(request.param)
    if name not in contexts:
        plan = request.config.stash[PLAN_KEY]
        contexts[name] = AccountUnderTest(plan, plan.target(name))
    return contexts[name]


@pytest.fixture
def night(request: pytest.FixtureRequest) -> dt.date:
    """A night of the account's window."""
    value = str(request.param)
    if value == NO_WINDOW:
        plan = request.config.stash[PLAN_KEY]
        window = plan.target(str(request.node.callspec.params["account"])).window
        why = (window.why_empty if window else "") or "the night window is empty"
        pytest.skip(f"{NOT_RUN_PREFIX}no night to examine: {why}")
    return dt.date.fromisoformat(value)


def _secrets_of(config: pytest.Config, account: str) -> list[str]:
    """The values of the account's .dbrc, read once per worker by its context, for redaction."""
    context = config.stash.get(CONTEXTS_KEY, {}).get(account)
    return context.secrets if context is not None else []


def _check_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker(MARKER)
    return str(marker.args[0]) if marker and marker.args else None


def phase_marker(phase: str) -> str:
    return "phase_" + phase.replace("-", "_")


def selection_markers() -> list[tuple[str, str]]:
    """The markers a verification test carries: its phase and its check family."""
    phases = [(phase_marker(p), f"checks of the {p} phase") for p in PHASES]
    families = sorted({spec.family for spec in CHECKS})
    return [*phases, *((f, f"checks of the {f}.* family") for f in families)]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each verification test can be selected the pytest way: by its check id (``-k
    qc1.values``), its phase (``-m phase_verification``) and family (``-m qc1``). A test that
    names an unknown check is a broken suite: say so before anything runs. A night's checks run
    together (see :mod:`.schedule`)."""
    for item in items:
        check_id = _check_of(item)
        if check_id is None:
            continue
        try:
            spec = get_check(check_id)
        except KeyError as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc.args[0]}") from None
        item.extra_keyword_matches.add(check_id)
        item.add_marker(phase_marker(spec.phase))
        item.add_marker(spec.family)
    plan = config.stash.get(PLAN_KEY, None)
    if plan is not None:
        items[:] = nights_together(items, plan)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under xdist's default ``load``, whole blocks of an account's nights per worker."""
    plan = config.stash.get(PLAN_KEY, None)
    if plan is None or config.getvalue("dist") != "load":
        return None
    return make_scheduler(config, log, plan)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Checks of later phases are not run; checks that do not fit the account do not apply;
    checks a valid waiver keeps from running (``runs = false``) are waived."""
    start_record()
    check_id = _check_of(item)
    plan = item.config.stash.get(PLAN_KEY, None)
    if check_id is None or plan is None or not hasattr(item, "callspec"):
        return
    spec = get_check(check_id)
    target = plan.target(str(item.callspec.params["account"]))
    if not reached(plan.phase, spec.phase):
        pytest.skip(f"{NOT_RUN_PREFIX}belongs to phase {spec.phase}; the run claims {plan.phase}")
    reason = spec.applies(target.account)
    if reason:
        pytest.skip(f"{NOT_APPLICABLE_PREFIX}{reason}")
    waivers, day = item.config.stash[WAIVERS_KEY]
    waived = waivers.skip_reason(spec.id, target.account.name, day)
    if waived:
        pytest.skip(waived)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the check's result row (plain data, so it crosses from xdist workers)."""
    found = call.excinfo
    if found is not None and isinstance(found.value, CheckFailed | BladeError) and _check_of(item):
        # the row's words replace pytest's report of a check's finding (below); without frames
        # pytest does not first format its traceback, parsing every module in it, once per row
        found.traceback = found.traceback[:0]
    report = yield
    check_id = _check_of(item)
    plan = item.config.stash.get(PLAN_KEY, None)
    if check_id is None or plan is None or not hasattr(item, "callspec"):
        return report
    if call.when == "setup" and call.excinfo is None:
        return report
    if call.when == "teardown" and call.excinfo is None:
        return report
    spec = get_check(check_id)
    target = plan.target(str(item.callspec.params["account"]))
    row = make_row(
        spec,
        target,
        reached(plan.phase, spec.phase),
        call.when,
        call.excinfo,
        call.duration,
        item.nodeid,
        take_record() if call.when == "call" else None,
        _secrets_of(item.config, target.account.name),
    )
    report.user_properties.append((ROW_PROPERTY, row.to_dict()))
    path, line = str(item.path), (item.location[1] or 0) + 1
    if row.status in (FAILED, ERROR) and (
        report.outcome == "passed"
        or isinstance(getattr(call.excinfo, "value", None), CheckFailed | BladeError)
    ):
        # the plan's words and the evidence, not a traceback into the check's code; a pass
        # without evidence fails here too, so pytest's count agrees with the report
        report.outcome = "failed"
        report.longrepr = failure_repr(row, path, line, SHOWN_EVIDENCE)
    elif report.skipped and isinstance(report.longrepr, tuple):
        report.longrepr = (path, line, report.longrepr[2])  # at the check, not in the plugin
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    """``-v`` shows the check id and its status beside pytest's word; a check that could not
    decide (a blade error) counts as an error, as in the reports."""
    if not isinstance(report, pytest.TestReport):
        return None  # a collection error: pytest's own words
    row = row_of(report)
    if row is None or (report.when != "call" and report.passed):
        return None
    if report.failed and (report.when != "call" or row["status"] == ERROR):
        category, letter, word, colour = "error", "E", "ERROR", "red"
    else:
        category = report.outcome
        letter = {"passed": ".", "failed": "F", "skipped": "s"}[report.outcome]
        word = report.outcome.upper()
        colour = {"passed": "green", "failed": "red", "skipped": "yellow"}[report.outcome]
    return category, letter, (f"{word} {row['check']} {row['status']}", {colour: True})
