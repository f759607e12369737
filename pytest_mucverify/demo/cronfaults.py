"""Faults in the hand-over of cron, commissioning and the rc switch (plan II.2, II.4-II.6)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _edit, _muc_disk
from .world import INSTRUMENTS, MUC, Calendar

if TYPE_CHECKING:
    from .world import DemoOptions

Apply = Callable[[Path, str, "DemoOptions"], None]


def _crontab(dest: Path, host: str, account: str) -> Path:
    return dest / "hosts" / host / "crontabs" / account


def _muc_cron(change: Callable[[str, str], str]) -> Apply:
    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        _edit(_crontab(dest, MUC, account), lambda text: change(text, account))

    return apply


def _ops_cron(change: Callable[[str], str]) -> Apply:
    def apply(dest: Path, account: str, options: DemoOptions) -> None:
        _edit(_crontab(dest, INSTRUMENTS[account].ops, account), change)

    return apply


def _added(line: str) -> Callable[[str, str], str]:
    return lambda text, account: text + line.format(account=account) + "\n"


def _uncomment(tool: str) -> Callable[[str], str]:
    return lambda text: re.sub(rf"^#(.*-t {tool}\b.*)$", r"\1", text, flags=re.M)


def _commissioning_done(dest: Path, account: str, options: DemoOptions) -> None:
    date = Calendar.for_options(options).commissioning
    _edit(
        dest / "home" / account / "monitor" / f"AB_list_CALIB_{date}",
        lambda t: t.replace("\tCOMPLETE\n", "\tCOMPLETE\tDONE\n", 1),
    )


def _commissioning_ab_on_muc(dest: Path, account: str, options: DemoOptions) -> None:
    date = str(Calendar.for_options(options).commissioning)
    old_disk = dest / "hosts" / INSTRUMENTS[account].ops / "diska" / "data" / account
    source = sorted(
        [*(old_disk / "AB").glob(f"*{date}T*.ab"), *(old_disk / "logs" / date).glob("*.ab")]
    )[0]
    target = _muc_disk(dest, account) / "logs" / date
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target / source.name)


def _commissioning_leftover_ab(dest: Path, account: str, options: DemoOptions) -> None:
    """One AB of the commissioning date on the muc is days older than the others: left from an
    earlier run, taken as done by autoDaily -D."""
    date = str(Calendar.for_options(options).commissioning)
    disk = _muc_disk(dest, account)
    found = sorted([*(disk / "AB").glob(f"*{date}T*.ab"), *(disk / "logs" / date).glob("*.ab")])
    victim = found[0]
    stat = victim.stat()
    os.utime(victim, (stat.st_atime - 3 * 86400, stat.st_mtime - 3 * 86400))


def _old_tool(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(
        dest / "home" / account / "bin" / "autoDaily",
        lambda t: t.replace('TOOL_VERSION="2.1"', 'TOOL_VERSION="2.0"'),
    )


def _second_version_line(dest: Path, account: str, options: DemoOptions) -> None:
    """A block pasted from the old release further down: the shell keeps the last assignment."""
    _edit(
        dest / "home" / account / "bin" / "autoDaily",
        lambda t: t.replace(
            "\ncase ", '\n# kept from v2.0 for the old blades\nTOOL_VERSION="2.0"\ncase ', 1
        ),
    )


def _shadowed_on_path(dest: Path, account: str, options: DemoOptions) -> None:
    """An old copy of autoDaily in a folder the muc's rc puts before DFO_BIN_DIR on the PATH."""
    home = dest / "home" / account
    old_bin = home / "bin.v2.0"
    old_bin.mkdir()
    copy = old_bin / "autoDaily"
    copy.write_text(
        (home / "bin" / "autoDaily").read_text().replace('TOOL_VERSION="2.1"', 'TOOL_VERSION="2.0"')
    )
    copy.chmod(0o755)
    switched = (home / ".dfosrc").read_bytes() == (home / ".dfosrc_muc").read_bytes()
    for rc in (".dfosrc_muc", ".dfosrc") if switched else (".dfosrc_muc",):
        _edit(home / rc, lambda t: t + "export PATH=$HOME/bin.v2.0:$PATH\n")


