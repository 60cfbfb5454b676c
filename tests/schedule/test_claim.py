"""Two servers on one database: of two ticks claiming the same slot at the same moment, one
runs it; the other sees the claim and runs nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from laborwatch.schedule.jobs import Job
from laborwatch.schedule.models import JobRun
from laborwatch.schedule.runner import run_job

NOW = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_one_of_two_servers_runs_a_slot() -> None:
    ran: list[int] = []
    barrier = threading.Barrier(2)
    tried = threading.Semaphore(0)

    def work(now: dt.datetime) -> dict:
        ran.append(threading.get_ident())
        # The run is recorded once the other server has tried its claim: the test's in-memory
        # SQLite refuses a write while another is under way ("table is locked") where a file
        # or PostgreSQL waits, and the race under test is the claim's, not the record's.
        tried.acquire(timeout=10)
        return {"done": 1}

    job = Job("test", "测试", lambda now: "2026-11-02", work)

    def server() -> None:
        try:
            barrier.wait(timeout=10)
            run_job(job, "2026-11-02", NOW)
        finally:
            if threading.get_ident() not in ran:
                tried.release()  # this server's claim was refused
            connection.close()

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(ran) == 1
    run = JobRun.objects.get()
    assert (run.job, run.slot, run.status, run.figures) == (
        "test",
        "2026-11-02",
        "succeeded",
        {"done": 1},
    )
