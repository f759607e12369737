"""Cron commands the shell cannot read, as ``bash -n`` reads them on this machine."""

from __future__ import annotations

import shutil

import pytest

from pytest_mucverify.dfos.crontab import parse_crontab
from pytest_mucverify.shsyntax import syntax_error

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed here")


def test_a_percent_that_cuts_a_date_format_leaves_a_command_the_shell_cannot_read() -> None:
    (entry,) = parse_crontab(
        "0 8-18 * * * $HOME/bin/dfosCron -t autoDaily >> $HOME/ad_$(date +%Y%m%d).log 2>&1\n"
    ).entries
    assert entry.command.endswith("ad_$(date +")
    assert syntax_error(entry.command) == "unexpected EOF while looking for matching `)'"


@pytest.mark.parametrize(
    "command",
    [
        r"$HOME/bin/dfosCron -t autoDaily >> $HOME/ad_$(date +\%Y\%m\%d).log 2>&1",
        "cd $HOME && sh -c 'autoDaily -r .dfosrc_muc' 2>&1 | mail -s x giraffe",
        "cat <<< x | sh",
        "if true; then autoDaily; fi",
    ],
)
def test_commands_the_shell_reads_pass(command: str) -> None:
    (entry,) = parse_crontab(f"0 8 * * * {command}\n").entries
    assert syntax_error(entry.command) is None


@pytest.mark.parametrize("command", ["if true; then autoDaily", "autoDaily 'unclosed", "a && "])
def test_broken_shell_text_is_named(command: str) -> None:
    why = syntax_error(command)
    assert why is not None and "-c: line" not in why


def test_the_complaint_does_not_quote_the_command_back() -> None:
    assert syntax_error("mysql -e 'select 1' ( x") == "syntax error near unexpected token `('"