def _not_switched(dest: Path, account: str, options: DemoOptions) -> None:
    """The switch never happened: .dfosrc is still the old blade's and there is no .dfosrc_old."""
    home = dest / "home" / account
    (home / ".dfosrc_old").replace(home / ".dfosrc")


def _xv_in_job(dest: Path, account: str, options: DemoOptions) -> None:
    job = sorted((dest / "home" / account / "jobs").glob("execQC_CALIB_*"))[-1]
    _edit(job, lambda t: t + f"xv /data/{account}/plots/quicklook.png &\n")


def _wrapper_on_old(dest: Path, account: str, options: DemoOptions) -> None:
    """The old blade runs the account's own nightly script, which still calls autoDaily."""
    script = dest / "home" / account / "bin" / "nightly_ops.sh"
    script.write_text(
        "#!/bin/sh\n# nightly chores on the old blade\n$HOME/bin/dfosCron -t autoDaily\n"
    )
    script.chmod(0o755)
    _edit(
        _crontab(dest, INSTRUMENTS[account].ops, account),
        lambda t: t + f"0 8-18 * * * /home/{account}/bin/nightly_ops.sh >/dev/null 2>&1\n",
    )


def _renamed_link_on_old(dest: Path, account: str, options: DemoOptions) -> None:
    """The old blade runs autoDaily through a link of another name in the account's bin."""
    (dest / "home" / account / "bin" / "nightly").symlink_to("autoDaily")
    _edit(
        _crontab(dest, INSTRUMENTS[account].ops, account),
        lambda t: t + f"0 8-18 * * * /home/{account}/bin/nightly -r .dfosrc_old\n",
    )


def _two_scripts_deep_on_old(dest: Path, account: str, options: DemoOptions) -> None:
    """The old blade runs a script that runs another, which still calls autoDaily."""
    bin_dir = dest / "home" / account / "bin"
    (bin_dir / "chores.sh").write_text('#!/bin/bash\nexec $HOME/bin/dfosCron -tautoDaily "$@"\n')
    (bin_dir / "daily.sh").write_text("#!/bin/sh\ncd $HOME && ./bin/chores.sh -r .dfosrc_old\n")
    for script in ("chores.sh", "daily.sh"):
        (bin_dir / script).chmod(0o755)
    _edit(
        _crontab(dest, INSTRUMENTS[account].ops, account),
        lambda t: t + f"0 8-18 * * * /home/{account}/bin/daily.sh\n",
    )


def _qcrc_display(dest: Path, account: str, options: DemoOptions) -> None:
    _edit(dest / "home" / account / ".qcrc", lambda t: "export DISPLAY=:4\n" + t)


def _muc_crontab_empty(dest: Path, account: str, options: DemoOptions) -> None:
    """The muc's crontab was wiped (crontab -r): nothing runs there, which must never read as
    nothing to check."""
    (dest / "hosts" / MUC / "crontabs" / account).write_text("")


