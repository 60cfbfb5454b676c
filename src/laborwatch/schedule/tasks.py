"""The schedule's clock, queue and workers: huey (https://huey.readthedocs.io), a maintained
task library, on its public API.

What it does here:

- a periodic task, `tick`, every minute (huey's crontab): it records as failed, and tells the
  centre of, any run cut off mid-way hours ago (runner.abandon_stale_runs), then finds the jobs
  due now whose slot no server has claimed yet (runner.due_slots) and enqueues one `run_slot`
  task for each;
- `run_slot` runs on a worker: it claims the slot with the unique (job, slot) run row and runs
  the job (runner.run_job), so the run log, the failed-run notice and the exactly-once
  guarantee stay where they were. It is retried (RETRIES times, RETRY_SECONDS apart) when the
  claim or the record itself fails, the database being away; a job that fails is recorded as
  failed and not retried, since a half-done morning is the centre's to look at;
- a server that starts at 09:00 still runs the 07:30 morning of that day: the slots are the
  jobs' own (a morning slot is the day, from LABORWATCH_MORNING_AT on), not crontab times, and
  huey runs the tick as soon as a consumer starts.

Where it runs:

- embedded default: `laborwatch serve` starts a huey consumer (threads) in its own process
  (config/serve.py), on a queue in a SQLite file under LABORWATCH_DATA_DIR (tasks.sqlite3):
  nothing to install or run beside the server, as for the database. Several processes on one
  host can share that file;
- production: LABORWATCH_TASKS_URL=redis://host:6379/0 (RedisHuey) or postgres://…
  (PostgresHuey, on the psycopg the project already uses) gives one queue to several servers;
  `laborwatch worker` runs a consumer of its own (huey's consumer with its signal handling,
  SIGTERM finishing the tasks in hand) on as many hosts as wanted. Whichever server's worker
  claims a slot first runs it; the others skip it.

Why huey: of the maintained task libraries it is the one whose embedded default needs no
service (SQLite, or memory for tests with `immediate` mode) and whose Redis and PostgreSQL
backends share one queue between servers, with periodic tasks, retries and an in-process
consumer that can be started and stopped from Python (create_consumer, start, stop) inside a
web server. It has no dependency of its own (redis-py for Redis). The others weighed:
django-q2 (its ORM broker works on SQLite and PostgreSQL, but its cluster is a tree of
processes with their own signal handling, not something to run inside `serve` under waitress
or beside gunicorn's workers); APScheduler 3.x (its job stores must not be shared by several
processes, so it gives no multi-server schedule); procrastinate (PostgreSQL only, no SQLite
default); Celery (no SQLite or in-process broker fit for production, and beat is one more
process to run).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connections
from django.utils import timezone
from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from laborwatch.schedule.jobs import JOBS
from laborwatch.schedule.runner import abandon_stale_runs, due_slots, run_job

logger = logging.getLogger(__name__)

QUEUE_NAME = "laborwatch"
# A run whose claim or record failed (the database away) is tried again this often.
RETRIES = 3
RETRY_SECONDS = 60
# Threads of a consumer: the morning run takes minutes; the sweep should not wait for it.
WORKERS = 2
# A consumer asked to stop lets the tasks in hand finish for this long, then leaves them; each
# step of a job commits or rolls back on its own, and a slot claimed is not claimed again.
STOP_SECONDS = 8
# How often a consumer started inside `serve` checks that its threads are alive.
HEALTH_SECONDS = 10


@dataclass(frozen=True)
class TaskQueue:
    """A huey instance with the schedule's two tasks registered on it."""

    huey: Huey
    tick: Callable[[], Any]  # the periodic task: calling it enqueues a tick
    run_slot: Callable[[str, str, dt.datetime], Any]  # enqueues the run of one slot


