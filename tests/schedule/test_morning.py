"""The day runs itself: with the clock moved to a morning, the schedule ingests the files
dropped into the inbox, scores, syncs the warnings, issues the daily reports and tells each
unit once, in the app and through a local receiver for each robot kind; each slot runs once;
a failed run is recorded and the centre told. The runs go through the task queue (huey in
immediate mode: its periodic tick, then a run task per due slot); `laborwatch run-jobs`
(cron) runs the same slots without it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from laborwatch.city_load import load_city
from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.notifications.models import Channel, Delivery, Notice, Notification
from laborwatch.reports.models import IssuedReport
from laborwatch.schedule.jobs import JOBS, waiting_files
from laborwatch.schedule.models import JobRun
from laborwatch.schedule.runner import run_due_jobs
from laborwatch.synth import generate
from laborwatch.warnings.models import Warning, WarningRouting
from tests.schedule.conftest import tick_at
from tests.schedule.receivers import receivers

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 11, 2, 7, 45, tzinfo=dt.timezone(dt.timedelta(hours=8)))
BEFORE_DAWN = MORNING.replace(hour=6)


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(out, enterprises=300, months=6, progress=False)
    return out


@pytest.fixture
def data_dir(tmp_path: Path, settings) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.LABORWATCH_INBOX = tmp_path / "data" / "inbox"
    return tmp_path / "data"


@pytest.fixture
def staffed(org_units, make_user, centre_staff, leader) -> dict[str, User]:
    return {
        "shinan": make_user("shinan-staff", Role.DISTRICT_STAFF, "shinan"),
        "huangdao": make_user("huangdao-staff", Role.DISTRICT_STAFF, "huangdao"),
        "laoshan": make_user("laoshan-staff", Role.DISTRICT_STAFF, "laoshan"),
    }


def test_slots_follow_the_clock(settings) -> None:
    settings.LABORWATCH_MORNING_AT = dt.time(7, 30)
    settings.LABORWATCH_MONTHLY_REPORT_DAY = 3
    assert JOBS["morning"].slot(BEFORE_DAWN) is None
    assert JOBS["morning"].slot(MORNING) == "2026-11-02"
    assert JOBS["monthly"].slot(MORNING) is None  # the 2nd: before the report day
    assert JOBS["monthly"].slot(MORNING.replace(day=3)) == "2026-10"
    assert JOBS["monthly"].slot(MORNING.replace(day=3, hour=7, minute=0)) is None
    assert JOBS["monthly"].slot(MORNING.replace(day=20)) == "2026-10"


def test_a_failed_morning_is_recorded_and_the_centre_told(
    queue, data_dir, org_units, centre_staff, leader
) -> None:
    runs = tick_at(queue, MORNING)
    assert [(run.job, run.slot, run.status) for run in runs] == [
        ("morning", "2026-11-02", "failed"),
        ("sweep", "2026-11-02 07:45", "succeeded"),
    ]
    assert runs[0].error  # why, in words
    told = Notification.objects.get(kind="run_failed")
    assert (told.user, told.urgent) == (centre_staff, True)
    # Once per slot: the next tick does not try again, nor does cron's `run-jobs`.
    assert [run.job for run in tick_at(queue, MORNING + dt.timedelta(minutes=5))] == ["sweep"]
    assert run_due_jobs(MORNING + dt.timedelta(minutes=6), only=["morning"]) == []
    assert JobRun.objects.filter(job="morning").count() == 1


def test_the_morning_runs_itself(
    queue, tiny_city, data_dir, staffed, org_units, client_for
) -> None:
    load_city(tiny_city, progress=False)
    shutil.copytree(tiny_city, data_dir / "inbox")  # the registry file and every feed
    with receivers("wecom", "dingtalk", "feishu") as robots:
        channel_of = {"shinan": "wecom", "huangdao": "dingtalk", "laoshan": "feishu"}
        for unit, kind in channel_of.items():
            Channel.objects.create(
                org_unit=org_units[unit],
                kind=kind,
                address=robots[kind].url,
                secret=robots[kind].secret if kind != "wecom" else "",
            )
        Channel.objects.create(org_unit=org_units["shinan"], kind="email", address="sn@example.cn")
        runs = tick_at(queue, MORNING)
        again = tick_at(queue, MORNING + dt.timedelta(minutes=5))

        by_job = {run.job: run for run in runs}
        assert {job: run.status for job, run in by_job.items()} == {
            "inbox": "succeeded",
            "morning": "succeeded",
            "sweep": "succeeded",
        }
        assert by_job["inbox"].figures["files_loaded"] > 0
        assert waiting_files() == []  # every file moved out of the inbox
        morning = by_job["morning"].figures
        assert morning["score_day"] == "2026-11-02"  # point in time: the morning's own day
        assert morning["warnings_opened"] == Warning.objects.count() > 0
        assert len(morning["daily_reports"]) == 11  # the city and each of its ten districts
        assert IssuedReport.objects.filter(kind="daily").count() == 11
        assert [run.job for run in again] == ["sweep"]  # nothing else runs twice

        # Every routed unit is told in the app; its members see it in their list.
        for unit in ("shinan", "huangdao", "laoshan"):
            routed = WarningRouting.objects.filter(org_unit=org_units[unit]).count()
            told = Notification.objects.filter(org_unit=org_units[unit], kind="warning_routed")
            assert told.count() == routed
            notices = Notice.objects.filter(user=staffed[unit])
            assert notices.filter(notification__kind="warning_routed").count() == routed
            assert notices.filter(notification__kind="report").count() == 1  # its own report
        # Each unit's robot got its digest once, signed as its vendor wants.
        for unit, kind in channel_of.items():
            digests = [m for m in robots[kind].messages if "每日汇总" in m]
            assert len(digests) == 1, (unit, robots[kind].messages)
            assert robots[kind].refused == []
        email = Delivery.objects.get(channel__kind="email", key="digest:2026-11-02")
        assert email.status == "sent"

    response = client_for(staffed["shinan"]).get("/notifications/")
    unread = response.context["unread_notices"]
    assert unread == Notice.objects.filter(user=staffed["shinan"], read_at=None).count() > 0
    assert f'<b class="badge-count">{unread}</b>' in response.content.decode()


def red_warning_delivery(channel: Channel) -> Delivery:
    """One urgent message waiting for the robot: a red warning pushed to the unit."""
    return Delivery.objects.create(
        channel=channel,
        subject="红色预警",
        body="预警 YJ0000001（红色）已推送本单位",
        key="notification:1",
        next_attempt_at=MORNING,
        created_at=MORNING,
    )


def test_a_robot_that_fails_is_tried_again_later(org_units, data_dir) -> None:
    from laborwatch.notifications.outbox import outbox_send

    with receivers("dingtalk") as robots:
        robots["dingtalk"].fail_first = 1
        channel = Channel.objects.create(
            org_unit=org_units["shinan"],
            kind="dingtalk",
            address=robots["dingtalk"].url,
            secret=robots["dingtalk"].secret,
        )
        delivery = red_warning_delivery(channel)
        assert outbox_send(now=MORNING) == {"sent": 0, "failed": 1}
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.next_attempt_at == MORNING + dt.timedelta(minutes=1)
        assert "310000" in delivery.last_error
        assert outbox_send(now=MORNING + dt.timedelta(seconds=30)) == {"sent": 0, "failed": 0}
        assert outbox_send(now=MORNING + dt.timedelta(minutes=1)) == {"sent": 1, "failed": 0}
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("sent", 2)
        assert robots["dingtalk"].messages == ["预警 YJ0000001（红色）已推送本单位"]


@pytest.mark.parametrize(("kind", "vendor_error"), [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_robot_refuses_a_wrong_signature(org_units, data_dir, kind, vendor_error) -> None:
    """The receivers verify what they are sent: a message signed with another secret is
    refused as the vendor refuses it, and the delivery is not taken for sent."""
    from laborwatch.notifications.outbox import outbox_send

    with receivers(kind) as robots:
        channel = Channel.objects.create(
            org_unit=org_units["shinan"],
            kind=kind,
            address=robots[kind].url,
            secret="SECsomeone-else",
        )
        delivery = red_warning_delivery(channel)
        assert outbox_send(now=MORNING) == {"sent": 0, "failed": 1}
        assert robots[kind].refused == ["预警 YJ0000001（红色）已推送本单位"]
        assert robots[kind].messages == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.sent_at) == ("pending", None)
    assert vendor_error in delivery.last_error


def test_the_run_log_is_the_centres(org_units, client_for, request) -> None:
    JobRun.objects.create(job="morning", slot="2026-11-02", status="failed", started_at=MORNING,
                          error="没有可评分的数据")  # fmt: skip
    JobRun.objects.create(job="sweep", slot="2026-11-02 07:45", status="succeeded",
                          started_at=MORNING, figures={"urged": 2, "escalated": 0})  # fmt: skip
    for persona, status in [("centre_staff", 200), ("admin_user", 200), ("auditor", 200),
                            ("leader", 404), ("owner", 404), ("liaison", 404)]:  # fmt: skip
        response = client_for(request.getfixturevalue(persona)).get("/runs/")
        assert response.status_code == status, persona
        if status == 200:
            page = response.content.decode()
            assert "没有可评分的数据" in page
            assert "催办工单：2" in page and "升级工单" not in page and "urged" not in page
