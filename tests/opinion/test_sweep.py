"""The response-clock sweep: urge at yellow, escalate at red and for assignments not signed
for, each once per deadline; alerts claimed once; heat left to decay."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.core.models import AuditEvent
from laborwatch.opinion.grading import heat_and_grade
from laborwatch.opinion.models import EventAlert, OpinionNotice, ResponseKind
from laborwatch.opinion.services import event_respond, opinion_sweep
from laborwatch.opinion.services.sweep import deliver_alerts, raise_alerts
from tests.opinion.support import T0, assigned, fresh, verified

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def head(make_user, org_units):
    user = make_user("head", "centre_staff")
    user.org_unit, user.is_unit_head = org_units["centre"], True
    user.save()
    return user


def notices(kind: str) -> list[tuple[str, str]]:
    return sorted(OpinionNotice.objects.filter(kind=kind).values_list("user__username", "message"))


def test_urge_at_yellow_then_escalate_at_red_each_once(event, centre_staff, head):
    assert opinion_sweep(now=T0 + HOUR).urged == 0
    first = opinion_sweep(now=T0 + 36 * HOUR)
    assert (first.urged, first.escalated) == (1, 0)
    message = f"催办：舆情事件 {event.number} 应于 03-07 10:00 前公开回应。"
    assert notices("urge") == [("centre", message), ("head", message)]
    again = opinion_sweep(now=T0 + 37 * HOUR)
    assert (again.urged, again.escalated) == (0, 0)
    late = opinion_sweep(now=T0 + 48 * HOUR + dt.timedelta(minutes=1))
    assert (late.urged, late.escalated) == (0, 1)
    assert notices("escalation") == [
        ("head", f"超时：舆情事件 {event.number} 未在 03-07 10:00 前回应。")
    ]
    audits = AuditEvent.objects.filter(target_id=str(event.pk), actor_label="sla-sweep")
    assert sorted(audits.values_list("action", flat=True)) == [
        "opinion_event.overdue",
        "opinion_event.urge",
    ]
    assert opinion_sweep(now=T0 + 60 * HOUR).escalated == 0


def test_a_responded_event_is_not_chased(event, setup_actor, make_user, head):
    desk = make_user("desk", "district_staff", "shinan")
    event = verified(event, setup_actor, desk)
    event_respond(
        event=event, actor=setup_actor, kind=ResponseKind.DECLINED, reason="已删帖", now=T0
    )
    result = opinion_sweep(now=T0 + 50 * HOUR)
    assert (result.urged, result.escalated) == (0, 0)
    assert not EventAlert.objects.exists()


def test_an_assignment_not_signed_for_in_time_goes_to_the_head(event, setup_actor, shinan, head):
    assigned(event, setup_actor, shinan)
    assert opinion_sweep(now=T0 + 23 * HOUR).unsigned == 0
    assert opinion_sweep(now=T0 + 25 * HOUR).unsigned == 1
    assert notices("escalation") == [
        ("head", f"市南区 未按时签收舆情事件 {event.number}（时限 03-06 10:00）。")
    ]
    assert opinion_sweep(now=T0 + 26 * HOUR).unsigned == 0


def test_each_alert_is_delivered_once(event, centre_staff, head):
    assert raise_alerts(T0 + 36 * HOUR) == 1
    assert raise_alerts(T0 + 36 * HOUR) == 0  # already raised: the constraint keeps one
    first = deliver_alerts(T0 + 36 * HOUR)
    second = deliver_alerts(T0 + 36 * HOUR)
    assert (first.urged, second.urged) == (1, 0)
    assert OpinionNotice.objects.count() == 2
    assert EventAlert.objects.get().processed == T0 + 36 * HOUR


def test_a_deadline_met_before_delivery_sends_nothing(event, setup_actor, make_user, head):
    desk = make_user("desk", "district_staff", "shinan")
    raise_alerts(T0 + 36 * HOUR)
    event = verified(event, setup_actor, desk)
    event_respond(event=event, actor=setup_actor, kind=ResponseKind.DECLINED, reason="已删帖",
                  now=T0 + 36 * HOUR)  # fmt: skip
    assert deliver_alerts(T0 + 36 * HOUR).urged == 0
    assert not OpinionNotice.objects.filter(kind="urge").exists()
    assert EventAlert.objects.get().processed is not None


def test_heat_decays_in_the_sweep(event):
    later = T0 + 30 * HOUR
    assert opinion_sweep(now=later).reheated == 1
    row = fresh(event)
    expected, _ = heat_and_grade(
        engagement_now=20.0,
        engagement_24h_ago=20.0,
        first_seen=row.first_seen_at,
        now=later,
        posts=2,
    )
    assert (row.heat, row.heat_at, row.version) == (expected, later, 1)
    # Not again within the hour.
    assert opinion_sweep(now=later + dt.timedelta(minutes=30)).reheated == 0
