"""A bulk step shared among forked processes: each worker inherits the parent's loaded models
(classifier, tagger, linker) at the fork instead of loading them again, and works through
slices of one list. POSIX only; `can_fork()` says whether this platform may."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Slices per worker: a few, so that a worker with easier texts takes another slice.
SLICES_PER_WORKER = 4

# What a forked worker works on: set in the parent just before the fork, read by the child.
_FORKED: dict[str, Any] = {}


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(
    work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], workers: int
) -> list[Result]:
    """`work` over slices of `items` in `workers` forked processes; its results in order."""
    _FORKED["work"], _FORKED["items"] = work, items
    size = -(-len(items) // (workers * SLICES_PER_WORKER)) or 1
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_work_on, bounds)
    finally:
        _FORKED.clear()
    return [result for part in parts for result in part]


def _work_on(bounds: tuple[int, int]) -> list[Any]:
    start, end = bounds
    return _FORKED["work"](_FORKED["items"][start:end])
