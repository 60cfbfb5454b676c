"""Two servers never run the same job twice, through the task library: two huey consumers,
each with its own huey instance, scheduler thread and worker threads, as two servers would
run them, share one queue (the SQLite default's file, or Redis DB 1). Both tick as they start
and both are told to run the same slot: the slot is claimed once and its job runs once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import redis
from django.db import OperationalError, connection

from laborwatch.schedule import tasks
from laborwatch.schedule.jobs import JOBS, Job
from laborwatch.schedule.models import JobRun
from laborwatch.schedule.tasks import TaskQueue, build_queue, start_consumer

NOW = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
SLOT = "2026-11-02"
# Redis for the test: DB 1 of the local server unless told otherwise.
REDIS_URL = os.environ.get("LABORWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@pytest.fixture(params=["sqlite", "redis"])
def shared_url(request, settings, tmp_path) -> str:
    if request.param == "sqlite":
        settings.DATA_DIR = tmp_path  # the default: tasks.sqlite3 under the data folder
        return ""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    return REDIS_URL


@pytest.fixture
def one_task_at_a_time_on_sqlite(monkeypatch) -> None:
    """The tests' SQLite database lives in memory with a shared cache, which refuses a query
    while another thread writes ("table is locked") where a file or PostgreSQL waits: the
    tasks of both consumers reach it one at a time there. They still race for the slot, and
    the second finds it claimed."""
    if connection.vendor != "sqlite":
        return
    lock = threading.Lock()
    database = tasks._database

    @contextmanager
    def one_at_a_time(huey) -> Iterator[None]:
        with lock, database(huey):
            yield

    monkeypatch.setattr(tasks, "_database", one_at_a_time)


def _until(
    check: Callable[[], bool], seconds: float, what: str, describe: Callable[[], object]
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {seconds} s: {describe()}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("one_task_at_a_time_on_sqlite")
def test_two_consumers_on_one_queue_run_a_slot_once(shared_url, monkeypatch) -> None:
    ran: list[str] = []

    def work(now: dt.datetime) -> dict:
        ran.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for the other server's run to try meanwhile
        return {"done": 1}

    for name in list(JOBS):
        monkeypatch.delitem(JOBS, name)
    monkeypatch.setitem(JOBS, "test", Job("test", "测试", lambda now: SLOT, work))

    name = f"laborwatch-test-{uuid.uuid4().hex}"
    queues: list[TaskQueue] = [build_queue(shared_url, name=name) for _ in range(2)]
    events: list[tuple[int, str, str]] = []  # (server, what, task)
    errors: list[BaseException] = []
    lock = threading.Lock()
    for server, queue in enumerate(queues):

        @queue.huey.signal()
        def record(what: str, task, *args, server: int = server) -> None:
            with lock:
                events.append((server, what, task.name))
                errors.extend(arg for arg in args if isinstance(arg, BaseException))

    def count(what: str, task: str, server: int | None = None) -> int:
        with lock:
            return sum(
                1
                for s, w, t in events
                if (w, t) == (what, task) and (server is None or s == server)
            )

    consumers = [start_consumer(queue, workers=2) for queue in queues]
    try:
        # Each server's tick runs as its consumer starts; both are told to run the slot too,
        # as their ticks at the same moment would.
        for queue in queues:
            queue.run_slot("test", SLOT, NOW)
        _until(
            lambda: (
                count("enqueued", "tick", 0) == count("enqueued", "tick", 1) == 1
                and count("complete", "tick") == 2
                and count("complete", "run_slot") + count("error", "run_slot")
                == count("enqueued", "run_slot")
            ),
            60,
            "tick from each server and every run task done",
            lambda: events,
        )
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)
        queues[0].huey.flush()

    assert count("complete", "run_slot") + count("error", "run_slot") >= 2  # both tried ...
    assert len(ran) == 1  # ... and the job itself once
    run = JobRun.objects.get()
    assert (run.job, run.slot, run.status, run.figures) == ("test", SLOT, "succeeded", {"done": 1})
    # The test's in-memory SQLite refuses a concurrent write at once ("table is locked")
    # where a file waits; such a run task is retried later (and would find the claim).
    assert all(isinstance(error, OperationalError) for error in errors), errors
    assert count("error", "tick") == 0


def test_a_consumer_inside_a_server_leaves_its_signal_handlers(
    tmp_path, settings, monkeypatch
) -> None:
    """huey's start sets handlers for its own run loop; inside `serve` the server's stay."""
    settings.DATA_DIR = tmp_path
    for name in list(JOBS):
        monkeypatch.delitem(JOBS, name)  # its tick finds nothing due

    def mine(number: int, frame: object) -> None:
        raise AssertionError("not called")

    def mine_too(number: int, frame: object) -> None:
        raise AssertionError("not called")

    # Both set here: an earlier test in the process (a Spark session) may have set SIGINT's.
    before = signal.signal(signal.SIGTERM, mine)
    before_int = signal.signal(signal.SIGINT, mine_too)
    try:
        consumer = start_consumer(build_queue("", name=f"laborwatch-test-{uuid.uuid4().hex}"))
        try:
            assert signal.getsignal(signal.SIGTERM) is mine
            assert signal.getsignal(signal.SIGINT) is mine_too
        finally:
            consumer.stop(graceful=True)
    finally:
        signal.signal(signal.SIGTERM, before)
        signal.signal(signal.SIGINT, before_int)
