"""What a cron command runs, through the wrappers accounts put around DFOS tools."""

from __future__ import annotations

import pytest

from pytest_mucverify.dfos.croncalls import invocations, runs_tool, script_of, tool_options

HOME = "/home/giraffe"


@pytest.mark.parametrize(
    "command",
    [
        "/home/giraffe/bin/dfosCron -t autoDaily -r .dfosrc_muc",
        '/home/giraffe/bin/dfosCron -t "autoDaily -r .dfosrc_muc"',
        'bash -c "cd $HOME && autoDaily -r .dfosrc_muc"',
        "sh -c 'nice -n 5 autoDaily -r .dfosrc_muc >/dev/null 2>&1'",
        "cd /tmp; env FOO=1 nohup autoDaily -r .dfosrc_muc &",
    ],
)
def test_autodaily_is_seen_behind_every_wrapper(command: str) -> None:
    calls = runs_tool(invocations(command, home=HOME), "autoDaily")
    assert len(calls) == 1
    assert tool_options(calls[0], "-r") == ".dfosrc_muc"


def test_a_wrapper_script_is_looked_into_but_a_dfos_tool_is_not() -> None:
    scripts = {
        f"{HOME}/bin/nightly.sh": "#!/bin/sh\n# runs autoDaily\n$HOME/bin/dfosCron -t autoDaily -D\n",
        f"{HOME}/bin/createJob": "#!/bin/sh\nautoDaily\n",
    }
    calls = invocations("$HOME/bin/nightly.sh >> log 2>&1", scripts, HOME, frozenset({"createJob"}))
    assert runs_tool(calls, "autoDaily") == [["autoDaily", "-D"]]
    assert (
        runs_tool(
            invocations(f"{HOME}/bin/createJob", scripts, HOME, frozenset({"createJob"})),
            "autoDaily",
        )
        == []
    )


def test_the_script_of_a_shell() -> None:
    assert script_of(["sh", "/home/g/bin/purge.sh"]) == "/home/g/bin/purge.sh"
    assert script_of(["bash", "-x", "job.sh"]) == "job.sh"
    assert script_of(["sh", "-c", "x"]) is None
    assert script_of(["python", "x.py"]) is None
