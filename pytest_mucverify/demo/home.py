"""The shared $HOME of a demo account: rc files, .dbrc, DFOS tools, config.muc_migrate.

Where DOMAIN.md is silent the demo does what a DFOS account most plausibly has:

- ``DFO_JOB_DIR`` is ``$HOME/jobs``, shared by both blades (job files are small and written by
  the tools of whichever blade runs them); the other data directories are on each blade's disk.
- uves kept its own names for the two directories muc_migrate lets an account rename
  (``DFO_LST_DIR`` = ``lst``, ``DFO_PLT_DIR`` = ``qcplots``) and answered them in
  ``config.muc_migrate``; giraffe and xshooter use the standard names.
- ``.dfosrc_muc`` differs from the old ``.dfosrc`` where a real migration changes it: the blade's
  name, the processing cores (8 condor slots instead of 2 cores), the architecture and whether
  condor runs the pipelines; paths stay logical and identical.
- ``.qcrc`` ends with ``source $HOME/.dfosrc`` as the login chain documents.
- Both rc files put ``DFO_BIN_DIR`` first on the PATH, so that the DFOS tools of the account are
  the ones cron and condor jobs run. Unconditionally: a ``local://`` demo blade sources the rc
  files on this machine, where a ``[ -d $DFO_BIN_DIR ]`` test would look at the wrong disk.
"""

from __future__ import annotations

from pathlib import Path

from ..dfos.layout import BY_VARIABLE, MUC_MIGRATE_CONFIG, RENAMEABLE, STANDARD_DIRECTORIES
from ..phases import reached
from .world import MUC, Instrument

TOOL_VERSIONS = {
    "autoDaily": "2.1",
    "createJob": "2.1",
    "createAB": "3.2",
    "processAB": "2.6",
    "processQC": "2.4",
    "scoreQC": "1.9",
    "calChecker": "3.1",
    "trendPlotter": "2.3",
    "certifyProducts": "2.2",
    "moveProducts": "1.8",
    "ingestProducts": "2.0",
    "cleanupProducts": "1.6",
    "getStatusAB": "1.4",
    "finishNight": "1.7",
    "harvestAB": "1.2",
    "ngasClient": "1.5",
    "dataclient": "1.3",
    "createReport": "1.9",
    "dfosCron": "1.6",
    "muc_migrate": "1.2",
    "muc_compare": "1.0",
    "vnc_keepalive": "1.0",
}


RENAMED: dict[str, dict[str, str]] = {"uves": {"DFO_LST_DIR": "lst", "DFO_PLT_DIR": "qcplots"}}
"""non-standard names an account gave muc_migrate (only DFO_LST_DIR and DFO_PLT_DIR may differ)."""
IN_HOME = frozenset({"DFO_JOB_DIR"})
"""data directories the demo's accounts keep in the shared $HOME instead of on a data disk."""


def directory_name(inst: Instrument, variable: str, standard: str) -> str:
    return RENAMED.get(inst.account, {}).get(variable, standard)


def rc_text(inst: Instrument, blade: str, cores: int) -> str:
    lines = [
        f"# .dfosrc of {inst.account}: the DFOS environment on {blade}",
        "# sourced by dfosCron and condor jobs after .qcrc",
        f"export DFO_INSTRUMENT={inst.account.upper()}",
        f"export DFOS_BLADE={blade}",
        f"export DFO_ROOT_DIR=/data/{inst.account}",
    ]
    for directory in STANDARD_DIRECTORIES:
        in_home = not directory.on_data_disk or directory.variable in IN_HOME
        base = "$HOME" if in_home else "$DFO_ROOT_DIR"
        name = directory_name(inst, directory.variable, directory.name)
        lines.append(f"export {directory.variable}={base}/{name}")
    muc = blade.startswith("muc")
    lines += [
        f"export DFO_PROC_CORES={cores}",
        f"export DFO_ARCH={'x86_64' if muc else 'i686'}",
        f"export DFO_USE_CONDOR={'YES' if muc else 'NO'}",
        "export DFO_OFFSET=12",
        "export DFO_WEB_SERVER=qcweb.hq.eso.org",
        "export DFO_FILE_NAME=ARCFILE",
        "export PATH=$DFO_BIN_DIR:$PATH",
        "",
    ]
    return "\n".join(lines)


