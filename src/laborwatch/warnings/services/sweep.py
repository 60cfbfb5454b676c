"""The warnings' sweep: a routing not signed for by its deadline escalates, once; a leader's
instruction (督办) not reported on by its deadline is urged, once.

Runs beside the work-order SLA sweep (`laborwatch sla-sweep`, and every few minutes inside
`laborwatch serve`). The escalation is a warning event and an audit event; the warning board
lists escalated warnings for the centre and the leaders. The urge tells the units holding the
warning and the leader at once, and is an audit event on the warning's timeline. Running it
twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.audit import record_event
from laborwatch.core.models import AuditEvent
from laborwatch.lib.instructions import urge_overdue
from laborwatch.notifications.models import Notification
from laborwatch.notifications.reminders import sign_for_notification
from laborwatch.notifications.services import notifications_create, notify
from laborwatch.warnings.models import WarningEvent, WarningInstruction, WarningRouting
from laborwatch.warnings.services.instructions import (
    holding_units,
    instruction_key,
    instruction_url,
)


@dataclass
class WarningSweepResult:
    escalated: int = 0
    instructions_urged: int = 0


def warnings_sweep(*, now: dt.datetime | None = None) -> WarningSweepResult:
    now = now or timezone.now()
    return WarningSweepResult(
        escalated=_escalate_unsigned(now), instructions_urged=_urge_instructions(now)
    )


@transaction.atomic
def _escalate_unsigned(now: dt.datetime) -> int:
    overdue = list(
        WarningRouting.objects.select_for_update(of=("self",))
        .awaiting_signature()
        .filter(escalated_at=None, acknowledge_due__lt=now)
        .select_related("warning", "org_unit")
    )
    if not overdue:
        return 0
    today = timezone.localtime(now).date()
    for routing in overdue:
        routing.escalated_at = now
    WarningRouting.objects.bulk_update(overdue, ["escalated_at"])
    WarningEvent.objects.bulk_create(
        WarningEvent(
            warning=r.warning,
            kind=WarningEvent.Kind.OVERDUE,
            on=today,
            at=now,
            grade_before=r.warning.grade,
            grade_after=r.warning.grade,
            score=r.warning.score,
            district_id=r.warning.district_id,
            detail={"unit": r.org_unit.code, "due": r.acknowledge_due.isoformat()},
        )
        for r in overdue
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            actor=None,
            actor_label="sla-sweep",
            action="warning.overdue",
            target_type="warnings.warning",
            target_id=str(r.warning_id),
            target_label=str(r.warning),
            org_unit_id=r.warning.district_id,
            after={"unit": r.org_unit.code, "due": r.acknowledge_due.isoformat()},
        )
        for r in overdue
    )
    notifications_create(
        sign_for_notification(
            r,
            kind=Notification.Kind.SIGN_FOR_OVERDUE,
            message=_("Warning %(number)s was not signed for by %(due)s: sign for it now."),
            key="overdue",
            urgent=True,
            now=now,
        )
        for r in overdue
    )
    return len(overdue)


def _urge_instructions(now: dt.datetime) -> int:
    """An instruction not reported on by the leader's deadline: the units holding the warning
    are urged and the leader told, once."""

    def urge(instruction: WarningInstruction) -> None:
        warning = instruction.warning
        units = holding_units(warning)
        message = _(
            "Overdue: the leader's instruction on warning %(number)s was due %(due)s and "
            "has not been reported on."
        ) % {
            "number": warning,
            "due": timezone.localtime(instruction.deadline).strftime("%m-%d %H:%M"),
        }
        notify(
            kind=Notification.Kind.INSTRUCTION,
            message=message,
            key=instruction_key(instruction, "overdue"),
            url=instruction_url(warning),
            org_units=units,
            users=[instruction.leader],
            urgent=True,
            now=now,
        )
        record_event(
            actor=None,
            action="warning.instruction_urge",
            target=warning,
            org_unit=warning.district,
            actor_label="sla-sweep",
            at=now,
            after={
                "units": [unit.code for unit in units],
                "leader": instruction.leader.get_username(),
            },
        )

    instructions = WarningInstruction.objects.select_related("warning__district", "leader")
    return urge_overdue(instructions, now=now, urge=urge)