CRON_FAULTS: tuple[Fault, ...] = (
    Fault(
        "muc-crontab-empty",
        "cron.commands",
        "the account's crontab on the muc is empty",
        _muc_crontab_empty,
        also=("cron.calchecker", "cron.autodaily", "cron.display"),
    ),
    Fault(
        "autodaily-cron-with-D",
        "cron.autodaily",
        "the muc's cron line runs autoDaily -D, the commissioning form",
        _muc_cron(lambda text, account: text.replace("-t autoDaily -r", "-t autoDaily -D -r")),
    ),
    Fault(
        "autodaily-cron-without-dfosrc-muc",
        "cron.autodaily",
        "the muc's cron line runs autoDaily without -r .dfosrc_muc",
        _muc_cron(
            lambda text, account: text.replace("-t autoDaily -r .dfosrc_muc", "-t autoDaily")
        ),
    ),
    Fault(
        "autodaily-behind-sh-c-on-old",
        "cron.autodaily",
        'the old blade still runs autoDaily, inside sh -c "…"',
        _ops_cron(
            lambda text: text + '0 8-18 * * * sh -c "cd $HOME && $HOME/bin/dfosCron -t autoDaily"\n'
        ),
    ),
    Fault(
        "autodaily-attached-t-on-old",
        "cron.autodaily",
        "the old blade still runs autoDaily as dfosCron -tautoDaily (the tool glued to -t)",
        _ops_cron(lambda text: text + "0 8-18 * * * $HOME/bin/dfosCron -tautoDaily\n"),
    ),
    Fault(
        "autodaily-in-variable-on-old",
        "cron.autodaily",
        "the old blade still runs autoDaily, named by a crontab variable (JOB=autoDaily, -t $JOB)",
        _ops_cron(lambda text: text + "JOB=autoDaily\n0 8-18 * * * $HOME/bin/dfosCron -t $JOB\n"),
    ),
    Fault(
        "autodaily-piped-to-sh-on-old",
        "cron.autodaily",
        "the old blade still runs autoDaily, echoed into /bin/sh",
        _ops_cron(
            lambda text: text + '0 8-18 * * * echo "$HOME/bin/dfosCron -t autoDaily" | /bin/sh\n'
        ),
    ),
    Fault(
        "autodaily-renamed-link-on-old",
        "cron.autodaily",
        "the old blade still runs autoDaily through $HOME/bin/nightly, a link to it",
        _renamed_link_on_old,
    ),
    Fault(
        "autodaily-attached-t-on-muc-too-early",
        "cron.autodaily",
        "before the switch the muc already runs dfosCron -tautoDaily beside the old blade",
        _muc_cron(_added("0 8-18 * * * /home/{account}/bin/dfosCron -tautoDaily -r .dfosrc_muc")),
        phase="verification",
    ),
    Fault(
        "autodaily-two-scripts-deep-on-old",
        "cron.autodaily",
        "the old blade runs a script whose own script still runs dfosCron -tautoDaily",
        _two_scripts_deep_on_old,
    ),
    Fault(
        "cron-eval-of-a-file",
        "cron.autodaily",
        "an old blade line evals a file's content: what it runs cannot be read from the crontab",
        _ops_cron(lambda text: text + '0 8-18 * * * eval "$(cat $HOME/bin/nightly.cmd)"\n'),
    ),
    Fault(
        "autodaily-in-wrapper-on-old",
        "cron.autodaily",
        "the old blade still runs autoDaily through a wrapper script of the account",
        _wrapper_on_old,
    ),
    Fault(
        "calchecker-not-staggered",
        "cron.calchecker",
        "the muc's incremental calChecker runs at the old blade's minutes",
        _muc_cron(lambda text, account: text.replace("15,45 * * * * ", "*/30 * * * * ")),
        phase="verification",
    ),
    Fault(
        "calchecker-full-missing-on-muc",
        "cron.calchecker",
        "the muc runs the incremental calChecker twice and never the full one",
        _muc_cron(lambda text, account: text.replace("-t calChecker -F -r", "-t calChecker -r")),
        phase="verification",
    ),
    Fault(
        "calchecker-gone-from-muc",
        "cron.calchecker",
        "the muc's calChecker lines are gone once operational",
        _muc_cron(lambda text, account: re.sub(r"^.*-t calChecker.*\n", "", text, flags=re.M)),
    ),
    Fault(
        "cron-sh-script-missing",
        "cron.commands",
        "a muc cron line runs sh on a script the muc does not have",
        _muc_cron(_added("*/10 * * * * sh /home/{account}/bin/purge_tmp.sh")),
    ),
    Fault(
        "display-in-qcrc-of-other-group",
        "cron.display",
        ".qcrc exports DISPLAY=:4 (uves's group), which dfosCron jobs get",
        _qcrc_display,
    ),
    Fault(
        "cron-attached-tool-missing",
        "cron.commands",
        "a muc cron line runs dfosCron -tngasMonitor, a tool the muc does not have",
        _muc_cron(_added("*/10 * * * * /home/{account}/bin/dfosCron -tngasMonitor")),
    ),
    Fault(
        "cron-minute-61",
        "cron.syntax",
        "a muc cron line fires at minute 61",
        _muc_cron(_added("61 * * * * /home/{account}/bin/vnc_keepalive :1")),
    ),
    Fault(
        "cron-step-on-single-value",
        "cron.syntax",
        "a muc cron line steps a single value (5/15)",
        _muc_cron(_added("5/15 * * * * /home/{account}/bin/vnc_keepalive :1")),
    ),
    Fault(
        "cron-unknown-macro",
        "cron.syntax",
        "a muc cron line uses @weekdays, which cron does not know",
        _muc_cron(_added("@weekdays /home/{account}/bin/vnc_keepalive :1")),
    ),
    Fault(
        "autodaily-on-both-blades",
        "cron.autodaily",
        "the old autoDaily line is still active after the switch",
        _ops_cron(_uncomment("autoDaily")),
    ),
    Fault(
        "autodaily-on-neither",
        "cron.autodaily",
        "the muc's autoDaily line is commented out after the switch",
        _muc_cron(lambda text, account: re.sub(r"^(.*-t autoDaily.*)$", r"#\1", text, flags=re.M)),
    ),
    Fault(
        "autodaily-schedule-differs",
        "cron.autodaily",
        "the muc's autoDaily fires 8-17 h, the old one fired 8-18 h",
        _muc_cron(lambda text, account: text.replace("0 8-18 * * * ", "0 8-17 * * * ")),
    ),
    Fault(
        "calchecker-without-dfosrc-muc",
        "cron.calchecker",
        "a muc calChecker line reads the operational .dfosrc",
        _muc_cron(
            lambda text, account: text.replace("-t calChecker -r .dfosrc_muc", "-t calChecker", 1)
        ),
        phase="verification",
    ),
    Fault(
        "calchecker-still-on-old",
        "cron.calchecker",
        "calChecker still runs on the old blade after the switch",
        _ops_cron(_uncomment("calChecker")),
    ),
    Fault(
        "cron-program-missing",
        "cron.commands",
        "a muc cron line calls a program the muc does not have",
        _muc_cron(_added("*/10 * * * * /home/{account}/bin/ngasMonitor -q")),
    ),
    Fault(
        "display-of-other-group",
        "cron.display",
        "the muc crontab uses DISPLAY :4, which belongs to uves",
        _muc_cron(lambda text, account: text.replace("DISPLAY=:1\n", "DISPLAY=:4\n")),
    ),
    Fault(
        "commissioning-done-tag",
        "commissioning.ab-list-clean",
        "the commissioning date's AB list carries a DONE tag",
        _commissioning_done,
        phase="commissioning",
    ),
    Fault(
        "commissioning-ab-on-muc",
        "commissioning.ab-list-clean",
        "an AB of the commissioning date already sits on the muc",
        _commissioning_ab_on_muc,
        phase="commissioning",
    ),
    Fault(
        "commissioning-leftover-ab",
        "commissioning.ab-list-clean",
        "after the switch, one AB of the commissioning date on the muc predates the autoDaily -D run",
        _commissioning_leftover_ab,
    ),
    Fault(
        "autodaily-v2.0", "commissioning.tool-versions", "autoDaily is v2.0 on the muc", _old_tool
    ),
    Fault(
        "autodaily-two-version-lines",
        "commissioning.tool-versions",
        "autoDaily on the muc sets TOOL_VERSION to 2.1 and later to 2.0",
        _second_version_line,
    ),
    Fault(
        "autodaily-shadowed-on-path",
        "commissioning.tool-versions",
        "the muc's PATH finds an old autoDaily before DFO_BIN_DIR",
        _shadowed_on_path,
    ),
    Fault(
        "dfosrc-not-switched",
        "rc.switched",
        ".dfosrc is still the old blade's one after the switch",
        _not_switched,
    ),
    Fault("xv-in-job-file", "rc.no-xv", "a job file on the muc calls xv", _xv_in_job),
)
