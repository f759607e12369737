"""The order a verification run's tests run in, and which xdist worker runs which.

A night's checks share what was read and parsed of it (``bladedata.NightCache`` keeps the last few
nights of a worker), so they run one after the other, night after night. Under xdist the nights
of an account go to the workers in blocks of consecutive nights (``NIGHTS_PER_UNIT``), each block
whole on one worker: xdist's default ``load`` scheduling sends tests one by one wherever a worker
is free, and then every worker reads and parses the nights another has already read.

The grouping is a scheduler of its own (``pytest_xdist_make_scheduler``), not ``--dist
loadgroup``: loadgroup marks a group by rewriting node ids, which pytest 9.2 no longer honours
(pytest-dev/pytest-xdist#1386). ``tests/test_scheduling.py`` runs it and checks where each night
ran.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from .runplan import RunPlan

NIGHTS_PER_UNIT = 8
"""consecutive nights of one account that one worker runs together: a few times the nights a
worker keeps (``bladedata.NIGHTS_KEPT``), and a year still makes dozens of units to share out."""


T = TypeVar("T")


def night_of_item(item: object) -> tuple[str, str] | None:
    """(account, night) of a per-night test, None for any other."""
    params = getattr(getattr(item, "callspec", None), "params", None)
    if not isinstance(params, Mapping) or "night" not in params or "account" not in params:
        return None
    return str(params["account"]), str(params["night"])


def nights_together(items: Sequence[T], plan: RunPlan) -> list[T]:
    """The tests in the order to run them: first those of no night, as collected; then the
    per-night tests account by account and night by night, each night's in collected order."""
    accounts = {target.account.name: n for n, target in enumerate(plan.targets)}
    others: list[T] = []
    nightly: list[tuple[tuple[int, str, int], T]] = []
    for position, item in enumerate(items):
        found = night_of_item(item)
        if found is None:
            others.append(item)
        else:
            account, night = found
            nightly.append(((accounts.get(account, len(accounts)), night, position), item))
    nightly.sort(key=lambda pair: pair[0])
    return [*others, *(item for _key, item in nightly)]


def night_blocks(plan: RunPlan, per_unit: int = NIGHTS_PER_UNIT) -> dict[str, dict[str, int]]:
    """account -> night (as in the test's id) -> its block of consecutive nights."""
    return {
        target.account.name: {
            str(night): index // per_unit for index, night in enumerate(target.nights)
        }
        for target in plan.targets
    }


def work_unit(nodeid: str, blocks: Mapping[str, Mapping[str, int]]) -> str:
    """The xdist work unit of a test, from its node id (``path::test[account-night]``): a block of
    an account's nights; for the account's other checks their parameters (``giraffe``,
    ``giraffe-DFO_RAW_DIR``: the checks of one tree share its listing, and the heavy trees spread
    over the workers); the module for any other test."""
    base, bracket, params = nodeid.partition("[")
    if bracket and params.endswith("]"):
        params = params[:-1]
        for account in sorted(blocks, key=len, reverse=True):
            if params == account or params.startswith(account + "-"):
                block = blocks[account].get(params[len(account) + 1 :])
                return params if block is None else f"{account} nights #{block}"
    return base.rsplit("::", 1)[0]


def make_scheduler(config: Any, log: Any, plan: RunPlan) -> object:
    """xdist's scope scheduling with the units of :func:`work_unit` (xdist imported here: the
    hook that calls this runs only under xdist)."""
    from xdist.scheduler import LoadScopeScheduling

    blocks = night_blocks(plan)
    # the units go out in collection order (see nights_together): the account's own checks
    # first, whose tree comparisons are the longest single tests, then the nights in order; xdist
    # would otherwise send the largest units (the night blocks) first and the long tests last
    config.option.loadscopereorder = False

    class NightBlockScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """Whole blocks of an account's nights per worker."""

        def __init__(self, config: Any, log: Any) -> None:
            super().__init__(config, log)
            self.positions: dict[Any, dict[str, int]] = {}

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid, blocks)

        def _assign_work_unit(self, node: Any) -> None:
            # as xdist's, with each test found by a dict instead of a list.index scan per test,
            # which for a year's ten thousand tests is quadratic
            scope, unit = self.workqueue.popitem(last=False)
            self.assigned_work.setdefault(node, {})[scope] = unit
            collection = self.registered_collections[node]
            if node not in self.positions:
                self.positions[node] = {nodeid: i for i, nodeid in enumerate(collection)}
            positions = self.positions[node]
            node.send_runtest_some([positions[n] for n, done in unit.items() if not done])

    return NightBlockScheduling(config, log)
