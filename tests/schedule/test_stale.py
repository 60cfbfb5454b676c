"""A run cut off between its claim and its record (the server stopped, the database went away)
would say "running" for ever and its slot would never run again; the tick records it as failed
and tells the centre, once."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.notifications.models import Notification
from laborwatch.schedule.models import JobRun
from laborwatch.schedule.runner import STALE_AFTER, abandon_stale_runs

from .conftest import tick_at

STARTED = dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def cut_off(org_units) -> JobRun:
    return JobRun.objects.create(job="morning", slot="2026-11-02", started_at=STARTED)


@pytest.mark.django_db
def test_a_run_in_hand_is_left_running(cut_off) -> None:
    assert abandon_stale_runs(STARTED + STALE_AFTER) == []

    cut_off.refresh_from_db()
    assert cut_off.status == JobRun.Status.RUNNING
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_tick_records_a_run_cut_off_as_failed_and_tells_the_centre_once(
    queue, cut_off, centre_staff
) -> None:
    later = STARTED + STALE_AFTER + dt.timedelta(minutes=1)

    tick_at(queue, later)
    tick_at(queue, later + dt.timedelta(minutes=1))

    cut_off.refresh_from_db()
    assert (cut_off.status, cut_off.finished_at) == (JobRun.Status.FAILED, later)
    assert cut_off.error == (
        "运行中断：开始 6 小时后仍记为运行中（其服务器已停止或与数据库失去连接）。"
    )
    told = Notification.objects.get(kind=Notification.Kind.RUN_FAILED)
    assert told.user == centre_staff
    assert "2026-11-02" in told.message
    # Its slot stays claimed: the morning is not run again behind the centre's back.
    assert JobRun.objects.filter(job="morning", slot="2026-11-02").count() == 1
