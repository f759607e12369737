"""What a cron command runs, through the wrappers accounts put around DFOS tools."""

from __future__ import annotations

import pytest

from pytest_mucverify.dfos.croncalls import (
    analyse,
    dfos_cron_tool,
    has_flag,
    invocations,
    options_besides_rc,
    runs_tool,
    script_of,
    tool_options,
)

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


@pytest.mark.parametrize(
    "command",
    [
        "$HOME/bin/dfosCron -tautoDaily -r.dfosrc_muc",
        "T=autoDaily; $HOME/bin/dfosCron -t $T -r .dfosrc_muc",
        "export T=autoDaily && $HOME/bin/dfosCron -t ${T} -r .dfosrc_muc",
        "A=autoDaily; $A -r .dfosrc_muc",
        'echo "autoDaily -r .dfosrc_muc" | sh',
        "echo 'autoDaily -r .dfosrc_muc' | /bin/bash",
        "printf 'autoDaily -r .dfosrc_muc\\n' | bash -s",
        'sh <<< "autoDaily -r .dfosrc_muc"',
        'eval "autoDaily -r .dfosrc_muc"',
        "exec /home/giraffe/bin/autoDaily -r .dfosrc_muc",
        "nice -n 10 ionice -c3 autoDaily -r .dfosrc_muc",
        "nice -10 timeout -s KILL 2h ~/bin/autoDaily -r .dfosrc_muc",
        "flock -n /tmp/autodaily.lock autoDaily -r .dfosrc_muc",
        "flock /tmp/autodaily.lock -c 'autoDaily -r .dfosrc_muc'",
        "env -S 'autoDaily -r .dfosrc_muc'",
        "echo | xargs autoDaily -r .dfosrc_muc",
        "bash -lc 'autoDaily -r .dfosrc_muc'",
        "if test -d /data; then autoDaily -r .dfosrc_muc; fi",
        "for tool in autoDaily; do $HOME/bin/dfosCron -t $tool -r .dfosrc_muc; done",
        'echo "$(autoDaily -r .dfosrc_muc)" >> $HOME/log',
        "$DFO_BIN_DIR/autoDaily -r .dfosrc_muc",
        "echo 'autoDaily -r .dfosrc_muc' | at now",
    ],
)
def test_autodaily_is_seen_in_every_form_a_crontab_can_hide_it(command: str) -> None:
    found = analyse(command, home=HOME)
    calls = runs_tool(found.calls, "autoDaily")
    assert len(calls) == 1, found
    assert tool_options(calls[0], "-r") == ".dfosrc_muc"
    assert found.undecided == []


def test_a_crontab_variable_names_the_tool() -> None:
    found = analyse("$HOME/bin/dfosCron -t $JOB", home=HOME, env={"JOB": "autoDaily"})
    assert runs_tool(found.calls, "autoDaily") == [["autoDaily"]]


def test_crons_percent_text_is_what_a_shell_reads() -> None:
    found = analyse("/bin/sh", home=HOME, stdin="cd $HOME\nautoDaily -r .dfosrc_muc\n")
    assert runs_tool(found.calls, "autoDaily") == [["autoDaily", "-r", ".dfosrc_muc"]]


def test_a_file_fed_to_a_shell_is_read_as_a_script() -> None:
    scripts = {f"{HOME}/bin/nightly.cmd": "autoDaily -r .dfosrc_muc\n"}
    for command in ("sh < $HOME/bin/nightly.cmd", "cat $HOME/bin/nightly.cmd | bash"):
        found = analyse(command, scripts, HOME)
        assert runs_tool(found.calls, "autoDaily") == [["autoDaily", "-r", ".dfosrc_muc"]]
        assert f"{HOME}/bin/nightly.cmd" in found.wanted


