"""Makes suites/ the default place to collect when a verification run names an account."""

from __future__ import annotations

from pathlib import Path

import pytest

SUITES = Path(__file__).parent / "suites"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("account", None) and config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args[:] = [str(SUITES)]
