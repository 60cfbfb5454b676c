"""The schedule's task queue in tests: huey in immediate mode (each task runs as it is
enqueued, in the test's thread and transaction), and a tick at a moment of the clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from laborwatch.schedule.models import JobRun
from laborwatch.schedule.tasks import TaskQueue, build_queue


@pytest.fixture
def queue() -> TaskQueue:
    return build_queue("", immediate=True)


def tick_at(queue: TaskQueue, when: dt.datetime) -> list[JobRun]:
    """The queue's periodic tick with the clock at `when`: the runs it made, in the job
    table's order."""
    with time_machine.travel(when, tick=False):
        queue.tick()
    return list(JobRun.objects.filter(started_at=when).order_by("pk"))