def test_a_sourced_script_is_looked_into() -> None:
    scripts = {f"{HOME}/bin/nightly.sh": "autoDaily\n"}
    found = analyse(". $HOME/bin/nightly.sh", scripts, HOME)
    assert runs_tool(found.calls, "autoDaily") == [["autoDaily"]]
    assert script_of([".", "/x/job.sh"]) == "/x/job.sh"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ('eval "$(cat $HOME/bin/nightly.cmd)"', "eval runs '$(cat $HOME/bin/nightly.cmd)'"),
        ("$PROG -r .dfosrc_muc", "runs '$PROG'"),
        ("$HOME/bin/dfosCron -t $T", "dfosCron -t $T: the tool is not set"),
        # the assignment in front of a command does not reach that command's own words
        ("T=autoDaily $HOME/bin/dfosCron -t $T", "dfosCron -t $T: the tool is not set"),
        ("$HOME/bin/dfosCron -t=autoDaily", "getopts hands dfosCron '=autoDaily'"),
        ("curl -s http://qcweb/jobs | sh", "sh runs what 'curl -s http://qcweb/jobs' prints"),
        ("echo autoDaily | xargs -I{} {} -r .dfosrc", "xargs builds the command"),
        ("for t in autoDaily calChecker; do $t; done", "runs '$t'"),
    ],
)
def test_what_cannot_be_read_from_the_line_is_said_not_passed(command: str, reason: str) -> None:
    found = analyse(command, home=HOME)
    assert runs_tool(found.calls, "autoDaily") == []
    assert len(found.undecided) == 1
    assert reason in found.undecided[0]


@pytest.mark.parametrize(
    "command",
    [
        "command -v autoDaily",
        "echo autoDaily -r .dfosrc_muc",
        "grep autoDaily $HOME/log | mail -s report giraffe",
        "sh -c 'echo autoDaily'",
    ],
)
def test_a_line_that_only_names_autodaily_does_not_run_it(command: str) -> None:
    found = analyse(command, home=HOME)
    assert runs_tool(found.calls, "autoDaily") == []
    assert found.undecided == []


def test_an_attached_rc_option_reads_as_a_separate_one() -> None:
    assert tool_options(["autoDaily", "-r.dfosrc_muc"], "-r") == ".dfosrc_muc"
    assert options_besides_rc(["calChecker", "-F", "-r.dfosrc_muc"]) == ("-F",)
    assert options_besides_rc(["calChecker", "-F", "-r", ".dfosrc_muc"]) == ("-F",)


def test_a_script_that_runs_its_arguments_runs_what_the_line_names() -> None:
    scripts = {f"{HOME}/bin/logged": '#!/bin/sh\n"$@" >> $HOME/cron.log 2>&1\n$1 -v\n'}
    found = analyse("$HOME/bin/logged autoDaily -r .dfosrc_muc", scripts, HOME)
    assert runs_tool(found.calls, "autoDaily") == [
        ["autoDaily", "-r", ".dfosrc_muc"],
        ["autoDaily", "-v"],
    ]
    assert found.undecided == []
    assert analyse("$HOME/bin/logged", scripts, HOME).undecided == []


@pytest.mark.parametrize(
    "command",
    [
        "/usr/bin/env bash -c 'autoDaily -r .dfosrc_muc'",
        "/usr/bin/nice -n 19 /usr/bin/timeout 2h autoDaily -r .dfosrc_muc",
        'JOB="autoDaily -r .dfosrc_muc"; $JOB',
        "${HOME}/bin/dfosCron -t autoDaily -r .dfosrc_muc",
    ],
)
def test_full_paths_of_wrappers_and_split_variables_hide_nothing(command: str) -> None:
    found = analyse(command, home=HOME)
    calls = runs_tool(found.calls, "autoDaily")
    assert [tool_options(argv, "-r") for argv in calls] == [".dfosrc_muc"]


