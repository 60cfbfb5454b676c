"""处置: what is done about a verified event. Open a work order on channel public_opinion
through the one intake service, join an existing work order, or attach the event to the
active warning of its enterprise. Each is the table's "dispose" action: the event moves to
disposed (one already responded to stays responded) and the disposal is recorded beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.models import Case, Channel
from laborwatch.cases.services import case_intake
from laborwatch.cases.statuses import LIVE_STATUSES as LIVE_CASE_STATUSES
from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.opinion.models import Event, EventDisposal
from laborwatch.opinion.statuses import EventStatus
from laborwatch.opinion.transitions import TABLE
from laborwatch.warnings.models import Warning
from laborwatch.warnings.statuses import ACTIVE_STATUSES as ACTIVE_WARNING_STATUSES

Kind = EventDisposal.Kind
MAX_NOTE = 5000


def _disposed(event: Event) -> str:
    """Where a disposal leads: disposed, unless the event was already answered in public."""
    return EventStatus.RESPONDED if event.status == EventStatus.RESPONDED else EventStatus.DISPOSED


def _check_note(note: str) -> None:
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [_("At most %(n)d characters.") % {"n": MAX_NOTE}]})


def _dispose(
    event: Event,
    actor: User,
    apply: Callable[[Event], dict[str, object]],
    *,
    note: str,
    expected_version: int | None,
    now: dt.datetime,
) -> Event:
    """The table's "dispose" action, with the measure `apply` records."""
    return TABLE.take(
        event,
        "dispose",
        actor,
        expected_version,
        now,
        reason=note.strip(),
        apply=apply,
        leads_to=_disposed,
    )


def _case_refusal(event: Event, case: Case) -> str | None:
    if case.status in LIVE_CASE_STATUSES:
        return None
    return _("Work order %(number)s was merged into another; join that one.") % {
        "number": case.number
    }


def _warning_refusal(event: Event, warning: Warning) -> str | None:
    if event.enterprise_id is None or warning.enterprise_id != event.enterprise_id:
        return _("Only a warning of the event's own enterprise can be chosen.")
    if warning.status not in ACTIVE_WARNING_STATUSES:
        return _("This warning is no longer active.")
    return None


@dataclass(frozen=True)
class Onto:
    """A disposal onto a work order or a warning that exists: the disposal's kind and field,
    why it may be refused, what a second one says, and the audit action on its own trail."""

    kind: str
    field: str
    refusal: Callable[[Event, Any], str | None]
    already: str | Promise
    action: str


JOIN_CASE = Onto(
    kind=Kind.JOIN_CASE,
    field="case",
    refusal=_case_refusal,
    already=gettext_lazy("The event is already on this work order."),
    action="case.opinion_join",
)
ATTACH_WARNING = Onto(
    kind=Kind.ATTACH_WARNING,
    field="warning",
    refusal=_warning_refusal,
    already=gettext_lazy("The event is already attached to it."),
    action="warning.opinion_attach",
)


def _dispose_onto(
    event: Event,
    actor: User,
    measure: Onto,
    onto: Case | Warning,
    *,
    note: str,
    expected_version: int | None,
    now: dt.datetime,
) -> Event:
    """Dispose of the event onto `onto`, locked, unless the measure refuses it; recorded beside
    the event and on the trail of what it was disposed onto."""
    field = measure.field

    def apply(e: Event) -> dict[str, object]:
        locked = type(onto)._default_manager.select_for_update().get(pk=onto.pk)
        refusal = measure.refusal(e, locked)
        if refusal is not None:
            raise ValidationError({field: [refusal]})
        if e.disposals.filter(**{field: locked}).exists():
            raise ValidationError({field: [str(measure.already)]})
        EventDisposal.objects.create(
            event=e, kind=measure.kind, note=note.strip(), actor=actor, at=now, **{field: locked}
        )
        record_event(
            actor=actor,
            action=measure.action,
            target=locked,
            org_unit=locked.district,
            after={"event": e.number},
            reason=note.strip(),
            at=now,
        )
        return {"measure": measure.kind, field: locked.number}

    return _dispose(event, actor, apply, note=note, expected_version=expected_version, now=now)


def event_open_case(
    *,
    event: Event,
    actor: User,
    caller_name: str,
    caller_phone: str,
    caller_id_number: str = "",
    description: str,
    category: str = "",
    employer_name: str = "",
    workers_involved: int | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """A work order for the event, received now on channel public_opinion, about its enterprise
    (or the employer named: as given, else as its posts name it) in its district. An event has
    no caller: the person who opens it enters the worker (or the workers' representative) met
    in verification."""
    now = now or timezone.now()
    _check_note(note)
    opened: list[Case] = []

    def apply(e: Event) -> dict[str, object]:
        result = case_intake(
            actor=actor,
            channel=Channel.PUBLIC_OPINION,
            caller_name=caller_name,
            caller_phone=caller_phone,
            caller_id_number=caller_id_number,
            description=description,
            category=category,
            employer_credit_code=e.enterprise.credit_code if e.enterprise else "",
            employer_name="" if e.enterprise else (employer_name.strip() or e.enterprise_named),
            workers_involved=workers_involved or e.workers_involved or 1,
            amount_claimed=Decimal("0"),
            district=e.district,
            now=now,
        )
        case = result.case
        EventDisposal.objects.create(
            event=e, kind=Kind.OPEN_CASE, case=case, note=note.strip(), actor=actor, at=now
        )
        opened.append(case)
        return {"measure": Kind.OPEN_CASE, "case": case.number}

    _dispose(event, actor, apply, note=note, expected_version=expected_version, now=now)
    return opened[0]


def event_join_case(
    *,
    event: Event,
    actor: User,
    case: Case,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """The event joins a work order already open about the same incident; the work order's
    timeline records it."""
    now = now or timezone.now()
    _check_note(note)
    return _dispose_onto(
        event, actor, JOIN_CASE, case, note=note, expected_version=expected_version, now=now
    )


def warnings_to_attach(event: Event) -> list[Warning]:
    """The active warnings of the event's enterprise, highest score first."""
    if event.enterprise_id is None:
        return []
    return list(
        Warning.objects.filter(
            enterprise_id=event.enterprise_id, status__in=ACTIVE_WARNING_STATUSES
        )
        .exclude(opinion_disposals__event=event)
        .order_by("-score", "pk")
    )


def event_attach_warning(
    *,
    event: Event,
    actor: User,
    warning: Warning,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """The event becomes evidence of its enterprise's active warning (the risk loop handles
    both together); the warning's audit trail records it."""
    now = now or timezone.now()
    _check_note(note)
    return _dispose_onto(
        event, actor, ATTACH_WARNING, warning, note=note, expected_version=expected_version, now=now
    )
