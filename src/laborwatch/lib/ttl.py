"""A per-process cache of rows read from the database, kept for a short time.

For what every request reads and almost never changes (API clients, SLA policies): a value
is read again after `seconds`; `forget` drops every value at once, and a read that began
before a forget is not kept after it (it may hold the rows as they were before the change).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import monotonic
from typing import Generic, TypeVar

from django.db import transaction

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._values: dict[K, tuple[V, float]] = {}
        self._generation = 0  # bumped by every forget

    def get(self, key: K, load: Callable[[], V | None]) -> V | None:
        """The value kept for `key`, or `load()` (kept unless None, which is not kept)."""
        now = monotonic()
        with self._lock:
            known = self._values.get(key)
            generation = self._generation
        if known is not None and now - known[1] < self.seconds:
            return known[0]
        value = load()
        with self._lock:
            if value is None:
                self._values.pop(key, None)
            elif generation == self._generation:
                self._values[key] = (value, now)
        return value

    def forget(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation += 1

    def forget_now_and_on_commit(self) -> None:
        """Forget now, for this thread's next read, and again when the changing transaction
        commits, for a read another thread made meanwhile from the rows before the change."""
        self.forget()
        transaction.on_commit(self.forget)
