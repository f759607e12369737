"""The shared $HOME of a demo account: rc files, .dbrc, DFOS tools, config.muc_migrate."""

from __future__ import annotations

from pathlib import Path

from ..dfos.layout import MUC_MIGRATE_CONFIG, STANDARD_DIRECTORIES
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


def rc_text(inst: Instrument, blade: str, cores: int) -> str:
    lines = [
        f"# .dfosrc of {inst.account}: the DFOS environment on {blade}",
        "# sourced by dfosCron and condor jobs after .qcrc",
        f"export DFO_INSTRUMENT={inst.account.upper()}",
        f"export DFOS_BLADE={blade}",
        f"export DFO_ROOT_DIR=/data/{inst.account}",
    ]
    for directory in STANDARD_DIRECTORIES:
        base = "$DFO_ROOT_DIR" if directory.on_data_disk else "$HOME"
        lines.append(f"export {directory.variable}={base}/{directory.name}")
    lines += [
        f"export DFO_PROC_CORES={cores}",
        "export DFO_OFFSET=12",
        "export DFO_WEB_SERVER=qcweb.hq.eso.org",
        "export DFO_FILE_NAME=ARCFILE",
        "[ -d $DFO_BIN_DIR ] && export PATH=$DFO_BIN_DIR:$PATH",
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
        if not directory.on_data_disk:
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
    (bin_dir / MUC_MIGRATE_CONFIG).write_text(
        "# answers given to muc_migrate: names of the renameable data directories\nDFO_LST_DIR lists\nDFO_PLT_DIR plots\n"
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
