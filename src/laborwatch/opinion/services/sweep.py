"""The response-clock sweep: urge at yellow, escalate at red, chase assignments not signed for,
and let the heat of open events decay.

Runs beside the work-order and warning sweeps (`laborwatch sla-sweep`, and every few minutes
inside `laborwatch serve`). Deadlines found near or passed are written as `EventAlert` rows,
one per deadline (a unique constraint, not a check-then-act); the delivery claims each
unprocessed row with `filter(processed=None).update(...)`, so two sweeps running at once send
each notice once, then notifies and audits it. Running the sweep twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.services.sweep import centre_heads
from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.opinion.models import Event, EventAlert, EventAssignment, OpinionNotice
from laborwatch.opinion.services.figures import refresh_heat
from laborwatch.opinion.services.notices import notify
from laborwatch.opinion.statuses import OPEN_STATUSES

Kind = EventAlert.Kind
# Heat is refreshed for open events seen this recently, at most this often.
HEAT_DAYS = 30
HEAT_INTERVAL = dt.timedelta(hours=1)
HEAT_FIELDS = [
    "engagement",
    "recent_engagement",
    "heat",
    "heat_at",
    "grade",
    "graded_at",
    "clock_started_at",
    "response_due",
    "response_yellow_at",
]


@dataclass
class OpinionSweepResult:
    urged: int = 0
    escalated: int = 0
    unsigned: int = 0
    reheated: int = 0


def _alerted(kind: str, due_field: str) -> Exists:
    return Exists(
        EventAlert.objects.filter(event=OuterRef("pk"), kind=kind, due=OuterRef(due_field))
    )


def _clock_running() -> QuerySet[Event]:
    return Event.objects.filter(
        on_list=True, status__in=OPEN_STATUSES, responded_at=None, response_due__isnull=False
    )


def _response_alerts(kind: str, due_by: Q, now: dt.datetime) -> list[EventAlert]:
    """An alert of `kind` for each running response clock matching `due_by` that has none."""
    rows = (
        _clock_running()
        .filter(due_by)
        .exclude(_alerted(kind, "response_due"))
        .values_list("pk", "response_due")
    )
    return [
        EventAlert(event_id=pk, kind=kind, due=due, created_at=now)
        for pk, due in rows
        if due is not None  # _clock_running has a deadline
    ]


def raise_alerts(now: dt.datetime) -> int:
    """Write the alerts of the deadlines near or passed that have none yet; how many."""
    alerts = _response_alerts(Kind.URGE, Q(response_yellow_at__lte=now), now)
    alerts += _response_alerts(Kind.OVERDUE, Q(response_due__lt=now), now)
    unsigned = EventAssignment.objects.filter(
        ended_at=None,
        acknowledged_at=None,
        acknowledge_due__lt=now,
        event__status__in=OPEN_STATUSES,
    ).exclude(
        Exists(
            EventAlert.objects.filter(
                event=OuterRef("event"), kind=Kind.UNSIGNED, due=OuterRef("acknowledge_due")
            )
        )
    )
    alerts += [
        EventAlert(
            event_id=assignment.event_id,
            kind=Kind.UNSIGNED,
            due=assignment.acknowledge_due,
            assignment=assignment,
            created_at=now,
        )
        for assignment in unsigned
    ]
    # A sweep running at the same time may have written some: the constraint keeps one each.
    EventAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    return len(alerts)


def _centre_staff() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.CENTRE_STAFF).order_by("pk"))


def _still_applies(alert: EventAlert) -> bool:
    """A deadline met (or moved) between raising the alert and delivering it needs no notice."""
    event = alert.event
    if event.status not in OPEN_STATUSES:
        return False
    if alert.kind == Kind.UNSIGNED:
        assignment = alert.assignment
        return (
            assignment is not None
            and assignment.acknowledged_at is None
            and (assignment.ended_at is None)
        )
    return event.responded_at is None and event.response_due == alert.due


def _message(alert: EventAlert) -> str:
    event = alert.event
    due = timezone.localtime(alert.due).strftime("%m-%d %H:%M")
    if alert.kind == Kind.URGE:
        return _("Urge: public-opinion event %(number)s must be answered in public by %(due)s.") % {
            "number": event.number,
            "due": due,
        }
    if alert.kind == Kind.OVERDUE:
        return _("Overdue: public-opinion event %(number)s was not answered by %(due)s.") % {
            "number": event.number,
            "due": due,
        }
    assert alert.assignment is not None  # an unsigned alert names its assignment
    return _("%(unit)s has not signed for public-opinion event %(number)s (due %(due)s).") % {
        "unit": alert.assignment.org_unit.label,
        "number": event.number,
        "due": due,
    }


def deliver_alerts(now: dt.datetime) -> OpinionSweepResult:
    """Claim each unprocessed alert and notify its recipients: the centre's staff are urged,
    the centre heads told of a missed deadline."""
    result = OpinionSweepResult()
    heads = centre_heads()
    pending = EventAlert.objects.filter(processed=None).order_by("pk")
    for alert_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            if not EventAlert.objects.filter(pk=alert_id, processed=None).update(processed=now):
                continue  # another sweep claimed it
            alert = EventAlert.objects.select_related(
                "event__district", "assignment__org_unit"
            ).get(pk=alert_id)
            if not _still_applies(alert):
                continue
            urge = alert.kind == Kind.URGE
            recipients = _centre_staff() if urge else heads
            notify(
                users=recipients,
                event=alert.event,
                kind=OpinionNotice.Kind.URGE if urge else OpinionNotice.Kind.ESCALATION,
                message=_message(alert),
                now=now,
            )
            record_event(
                actor=None,
                actor_label="sla-sweep",
                action=f"opinion_event.{alert.kind}",
                target=alert.event,
                org_unit=alert.event.district,
                after={
                    "due": alert.due.isoformat(),
                    "recipients": [user.get_username() for user in recipients],
                },
                at=now,
            )
        if alert.kind == Kind.URGE:
            result.urged += 1
        elif alert.kind == Kind.OVERDUE:
            result.escalated += 1
        else:
            result.unsigned += 1
    return result


def refresh_open_heat(now: dt.datetime) -> int:
    """Heat decays with time: recompute it for the open events of the last HEAT_DAYS days not
    refreshed for HEAT_INTERVAL. A figure of the system's, so no new version for the users."""
    stale = Event.objects.filter(
        on_list=True,
        status__in=OPEN_STATUSES,
        last_seen_at__gte=now - dt.timedelta(days=HEAT_DAYS),
        heat_at__lte=now - HEAT_INTERVAL,
    )
    count = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=pk)
            refresh_heat(event, now=now)
            event.save(update_fields=HEAT_FIELDS)
        count += 1
    return count


def opinion_sweep(*, now: dt.datetime | None = None) -> OpinionSweepResult:
    now = now or timezone.now()
    raise_alerts(now)
    result = deliver_alerts(now)
    result.reheated = refresh_open_heat(now)
    return result
