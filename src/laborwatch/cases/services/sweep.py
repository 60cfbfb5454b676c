"""The periodic SLA sweep: urge (催办) at yellow, escalate to the centre head at red, urge the
handler of a leader's instruction (督办) not reported back by its deadline and tell the leader.

Runs from `laborwatch sla-sweep` (cron) and inside `laborwatch serve` every few minutes.
Each urge and escalation happens once per stage and is recorded as an audit event and an
inbox item; running the sweep twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.models import (
    OPEN_STATUSES,
    Case,
    InboxItem,
    Instruction,
    Milestone,
    Referral,
)
from laborwatch.cases.services.inbox import inbox_and_notify, inbox_notify
from laborwatch.cases.services.instructions import instruction_recipients
from laborwatch.core.audit import record_event
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.lib.instructions import urge_overdue
from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import notify


@dataclass
class SweepResult:
    urged: int = 0
    escalated: int = 0
    referrals_escalated: int = 0
    milestones_flagged: int = 0
    instructions_urged: int = 0


def centre_heads() -> list[User]:
    heads = list(
        User.objects.filter(is_active=True, is_unit_head=True, org_unit__kind=OrgUnit.Kind.CENTRE)
    )
    return heads or list(User.objects.filter(is_active=True, role=Role.ADMIN))


def _centre_staff() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.CENTRE_STAFF))


def sla_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    heads = centre_heads()
    due_to_urge = Case.objects.filter(status__in=OPEN_STATUSES, next_yellow_at__lte=now)
    for case_id in due_to_urge.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("handler")
                .get(pk=case_id)
            )
            stage = case.sla_stage
            if not stage or case.status not in OPEN_STATUSES:
                continue
            late = case.next_due_at is not None and now > case.next_due_at
            if case.urged_stage != stage:
                _urge(case, now)
                result.urged += 1
            if late and case.escalated_stage != stage:
                _escalate(case, heads, now)
                result.escalated += 1
    result.referrals_escalated = _sweep_referrals(heads, now)
    result.milestones_flagged = _sweep_milestones(now)
    result.instructions_urged = _sweep_instructions(now)
    return result


def _urge(case: Case, now: dt.datetime) -> None:
    message = _("Urge: work order %(number)s — %(stage)s due %(due)s.") % {
        "number": case.number,
        "stage": case.get_sla_stage_display(),
        "due": timezone.localtime(case.next_due_at).strftime("%m-%d %H:%M"),
    }
    _notify_stage(
        case,
        recipients=[case.handler] if case.handler else _centre_staff(),
        kind=InboxItem.Kind.URGE,
        message=message,
        stage_field="urged_stage",
        action="case.urge",
        now=now,
    )


def _escalate(case: Case, heads: list[User], now: dt.datetime) -> None:
    message = _("Overdue: work order %(number)s missed its %(stage)s deadline.") % {
        "number": case.number,
        "stage": case.get_sla_stage_display(),
    }
    _notify_stage(
        case,
        recipients=heads,
        kind=InboxItem.Kind.ESCALATION,
        message=message,
        stage_field="escalated_stage",
        action="case.escalate",
        now=now,
    )


def _notify_stage(
    case: Case,
    *,
    recipients: list[User],
    kind: str,
    message: str,
    stage_field: str,
    action: str,
    now: dt.datetime,
) -> None:
    """Send the case's SLA-stage notice, remember in `stage_field` that this stage had it (so
    it goes once) and audit it."""
    inbox_notify(users=recipients, case=case, kind=kind, message=message, now=now)
    red = kind == InboxItem.Kind.ESCALATION
    notify(
        kind=Notification.Kind.SLA_RED if red else Notification.Kind.SLA_YELLOW,
        message=message,
        key=f"case:{case.pk}:{action}:{case.sla_stage}",
        url=f"/cases/{case.number}/",
        users=recipients,
        urgent=red,
        now=now,
    )
    setattr(case, stage_field, case.sla_stage)
    case.save(update_fields=[stage_field])
    record_event(
        actor=None,
        action=action,
        target=case,
        org_unit=case.district,
        actor_label="sla-sweep",
        at=now,
        after={"stage": case.sla_stage, "recipients": [u.get_username() for u in recipients]},
    )


def _sweep_referrals(heads: list[User], now: dt.datetime) -> int:
    """A referral nobody signed for in time goes to the centre head, once."""
    count = 0
    unsigned = Referral.objects.filter(
        state=Referral.State.SENT, acknowledge_due__lt=now, escalated_at=None
    )
    for referral in unsigned.select_related("case", "to_unit"):
        message = _("%(unit)s has not signed for work order %(number)s.") % {
            "unit": referral.to_unit.label,
            "number": referral.case.number,
        }
        with transaction.atomic():
            inbox_notify(
                users=heads,
                case=referral.case,
                kind=InboxItem.Kind.ESCALATION,
                message=message,
                now=now,
            )
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at"])
            record_event(
                actor=None,
                action="case.referral_escalate",
                target=referral.case,
                org_unit=referral.case.district,
                actor_label="sla-sweep",
                at=now,
                after={"to_unit": referral.to_unit.code},
            )
        count += 1
    return count


def _sweep_milestones(now: dt.datetime) -> int:
    today = timezone.localtime(now).date()
    overdue = Milestone.objects.filter(
        done_at=None,
        overdue_notified_at=None,
        due_on__lt=today,
        plan__case__status__in=OPEN_STATUSES,
    )
    count = 0
    for milestone in overdue.select_related("plan__case", "owner"):
        case = milestone.plan.case
        with transaction.atomic():
            InboxItem.objects.create(
                user=milestone.owner,
                case=case,
                kind=InboxItem.Kind.MILESTONE,
                created_at=now,
                message=_("Milestone overdue on %(number)s: %(title)s")
                % {"number": case.number, "title": milestone.title},
            )
            milestone.overdue_notified_at = now
            milestone.save(update_fields=["overdue_notified_at"])
        count += 1
    return count


def _sweep_instructions(now: dt.datetime) -> int:
    """An instruction not reported back by the leader's deadline: its handlers are urged and
    the leader told, once."""

    def urge(instruction: Instruction) -> None:
        case = instruction.case
        recipients = instruction_recipients(case)
        message = _(
            "Overdue: the leader's instruction on work order %(number)s was due %(due)s "
            "and has not been reported on."
        ) % {
            "number": case.number,
            "due": timezone.localtime(instruction.deadline).strftime("%m-%d %H:%M"),
        }
        told = [*recipients, instruction.leader]
        inbox_and_notify(
            users=told,
            case=case,
            kind=InboxItem.Kind.URGE,
            notification_kind=Notification.Kind.INSTRUCTION,
            message=message,
            key=f"instruction:{instruction.pk}:overdue",
            urgent=True,
            now=now,
        )
        record_event(
            actor=None,
            action="case.instruction_urge",
            target=case,
            org_unit=case.district,
            actor_label="sla-sweep",
            at=now,
            after={"recipients": [user.get_username() for user in told]},
        )

    instructions = Instruction.objects.select_related("case__handler", "leader")
    return urge_overdue(instructions, now=now, urge=urge)
