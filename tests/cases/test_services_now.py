"""Services take `now`: a call with an explicit time records exactly that time, whatever the
clock says (the demo replays months of history this way, without patching the clock)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from laborwatch.cases.models import CasePlan, InboxItem, Milestone, Referral
from laborwatch.cases.services import (
    case_accept,
    case_call_back,
    case_contact,
    case_give_feedback,
    case_intake,
    case_resolve,
    case_start_handling,
    milestone_complete,
    plan_create,
    referral_acknowledge,
    referral_create,
    referral_reply,
)
from laborwatch.core.models import AuditEvent, OrgUnit
from laborwatch.warnings.models import WarningEvent, WarningStep
from laborwatch.warnings.services import warning_acknowledge, warning_record_step
from laborwatch.workers.models import Worker
from tests.factories import make_enterprise
from tests.warnings.support import signal, sync

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday long past: far from the real clock, so a service reading the clock would show.
RECEIVED = dt.datetime(2024, 3, 4, 9, 0, tzinfo=SHANGHAI)


def at(minutes: int) -> dt.datetime:
    return RECEIVED + dt.timedelta(minutes=minutes)


def audit_times(action: str) -> list[dt.datetime]:
    return list(AuditEvent.objects.filter(action=action).values_list("at", flat=True))


def test_the_handling_loop_records_the_times_it_is_given(org_units, centre_staff, liaison):
    employer = make_enterprise(org_units["shinan"])
    case = case_intake(
        actor=centre_staff,
        channel="hotline_12351",
        caller_name="张三",
        caller_phone="13812345678",
        description="公司拖欠我三个月工资共18600元。",
        category="WAGE.ARREARS.MIGRANT",
        employer_credit_code=employer.credit_code,
        now=RECEIVED,
    ).case
    assert case.received_at == RECEIVED
    assert case.number == "GD20240304000001"
    assert Worker.objects.get(pk=case.worker_id).created_at == RECEIVED
    assert audit_times("case.create") == [RECEIVED]
    assert audit_times("worker.create") == [RECEIVED]

    case = case_accept(case=case, actor=centre_staff, now=at(10))
    case = case_contact(case=case, actor=centre_staff, worker_reached=True,
                        employer_reached=False, now=at(20))  # fmt: skip
    case = case_give_feedback(case=case, actor=centre_staff, note="已告知", now=at(30))
    case = case_start_handling(case=case, actor=centre_staff, method="mediation", now=at(40))
    plan = plan_create(
        case=case, actor=centre_staff, goal="追回工资", deadline=dt.date(2024, 3, 20), now=at(41)
    )
    referral = referral_create(
        case=case, actor=centre_staff, to_unit=org_units["hrss-inspection"], request="请核查",
        now=at(42),
    )  # fmt: skip
    referral = referral_acknowledge(referral=referral, actor=liaison, now=at(50))
    referral = referral_reply(referral=referral, actor=liaison, reply="已约谈", now=at(60))
    for milestone in Milestone.objects.filter(plan=plan):
        milestone_complete(milestone=milestone, actor=centre_staff, now=at(70))
    case = case_resolve(
        case=case,
        actor=centre_staff,
        wages_recovered=Decimal("18600"),
        workers_covered=1,
        method="mediation",
        union_role="led",
        note="已到账",
        now=at(80),
    )
    case = case_call_back(case=case, actor=centre_staff, satisfaction=5, now=at(90))

    assert (case.accepted_at, case.worker_contacted_at, case.feedback_at) == (
        at(10),
        at(20),
        at(30),
    )
    assert (case.handling_started_at, case.resolved_at, case.called_back_at) == (
        at(40),
        at(80),
        at(90),
    )
    assert CasePlan.objects.get(pk=plan.pk).created_at == at(41)
    # The plan's milestones are due back from the deadline, counted from the given day.
    assert set(Milestone.objects.filter(plan=plan).values_list("done_at", flat=True)) == {at(70)}
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.sent_at, referral.acknowledged_at, referral.replied_at) == (
        at(42),
        at(50),
        at(60),
    )
    assert referral.acknowledge_due == dt.datetime(2024, 3, 5, 23, 59, 59, tzinfo=SHANGHAI)
    assert set(InboxItem.objects.filter(case=case).values_list("created_at", flat=True)) == {
        at(42),
        at(60),
    }
    assert audit_times("case.accept") == [at(10)]
    assert audit_times("case.resolve") == [at(80)]
    assert audit_times("case.call_back") == [at(90)]
    assert audit_times("case.referral_acknowledge") == [at(50)]
    # Nothing was late: the times given, not the clock, decide.
    assert AuditEvent.objects.get(action="case.referral_reply").after == {
        "to_unit": "hrss-inspection",
        "late": False,
    }
    assert case.breached_stages == []


def test_warning_acknowledge_and_verify_record_the_times_they_are_given(registry, owner):
    routed = dt.datetime(2024, 3, 4, 6, 0, tzinfo=SHANGHAI)
    sync(routed.date(), signal(registry.shinan_enterprise, "orange"), now=routed)
    warning = registry.shinan_enterprise.warnings.get()
    assert (warning.created_at, warning.updated_at) == (routed, routed)
    assert set(WarningEvent.objects.values_list("at", flat=True)) == {routed}

    routing = warning.routings.get(org_unit=OrgUnit.objects.get(code="shinan"))
    signed = routing.acknowledge_due - dt.timedelta(hours=1)
    warning_acknowledge(routing=routing, actor=owner, now=signed)
    routing.refresh_from_db()
    warning.refresh_from_db()
    assert routing.acknowledged_at == signed
    assert warning.updated_at == signed
    assert audit_times("warning.acknowledge") == [signed]
    assert AuditEvent.objects.get(action="warning.acknowledge").after["late"] is False

    verified = signed + dt.timedelta(hours=3)
    step = warning_record_step(
        warning=warning,
        actor=owner,
        kind=WarningStep.Kind.VERIFICATION,
        outcome=WarningStep.Outcome.CONFIRMED,
        note="上门核实",
        now=verified,
    )
    assert step.at == verified
    assert audit_times("warning.verification") == [verified]
