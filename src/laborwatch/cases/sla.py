"""SLA clocks: which policy applies, the deadlines of a case, the clock running now.

Deadlines: acceptance and first contact within minutes, feedback to the worker within hours,
resolution within Chinese working days (holidays and 调休 make-up days), or by the superior's
own deadline for a 督办 case. The light is yellow once a share of the window has elapsed and
red once the deadline has passed.

Policies change rarely and every intake needs them, so each process keeps them for
POLICY_CACHE_SECONDS (lib.process_cache); saving or deleting one forgets them in this process
at once (`policy_changed`, connected in the app config), and every other process follows
within that time: a policy sets the deadlines of cases received afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laborwatch.cases.models import Case, Channel, SlaPolicy, SlaStage, Status
from laborwatch.core.calendar import add_working_days
from laborwatch.lib.process_cache import ProcessCache

# Which deadline runs while a case is in each status.
STAGE_BY_STATUS = {
    Status.RECEIVED: SlaStage.ACCEPT,
    Status.ACCEPTED: SlaStage.CONTACT,
    Status.CONTACTED: SlaStage.FEEDBACK,
    Status.FEEDBACK_GIVEN: SlaStage.RESOLVE,
    Status.IN_HANDLING: SlaStage.RESOLVE,
}
DUE_FIELD = {
    SlaStage.ACCEPT: "accept_due",
    SlaStage.CONTACT: "contact_due",
    SlaStage.FEEDBACK: "feedback_due",
    SlaStage.RESOLVE: "resolve_due",
}


POLICY_CACHE_SECONDS = 60.0
_policies: ProcessCache[None, list[SlaPolicy]] = ProcessCache(
    "SLA policies", seconds=POLICY_CACHE_SECONDS
)


def policy_changed(**signal_arguments: object) -> None:
    """Receiver of a policy's save and delete (see ProcessCache.forget)."""
    _policies.forget()


def _current_policies() -> list[SlaPolicy]:
    return _policies.get(None, lambda: list(SlaPolicy.objects.all()))


def policy_for(*, channel: str, category: str) -> SlaPolicy:
    """The most specific policy: channel + longest category prefix, then channel, then any.

    The policy returned may be shared with other calls: read it, never change it.
    """
    best: SlaPolicy | None = None
    best_rank = (-1, -1)
    for policy in _current_policies():
        if policy.channel and policy.channel != channel:
            continue
        prefix = policy.category_prefix
        if prefix and not (category == prefix or category.startswith(prefix + ".")):
            continue
        rank = (1 if policy.channel else 0, len(prefix))
        if rank > best_rank:
            best, best_rank = policy, rank
    return best or SlaPolicy()


def end_of_working_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


# Channels where the worker is met in person: first contact is made as the case is taken in.
CONTACTED_AT_INTAKE = frozenset({Channel.WALK_IN})


def set_deadlines(case: Case, policy: SlaPolicy) -> None:
    """The deadlines of a new case. A walk-in worker is at the desk: first contact is made
    at intake, so it is recorded then and no first-contact clock runs (acceptance moves the
    case straight on to feedback)."""
    received = case.received_at
    if case.channel in CONTACTED_AT_INTAKE:
        case.worker_contacted_at = received
    case.accept_due = received + dt.timedelta(minutes=policy.accept_minutes)
    case.contact_due = received + dt.timedelta(minutes=policy.contact_minutes)
    case.feedback_due = received + dt.timedelta(hours=policy.feedback_hours)
    if case.superior_deadline is not None:
        case.resolve_due = case.superior_deadline
    else:
        local_day = timezone.localtime(received).date()
        case.resolve_due = end_of_working_day(
            add_working_days(local_day, policy.resolve_working_days)
        )


def refresh_clock(case: Case, policy: SlaPolicy) -> None:
    """Point the case's running clock at the deadline of its current status."""
    stage = STAGE_BY_STATUS.get(Status(case.status))
    if stage is None:
        case.sla_stage, case.next_due_at, case.next_yellow_at = "", None, None
        return
    due: dt.datetime = getattr(case, DUE_FIELD[stage])
    window = due - case.received_at
    case.sla_stage = stage
    case.next_due_at = due
    case.next_yellow_at = case.received_at + window * policy.yellow_at_percent / 100


def record_breach(case: Case, now: dt.datetime) -> None:
    """Remember a missed deadline when the stage it guarded is completed late."""
    late = case.sla_stage and case.next_due_at is not None and now > case.next_due_at
    if late and case.sla_stage not in case.breached_stages:
        case.breached_stages = [*case.breached_stages, case.sla_stage]
