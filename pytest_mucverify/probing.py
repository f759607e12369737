"""Every blade of a run answers once before any check runs: a dead or hanging one is marked down,
so every check that needs it becomes an error row at once, with that one reason."""

from __future__ import annotations

from .blade import hosts_down, mark_down, probe
from .runplan import RunPlan


def plan_hosts(plan: RunPlan) -> dict[str, str]:
    """Every blade of the plan, with the first account that reaches it."""
    found: dict[str, str] = {}
    for target in plan.targets:
        for name in (target.host, target.ops_host):
            found.setdefault(name, target.account.name)
    return found


def probe_blades(plan: RunPlan) -> dict[str, str]:
    """Each blade of the plan answers once before any check runs, all at the same time; a dead
    or hanging one is marked down, so every check that needs it is an error row at once."""
    from concurrent.futures import ThreadPoolExecutor

    blades = {name: (plan.site.hosts[name], account) for name, account in plan_hosts(plan).items()}
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(blades)))) as pool:
        answers = dict(zip(blades, pool.map(lambda hb: probe(*hb), blades.values()), strict=True))
    for name, reason in answers.items():
        if reason:
            mark_down(name, reason)
    return hosts_down()