def build_queue(url: str, *, name: str = QUEUE_NAME, immediate: bool = False) -> TaskQueue:
    """The queue at `url` (LABORWATCH_TASKS_URL): empty or sqlite:///path for a SQLite file,
    redis://… for Redis, postgres://… for PostgreSQL. `immediate` runs each task as it is
    enqueued, in the caller's thread, on an in-memory queue (tests)."""
    huey = _huey(url, name=name, immediate=immediate)

    @huey.periodic_task(crontab(minute="*"), name="tick")
    def tick() -> None:
        with _database(huey):
            now = timezone.now()
            abandon_stale_runs(now)
            for job, slot in due_slots(now):
                run_slot(job, slot, now)

    @huey.task(retries=RETRIES, retry_delay=RETRY_SECONDS, name="run_slot")
    def run_slot(job: str, slot: str, now: dt.datetime) -> None:
        with _database(huey):
            run_job(JOBS[job], slot, now)

    @huey.on_shutdown(name="close_database")
    def close_database() -> None:
        """A worker thread that stops closes its own database connections (each, not through
        connections.close_all, which tests keep from closing the test's own connection)."""
        for connection in connections.all(initialized_only=True):
            connection.close()

    return TaskQueue(huey=huey, tick=tick, run_slot=run_slot)


def _huey(url: str, *, name: str, immediate: bool) -> Huey:
    options: dict[str, Any] = {"results": False, "immediate": immediate}
    parts = urlsplit(url)
    if not url:
        return SqliteHuey(name, filename=str(Path(settings.DATA_DIR) / "tasks.sqlite3"), **options)
    if parts.scheme == "sqlite" and parts.path:
        return SqliteHuey(name, filename=unquote(parts.path), **options)
    if parts.scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name, url=url, **options)
    if parts.scheme in ("postgres", "postgresql"):
        return PostgresHuey(name, dsn=url, **options)
    raise ImproperlyConfigured(
        f"LABORWATCH_TASKS_URL 应为空（SQLite 默认）、sqlite:///路径、redis://… 或 "
        f"postgres://…，而不是 {url!r}"
    )


@contextmanager
def _database(huey: Huey) -> Iterator[None]:
    """A task on a consumer's thread opens the database as a request does, and drops a
    connection past its age or broken afterwards; in immediate mode it runs in the caller's
    connection and transaction, left as they are."""
    if not huey.immediate:
        close_old_connections()
    try:
        yield
    finally:
        if not huey.immediate:
            close_old_connections()


@functools.cache
def default_queue() -> TaskQueue:
    """The queue of this installation (LABORWATCH_TASKS_URL), built once per process."""
    return build_queue(settings.LABORWATCH_TASKS_URL)


def create_consumer(queue: TaskQueue, *, workers: int = WORKERS) -> Consumer:
    """A consumer of `queue`: its scheduler thread (the periodic tick) and `workers` worker
    threads. SIGTERM stops it gracefully when it runs on its own (`consumer.run()`)."""
    return queue.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
        shutdown_timeout=STOP_SECONDS,
        graceful_signal="TERM",
    )


_HANDLED = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])


def start_consumer(queue: TaskQueue, *, workers: int = WORKERS) -> Consumer:
    """Start a consumer inside a process that has its own signal handling (the web server, the
    schedule process beside gunicorn): huey's `start` installs the handlers its own `run` loop
    reads, which nothing reads here, so the process's handlers are put back. From the main
    thread, where Python lets signal handlers be set."""
    kept = {number: signal.getsignal(number) for number in _HANDLED}
    consumer = create_consumer(queue, workers=workers)
    consumer.start()
    for number, handler in kept.items():
        if handler is not None:  # None: a handler not set from Python, left as huey set it
            signal.signal(number, handler)
    return consumer


def keep_consumer(consumer: Consumer, stopped: Callable[[float], bool]) -> None:
    """Check the consumer's threads every HEALTH_SECONDS (a dead one is started again) until
    `stopped(timeout)` says to stop, then stop it, letting the tasks in hand finish for up to
    STOP_SECONDS."""
    try:
        while not stopped(HEALTH_SECONDS):
            consumer.check_worker_health()
    finally:
        consumer.stop(graceful=True)
