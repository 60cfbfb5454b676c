"""一案一策: a plan per case with milestones scheduled back from the deadline (倒排工期)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.models import Case, CasePlan, HandlingMethod, Milestone
from laborwatch.cases.transitions import TABLE
from laborwatch.core.audit import record_event
from laborwatch.core.calendar import subtract_working_days
from laborwatch.core.models import User
from laborwatch.core.personal_text import bulk_create_masked


@dataclass(frozen=True)
class Step:
    title: str
    working_days_before_deadline: int


# Default steps per handling method; the handler edits titles, owners and dates freely.
TEMPLATES: dict[str, list[Step]] = {
    HandlingMethod.MEDIATION: [
        Step("核实劳动关系与欠薪事实，收集考勤、工资条等证据", 8),
        Step("约谈用人单位，明确支付方案", 5),
        Step("组织调解，签订调解协议", 3),
        Step("跟踪履行，确认工资到账", 0),
    ],
    HandlingMethod.JOINT: [
        Step("转人社监察或住建部门联动核查", 8),
        Step("联合约谈用人单位或总承包单位", 5),
        Step("督促清偿并确认到账", 0),
    ],
    HandlingMethod.LEGAL_AID: [
        Step("指派法律援助律师，准备仲裁申请材料", 8),
        Step("提交劳动人事争议仲裁申请", 5),
        Step("跟进仲裁或诉讼进展", 0),
    ],
    HandlingMethod.GUIDANCE: [
        Step("告知维权途径与所需材料", 2),
        Step("回访确认问题是否解决", 0),
    ],
}


@transaction.atomic
def plan_create(
    *,
    case: Case,
    actor: User,
    goal: str,
    deadline: dt.date,
    steps: list[tuple[str, User, int]] | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CasePlan:
    """Create the plan; each step is (title, owner, working days before the deadline)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    # The table refuses a second plan; the lock makes two planners wait for each other.
    case = TABLE.lock(case, "plan", actor=actor, expected_version=expected_version)
    if not goal.strip():
        raise ValidationError({"goal": [_("State the goal of the plan.")]})
    if deadline < today:
        raise ValidationError({"deadline": [_("The deadline has already passed.")]})
    if steps is None:
        template = TEMPLATES.get(case.handling_method or HandlingMethod.MEDIATION, [])
        steps = [(step.title, actor, step.working_days_before_deadline) for step in template]
    plan = CasePlan.objects.create(
        case=case, goal=goal, deadline=deadline, created_by=actor, created_at=now
    )
    bulk_create_masked(
        Milestone,
        (
            Milestone(
                plan=plan,
                title=title,
                owner=owner,
                order=index,
                due_on=max(subtract_working_days(deadline, days_before), today),
            )
            for index, (title, owner, days_before) in enumerate(steps)
        ),
    )
    record_event(
        actor=actor,
        action="case.plan",
        target=case,
        org_unit=case.district,
        after={"deadline": deadline.isoformat(), "milestones": len(steps)},
        reason=goal,
        at=now,
    )
    return plan


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, actor: User, note: str = "", now: dt.datetime | None = None
) -> Milestone:
    now = now or timezone.now()
    locked = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("plan__case")
        .get(pk=milestone.pk)
    )
    TABLE.lock(locked.plan.case, "milestone_done", actor=actor, expected_version=None)
    if locked.done_at is not None:
        raise ValidationError(_("This milestone is already done."))
    locked.done_at = now
    locked.save(update_fields=["done_at"])
    record_event(
        actor=actor,
        action="case.milestone_done",
        target=locked.plan.case,
        org_unit=locked.plan.case.district,
        after={
            "milestone": locked.title,
            "overdue": locked.due_on < timezone.localtime(now).date(),
        },
        reason=note,
        at=now,
    )
    return locked
