"""The one cache of LaborWatch: values derived from the database, kept in process memory for a
bounded time.

Every value that a request would otherwise read or build again from rows that rarely change
lives in a `ProcessCache`: recognised API clients, SLA policies, the working-day calendar with
its overrides, the registry's linking index. Each cache has one way to forget, `forget()`: it
drops every value now, for this thread's next read, and again when the changing transaction
commits, for a read another thread made meanwhile from the rows before the change. A read
that began before a forget is not kept after it. `forget_all()` forgets every cache (tests).

Across processes (`laborwatch serve --processes N` runs N gunicorn workers, and the
`laborwatch` command is a process of its own) there is no message: a process that did not
make the change keeps its value until it is `seconds` old, then reads again. So every cache
states its age bound, and each use says why that bound is safe:

- API clients (`cases.api.auth`, 30 s): a revoked or re-issued token is refused at once by
  the process that revoked it and by every other process within 30 s; the `api-token`
  command says so to the operator.
- SLA policies (`cases.sla`, 60 s) and calendar overrides (`core.calendar`, 5 min): they set
  the deadlines of cases received afterwards; an administrator's change applies everywhere
  within that time, which deadlines counted in hours and working days do not notice.
- The registry's linking index (`enterprises.linker`, 10 min): the index on disk, opened
  memory-mapped, and the enterprises changed since it was built; it only proposes
  enterprises, and every proposal is checked against the registry as it is now before it is
  used.
- The registry's totals on the dashboard (`dashboard.figures`, 10 min): enterprises and
  workers under monitoring, stock figures that daily registry loads change.
- The command dashboards (`dashboard.selectors`, 60 s): the figures and charts of the city or
  of one union's district for a month or a year; a leader refreshing the home page within
  the minute reads the same figures, and a change shows on it within the minute.

Why not Django's cache framework: its process-local backend (locmem) pickles every value on
every read, which the linking index (arrays over the whole registry) cannot afford; its
shared backends cost a round trip to the database or a file per read, as much as the reads
they would save, and Redis or memcached are not on a laptop.
Constants that never change while a process runs (package data, trained models) use
`functools.cache` instead; they are not derived from the database and need no forgetting.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from time import monotonic
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

K = TypeVar("K")
V = TypeVar("V")

_every_cache: weakref.WeakSet[ProcessCache[Any, Any]] = weakref.WeakSet()


class ProcessCache(Generic[K, V]):
    """Values by key, each read again once `seconds` old; loads of one cache run one at a time,
    so a value costly to build (the linking index) is built once, not by every thread."""

    def __init__(self, name: str, *, seconds: float) -> None:
        self.name = name
        self.seconds = seconds
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._values: dict[K, tuple[V, float]] = {}
        self._generation = 0  # bumped by every forget
        _every_cache.add(self)

    def __repr__(self) -> str:
        return f"ProcessCache({self.name!r}, seconds={self.seconds})"

    def get(self, key: K, load: Callable[[], V]) -> V:
        """The value kept for `key`, or `load()`; a None from `load` is not kept (an unknown
        token may be issued the next moment)."""
        value = self._fresh(key)
        if value is not None:
            return value
        with self._loading:
            value = self._fresh(key)  # another thread may have loaded it meanwhile
            if value is not None:
                return value
            with self._lock:
                generation = self._generation
            loaded_at = monotonic()
            value = load()
            with self._lock:
                if value is None:
                    self._values.pop(key, None)
                elif generation == self._generation:
                    self._values[key] = (value, loaded_at)
            return value

    def forget(self) -> None:
        """Forget every value now and again when the current transaction commits (at once
        outside a transaction)."""
        self._clear()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._clear)

    def _fresh(self, key: K) -> V | None:
        with self._lock:
            known = self._values.get(key)
        if known is not None and monotonic() - known[1] < self.seconds:
            return known[0]
        return None

    def _clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation += 1


def forget_all() -> None:
    """Forget every cache of this process."""
    for cache in list(_every_cache):
        cache.forget()


def forget_on_change(
    model: type[models.Model], receiver: Callable[..., None], *, dispatch_uid: str
) -> None:
    """Call `receiver` (a cache's forget) after every save and delete of a `model` row. Cache
    upkeep, not domain flow: the admin edits such rows directly, outside the services."""
    post_save.connect(receiver, sender=model, dispatch_uid=f"{dispatch_uid}-save")
    post_delete.connect(receiver, sender=model, dispatch_uid=f"{dispatch_uid}-delete")
