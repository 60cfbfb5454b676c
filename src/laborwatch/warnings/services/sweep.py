"""The sign-for sweep: a routing not signed for by its deadline escalates, once.

Runs beside the work-order SLA sweep (`laborwatch sla-sweep`, and every few minutes inside
`laborwatch serve`). The escalation is a warning event and an audit event; the warning board
lists escalated warnings for the centre and the leaders. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.models import AuditEvent
from laborwatch.notifications.models import Notification
from laborwatch.notifications.reminders import sign_for_notification
from laborwatch.notifications.services import notifications_create
from laborwatch.warnings.models import WarningEvent, WarningRouting


@dataclass
class WarningSweepResult:
    escalated: int = 0


@transaction.atomic
def warnings_sweep(*, now: dt.datetime | None = None) -> WarningSweepResult:
    now = now or timezone.now()
    overdue = list(
        WarningRouting.objects.select_for_update(of=("self",))
        .awaiting_signature()
        .filter(escalated_at=None, acknowledge_due__lt=now)
        .select_related("warning", "org_unit")
    )
    if not overdue:
        return WarningSweepResult()
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
    return WarningSweepResult(escalated=len(overdue))
