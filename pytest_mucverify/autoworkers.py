"""How many processes ``-n auto`` runs a verification in.

xdist's workers each start, import, collect and read the account's files on their own, which a
run must be large enough to repay. What makes it large is the ABs it examines, more than its
nights: ``benchmarks/auto_workers.py`` found ``-n 2`` slower than ``-n 0`` on the demo's 8 nights
(4 account-nights of 6 ABs: 0.78) and on 45 thin nights (0.95), and faster on 183 thin nights
(1.18) and from 15 nights of a busy account (100 ABs a night: 1.28; 45 nights: 1.66). The size of
a run is estimated from the ABs of the newest night it examines on the muc.
"""

from __future__ import annotations

from .blade import BladeError
from .context import AccountUnderTest
from .runplan import RunPlan, Target

XDIST_PAYS_FROM = 1_000
"""AB-nights (examined nights times ABs a night) from which ``-n auto`` uses xdist's workers."""


def abs_a_night(plan: RunPlan, target: Target) -> int:
    """The ABs of the newest night the run examines for the account, by the AB files and
    pipeline logs of the muc's DFO_LOG_DIR (an AB still active has its log there already); 0 when
    the muc cannot say."""
    if not target.nights:
        return 0
    account = AccountUnderTest(plan, target)
    try:
        logs = account.directory("DFO_LOG_DIR")
        names = account.muc.list_names(f"{logs}/{max(target.nights)}", missing_ok=True)
    except BladeError:
        return 0
    return len(
        {
            name.rsplit(".", 1)[0]
            for name, kind in names
            if kind == "f" and name.endswith((".ab", ".log"))
        }
    )


def one_process_reason(plan: RunPlan) -> str | None:
    """Why ``-n auto`` should run in one process, or None when workers pay."""
    nights = sum(len(target.nights) for target in plan.targets)
    ab_nights = sum(len(target.nights) * abs_a_night(plan, target) for target in plan.targets)
    if ab_nights >= XDIST_PAYS_FROM:
        return None
    return (
        f"-n auto runs in one process: {nights} account-nights of about {ab_nights} ABs in all"
        f" is below {XDIST_PAYS_FROM}, where xdist's start-up costs more than it saves"
    )
