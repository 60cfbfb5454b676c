"""Leaders act on a work order (批示 / 督办): instruct with a deadline, sign for, report back,
close.

A leader instructs on an open case: the case becomes supervised, its resolution due by the
leader's deadline at the latest (a leader does not grant more time than the hotline's limit),
and whoever handles it finds the instruction in the inbox, the notifications and the timeline.
The handler signs for it and reports back; the leader reads the report and closes it. The SLA
sweep urges on the shortened resolution clock like any other, and on an instruction not
reported back by its deadline (services/sweep.py). Who may take each step is the transition
table's (cases/transitions.py); each step locks the case, asks the table and writes its audit
event in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.models import Case, InboxItem, Instruction, SlaStage
from laborwatch.cases.services.inbox import inbox_and_notify
from laborwatch.cases.sla import policy_for, refresh_clock
from laborwatch.cases.transitions import TABLE
from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.lib.instructions import check_instruction, check_report, open_instruction
from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import centre_users


def instruction_recipients(case: Case) -> list[User]:
    """Who must act on a leader's instruction: the case's handler, or while nobody handles it,
    everyone who may take it up (its district union's staff and the centre)."""
    if case.handler is not None and case.handler.is_active:
        return [case.handler]
    district_staff: list[User] = []
    if case.district_id is not None:
        district_staff = list(
            User.objects.filter(
                is_active=True, role=Role.DISTRICT_STAFF, org_unit_id=case.district_id
            ).order_by("pk")
        )
    return [*district_staff, *centre_users()]


def _supervise(case: Case, deadline: dt.datetime) -> bool:
    """Bring the case's resolution forward to the leader's deadline; True if it moved. A
    resolution clock already urged or escalated on its old deadline is urged again on the
    new one."""
    if deadline >= case.resolve_due:
        return False
    case.resolve_due = deadline
    if case.sla_stage == SlaStage.RESOLVE:
        case.urged_stage = case.escalated_stage = ""
    refresh_clock(case, policy_for(channel=case.channel, category=case.category))
    return True


def case_instruct(
    *,
    case: Case,
    actor: User,
    text: str,
    deadline: dt.datetime,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Instruction:
    """批示: the leader's instruction, to be reported on by `deadline`."""
    now = now or timezone.now()
    check_instruction(text=text, deadline=deadline, now=now)
    with transaction.atomic():
        locked = TABLE.lock(case, "instruct", actor=actor, expected_version=expected_version)
        instruction = Instruction.objects.create(
            case=locked, leader=actor, text=text.strip(), deadline=deadline, issued_at=now
        )
        resolve_due_before = locked.resolve_due
        if _supervise(locked, deadline):
            locked.version += 1
            locked.save()
        recipients = instruction_recipients(locked)
        message = _(
            "Leader's instruction on work order %(number)s: sign for it and report back by "
            "%(deadline)s."
        ) % {
            "number": locked.number,
            "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
        }
        inbox_and_notify(
            users=recipients,
            case=locked,
            kind=InboxItem.Kind.INSTRUCTION,
            notification_kind=Notification.Kind.INSTRUCTION,
            message=message,
            key=f"instruction:{instruction.pk}",
            urgent=True,
            now=now,
        )
        record_event(
            actor=actor,
            action="case.instruct",
            target=locked,
            org_unit=locked.district,
            before={"resolve_due": resolve_due_before.isoformat()},
            after={
                "deadline": deadline.isoformat(),
                "resolve_due": locked.resolve_due.isoformat(),
                "recipients": [user.get_username() for user in recipients],
            },
            reason=instruction.text,
            at=now,
        )
    return instruction


@transaction.atomic
def instruction_acknowledge(
    *,
    case: Case,
    actor: User,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Instruction:
    """签收: the handler has taken the instruction in; its notices are read."""
    now = now or timezone.now()
    locked = TABLE.lock(
        case, "instruction_acknowledge", actor=actor, expected_version=expected_version
    )
    instruction = open_instruction(locked.instructions.all())
    instruction.sign_for(actor=actor, now=now)
    InboxItem.objects.filter(
        case=locked, kind=InboxItem.Kind.INSTRUCTION, read_at=None, created_at__lte=now
    ).exclude(user=instruction.leader).update(read_at=now)
    record_event(
        actor=actor,
        action="case.instruction_acknowledge",
        target=locked,
        org_unit=locked.district,
        at=now,
    )
    return instruction


@transaction.atomic
def instruction_report(
    *,
    case: Case,
    actor: User,
    report: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Instruction:
    """反馈: what was done on the instruction, for the leader (signing for it if not yet)."""
    now = now or timezone.now()
    check_report(report)
    locked = TABLE.lock(case, "instruction_report", actor=actor, expected_version=expected_version)
    instruction = open_instruction(locked.instructions.all())
    instruction.report_back(actor=actor, report=report, now=now)
    message = _("%(person)s reported on your instruction on work order %(number)s.") % {
        "person": str(actor),
        "number": locked.number,
    }
    inbox_and_notify(
        users=[instruction.leader],
        case=locked,
        kind=InboxItem.Kind.INSTRUCTION,
        notification_kind=Notification.Kind.INSTRUCTION_REPORT,
        message=message,
        key=f"instruction:{instruction.pk}:report",
        now=now,
    )
    record_event(
        actor=actor,
        action="case.instruction_report",
        target=locked,
        org_unit=locked.district,
        after={"late": now > instruction.deadline},
        reason=instruction.report,
        at=now,
    )
    return instruction


@transaction.atomic
def instruction_close(
    *,
    case: Case,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Instruction:
    """办结: the leader has read the report; the case is no longer supervised (its deadlines
    stay as the instruction set them)."""
    now = now or timezone.now()
    locked = TABLE.lock(case, "instruction_close", actor=actor, expected_version=expected_version)
    instruction = open_instruction(locked.instructions.all())
    instruction.close(actor=actor, note=note, now=now)
    InboxItem.objects.filter(
        case=locked, kind=InboxItem.Kind.INSTRUCTION, user=actor, read_at=None
    ).update(read_at=now)
    record_event(
        actor=actor,
        action="case.instruction_close",
        target=locked,
        org_unit=locked.district,
        reason=instruction.closing_note,
        at=now,
    )
    return instruction