def qcrc_text(inst: Instrument) -> str:
    lines = [
        f"# .qcrc of {inst.account}",
        f"alias {inst.account}_muc='xhost + {MUC}; ssh -XY {inst.account}@{MUC}'",
        "export QC1_DB=qc1",
        "export QC_WEB=http://www.eso.org/qc",
    ]
    if inst.qc_cluster:
        lines += [
            f"export DFO_ROOT_DIR=/data/{inst.account}",
            'CHECK_MUC=`echo $HOSTNAME | grep muc` #old host: CHECK_MUC=""; new host: CHECK_MUC=muc0n',
            "if [ Q$CHECK_MUC = Q ]",
            "then",
            f"  export DFO_ROOT_DIR_FC=/fc/{inst.account}",
            f"  export DFO_ROOT_DIR_DISKA=/diska/data/{inst.account}",
            "else",
            "  export DFO_ROOT_DIR_FC=$DFO_ROOT_DIR; export DFO_ROOT_DIR_DISKA=$DFO_ROOT_DIR",
            "fi",
        ]
    # documented: the login chain ends .qcrc -> .dfosrc, and dfosCron sources only these two
    lines += ["source $HOME/.dfosrc"]
    return "\n".join(lines) + "\n"


def dbrc_text(inst: Instrument, host: str) -> str:
    label = "new muc blades" if host.startswith("muc") else "old blades"
    return (
        "# .dbrc: database connections for processQC, scoreQC and hotfly\n"
        "# server     type     database host        user       password                 client\n"
        f"# {label}\n"
        f"qc1          SYBASE   qcdb.hq.eso.org      {inst.account}_qc  demo-secret-{inst.account}-Pw0  {host}\n"
        f"hotfly       SYBASE   hotfly.hq.eso.org    {inst.account}_hf  demo-secret-{inst.account}-Pw1  {host}\n"
    )


def tool_script(name: str, version: str) -> str:
    return f"""#!/bin/bash
# {name}: DFOS tool (demo copy: answers -v and -h, does nothing else)
TOOL_VERSION="{version}"
case "$1" in
  -v) echo "{name} v$TOOL_VERSION"; exit 0 ;;
  -h) echo "usage: {name} [-h|-v] [options]"; exit 0 ;;
esac
exit 0
"""


def write_home(home: Path, inst: Instrument, phase: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    for directory in STANDARD_DIRECTORIES:
        if not directory.on_data_disk or directory.variable in IN_HOME:
            (home / directory.name).mkdir(exist_ok=True)
    old_rc = rc_text(inst, inst.ops, cores=2)
    muc_rc = rc_text(inst, MUC, cores=8)
    if reached(phase, "operational"):
        (home / ".dfosrc_old").write_text(old_rc)
        (home / ".dfosrc").write_text(muc_rc)
    else:
        (home / ".dfosrc").write_text(old_rc)
    (home / ".dfosrc_muc").write_text(muc_rc)
    (home / ".qcrc").write_text(qcrc_text(inst))
    dbrc = home / ".dbrc"
    dbrc.write_text(dbrc_text(inst, MUC if reached(phase, "pipeline") else inst.ops))
    dbrc.chmod(0o600)
    bin_dir = home / "bin"
    for tool, version in TOOL_VERSIONS.items():
        script = bin_dir / tool
        script.write_text(tool_script(tool, version))
        script.chmod(0o755)
    names = {v: directory_name(inst, v, BY_VARIABLE[v].name) for v in RENAMEABLE}
    (bin_dir / MUC_MIGRATE_CONFIG).write_text(
        "# answers given to muc_migrate: names of the renameable data directories\n"
        + "".join(f"{variable} {name}\n" for variable, name in names.items())
    )
    (home / "config" / "config.createAB").write_text(
        f"# createAB configuration of {inst.account}\nINSTRUMENT {inst.account.upper()}\n"
    )
    (home / "monitor" / "CRON_LOGS").mkdir(exist_ok=True)
    (home / "monitor" / "dfoMonitor.html").write_text(
        f"<html><body><h1>dfoMonitor {inst.account}</h1></body></html>\n"
    )
    vnc = home / ".vnc"
    vnc.mkdir(exist_ok=True)
    (vnc / "xstartup").write_text("#!/bin/sh\nexec twm\n")
