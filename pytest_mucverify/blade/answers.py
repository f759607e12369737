"""What a Blade has already asked its host, so that no question goes to the host twice in a run.

A run asks the same small questions from many checks: whether ``.dfosrc_muc`` exists, where a
data folder resolves to, the folders of the product root, a night's log folder. Each answer (and
each failure: a missing file, a refused folder) is kept by the question, most recently used
last, and the oldest go once the kept answers weigh more than :data:`MAX_WEIGHT`: a listing
weighs its names, a file its KiB, anything else one. Memory stays that of a few tens of
thousands of small objects whatever the length of the run; bulk listings of whole trees are not
kept here but by whoever shares them (one per tree, see ``AccountUnderTest.listing``).

:func:`watch` lets a caller see every question that reaches a host (a command on a remote
blade, a system call on this machine): how the project proves no question is put twice.
"""

from __future__ import annotations

import contextlib
import copy
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

MAX_WEIGHT = 50_000
"""what the kept answers of one blade may weigh in all (names, KiB, single answers)."""

T = TypeVar("T")
Watcher = Callable[[str, str, tuple[Any, ...]], None]
_watchers: list[Watcher] = []


@contextlib.contextmanager
def watch(callback: Watcher) -> Iterator[None]:
    """Call ``callback(host, operation, arguments)`` for every question a Blade puts to its host
    while the block runs."""
    _watchers.append(callback)
    try:
        yield
    finally:
        _watchers.remove(callback)


def reached_host(host: str, operation: str, arguments: tuple[Any, ...]) -> None:
    """Tell the watchers that a question went to the host."""
    for callback in list(_watchers):
        callback(host, operation, arguments)


def weight_of(value: object) -> int:
    if isinstance(value, bytes):
        return 1 + len(value) // 1024
    if isinstance(value, (list, tuple, dict)):
        return 1 + len(value)
    return 1


class Answers:
    """One blade's answers and failures, by question, bounded by weight (least recently used
    first out)."""

    def __init__(self, max_weight: int = MAX_WEIGHT) -> None:
        self.max_weight = max_weight
        self.weight = 0
        self._kept: OrderedDict[Hashable, tuple[bool, Any, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(
        self,
        key: Hashable,
        ask: Callable[[], T],
        keep_failures: tuple[type[BaseException], ...],
        weigh: Callable[[Any], int] = weight_of,
    ) -> T:
        """The kept answer to the question, or ``ask()``'s, kept; a failure of one of the
        ``keep_failures`` kinds is kept and raised again each time the question comes back."""
        if key in self._kept:
            self._kept.move_to_end(key)
            failed, value, _ = self._kept[key]
            if failed:
                raise value.with_traceback(None)
            return value  # type: ignore[no-any-return]
        try:
            answer = ask()
        except keep_failures as exc:
            # a copy without the traceback, which would hold the failed call's frames
            self._keep(key, True, copy.copy(exc), 1)
            raise
        self._keep(key, False, answer, weigh(answer))
        return answer

    def _keep(self, key: Hashable, failed: bool, value: Any, weight: int) -> None:
        if weight > self.max_weight:
            return
        self._kept[key] = (failed, value, weight)
        self.weight += weight
        while self.weight > self.max_weight:
            _, (_, _, dropped) = self._kept.popitem(last=False)
            self.weight -= dropped
