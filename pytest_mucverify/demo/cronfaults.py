"""Faults in the hand-over of cron, commissioning and the rc switch (plan II.2, II.4-II.6)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import Fault, _edit
from .world import INSTRUMENTS, MUC

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
        "autodaily-cron-with-DD",
        "cron.autodaily",
        "the muc's cron line runs autoDaily -r .dfosrc_muc -DD: getopts reads -D in the cluster",
        _muc_cron(
            lambda text, account: text.replace(
                "-t autoDaily -r .dfosrc_muc", "-t autoDaily -r .dfosrc_muc -DD"
            )
        ),
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
        "calchecker-doubled-on-muc",
        "cron.calchecker",
        "after the switch the muc runs the incremental calChecker line twice, at the same minutes",
        _muc_cron(
            lambda text, account: re.sub(
                r"^(15,45 .*-t calChecker -r .*)$", r"\1\n\1", text, count=1, flags=re.M
            )
        ),
    ),
    Fault(
        "calchecker-never-fires-on-muc",
        "cron.calchecker",
        "after the switch the muc's incremental calChecker line fires on 30 February only, never",
        _muc_cron(lambda text, account: text.replace("15,45 * * * * ", "15,45 * 30 2 * ")),
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
        "cron-shell-false",
        "cron.syntax",
        "the muc crontab sets SHELL=/bin/false: cron runs no job of it",
        _muc_cron(lambda text, account: text.replace("MAILTO=", "SHELL=/bin/false\nMAILTO=", 1)),
    ),
    Fault(
        "cron-tz-on-muc-only",
        "cron.syntax",
        "the muc crontab reads its times in CRON_TZ=America/Santiago, the old one does not",
        _muc_cron(
            lambda text, account: text.replace("MAILTO=", "CRON_TZ=America/Santiago\nMAILTO=", 1)
        ),
    ),
    Fault(
        "cron-home-of-another-account",
        "cron.syntax",
        "the muc crontab sets HOME=/home/uves: dfosCron reads another account's rc files",
        _muc_cron(lambda text, account: text.replace("MAILTO=", "HOME=/home/uves\nMAILTO=", 1)),
    ),
    Fault(
        "cron-percent-cuts-autodaily",
        "cron.syntax",
        "the muc's autoDaily line logs to ad_$(date +%Y%m%d).log: cron cuts it at the first %,"
        " the shell sees $(date + and never runs autoDaily",
        _muc_cron(
            lambda text, account: re.sub(
                r"(-t autoDaily -r \.dfosrc_muc)$",
                rf"\1 >> /home/{account}/ad_$(date +%Y%m%d).log 2>&1",
                text,
                flags=re.M,
            )
        ),
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
        "autodaily-schedule-until-march",
        "cron.autodaily",
        "the muc's autoDaily fires in January and February only (0 8-18 * 1-2 *): the same week,"
        " not the same year",
        _muc_cron(
            lambda text, account: text.replace(
                f"0 8-18 * * * /home/{account}/bin/dfosCron -t autoDaily",
                f"0 8-18 * 1-2 * /home/{account}/bin/dfosCron -t autoDaily",
            )
        ),
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
        "display-of-the-old-blade",
        "cron.display",
        "the muc crontab uses DISPLAY dfo23:1, the old blade's display, not the muc's :1",
        _muc_cron(
            lambda text, account: text.replace(
                "DISPLAY=:", f"DISPLAY={INSTRUMENTS[account].ops}:", 1
            )
        ),
    ),
    Fault(
        "vnc-keepalive-of-other-group",
        "cron.display",
        "the muc's VNC keep-alive keeps :4 alive, uves's display",
        _muc_cron(lambda text, account: re.sub(r"(vnc_keepalive) :\d+", r"\1 :4", text)),
    ),
    Fault(
        "dfosrc-not-switched",
        "rc.switched",
        ".dfosrc is still the old blade's one after the switch",
        _not_switched,
    ),
    Fault("xv-in-job-file", "rc.no-xv", "a job file on the muc calls xv", _xv_in_job),
)