def test_code_in_another_language_that_names_autodaily_cannot_be_read() -> None:
    scripts = {
        f"{HOME}/bin/nightly.pl": "#!/usr/bin/perl\nsystem('autoDaily -r .dfosrc');\n",
        f"{HOME}/bin/plots.py": "#!/usr/bin/env python3\nimport matplotlib\n",
        f"{HOME}/bin/chores": "#!/bin/bash -e\nautoDaily -r .dfosrc\n",
    }
    perl = analyse("$HOME/bin/nightly.pl", scripts, HOME)
    assert runs_tool(perl.calls, "autoDaily") == []
    assert perl.naming("autoDaily") == [
        f"{HOME}/bin/nightly.pl, a perl script names autoDaily: what it runs cannot be read as"
        " sh reads a line"
    ]
    inline = analyse("""python3 -c 'import os; os.system("autoDaily")'""", home=HOME)
    assert [why.split(" names ")[0] for why in inline.naming("autoDaily")] == ["python3 -c"]
    assert analyse("python3 $HOME/bin/plots.py", scripts, HOME).naming("autoDaily") == []
    assert analyse("python3 $HOME/bin/plots.py", scripts, HOME).wanted == [f"{HOME}/bin/plots.py"]
    assert analyse("python3 -c 'print(1)'", home=HOME).naming("autoDaily") == []
    shell = analyse("$HOME/bin/chores", scripts, HOME)
    assert runs_tool(shell.calls, "autoDaily") == [["autoDaily", "-r", ".dfosrc"]]


def test_a_link_to_a_dfos_tool_under_another_name_runs_that_tool() -> None:
    links = {f"{HOME}/bin/nightly": "autoDaily"}
    found = analyse("$HOME/bin/nightly -r .dfosrc", home=HOME, links=links)
    assert runs_tool(found.calls, "autoDaily") == [["autoDaily", "-r", ".dfosrc"]]


def test_the_tool_of_dfoscron_in_both_spellings_getopts_reads() -> None:
    assert dfos_cron_tool(["dfosCron", "-t", "JOBS_TREND"]) == ("JOBS_TREND", [], [])
    assert dfos_cron_tool(["dfosCron", "-D", "-tautoDaily", "-r", "x"]) == (
        "autoDaily",
        ["-r", "x"],
        ["-D"],
    )
    assert dfos_cron_tool(["dfosCron", "-t=autoDaily"]) is None
    assert dfos_cron_tool(["dfosCron", "-r", ".dfosrc"]) is None


def test_a_script_run_by_a_script_relative_to_the_folder_cd_went_to() -> None:
    scripts = {
        f"{HOME}/bin/daily.sh": "#!/bin/sh\ncd $HOME/bin && ./chores.sh -r .dfosrc\n",
        f"{HOME}/bin/chores.sh": '#!/bin/bash\nexec $HOME/bin/dfosCron -tautoDaily "$@"\n',
    }
    found = analyse("$HOME/bin/daily.sh", scripts, HOME)
    assert runs_tool(found.calls, "autoDaily") == [["autoDaily", "-r", ".dfosrc"]]
    assert f"{HOME}/bin/chores.sh" in found.wanted


@pytest.mark.parametrize(
    "argv",
    [
        ["autoDaily", "-DD", "-r", ".dfosrc_muc"],
        ["autoDaily", "-Dr", ".dfosrc_muc"],
        ["autoDaily", "-r", ".dfosrc_muc", "-D"],
        ["autoDaily", "-Dr.dfosrc_muc"],
        ["autoDaily", "-FD"],
    ],
)
def test_a_flag_inside_an_option_cluster_is_read_as_getopts_reads_it(argv: list[str]) -> None:
    assert has_flag(argv, "D")


def test_words_getopts_does_not_read_as_options_are_not_flags() -> None:
    assert not has_flag(["autoDaily", "-r", "-D"], "D")  # -D is the rc file's name here
    assert not has_flag(["autoDaily", "-r.dfosrc_muc", "--", "-D"], "D")
    assert not has_flag(["autoDaily", "today", "-D"], "D")
    assert tool_options(["autoDaily", "-Dr", ".dfosrc_muc"], "-r") == ".dfosrc_muc"
    assert tool_options(["autoDaily", "-r", ".dfosrc", "-r", ".dfosrc_muc"], "-r") == ".dfosrc_muc"
    assert options_besides_rc(["calChecker", "-Fr", ".dfosrc_muc"]) == ("-F",)
    assert options_besides_rc(["calChecker", "-FF", "-r.dfosrc_muc"]) == ("-F",)
