"""The verification loop on one event: assign (with sign-for), sign for, verify, respond, close,
notes and the enterprise link. Disposal (处置) is in disposal.py, merge and split in clusters.py.

待核实 → 核实中 → 属实 / 部分属实 / 不属实 / 无法核实 → 处置 → 回应 → 办结. Which statuses each
action runs from, where it leads and who may take it is the transition table's
(opinion/transitions.py). Each call is the table's `take` (lib/transitions.py): it locks the
event, checks the version the user saw, asks the table, changes the event and writes an audit
event, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.models import OrgUnit, User
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.transitions import setting
from laborwatch.opinion.models import (
    Event,
    EventAssignment,
    OpinionNotice,
    ResponseKind,
    VerificationCheck,
)
from laborwatch.opinion.policy import acknowledge_due
from laborwatch.opinion.services.notices import notify, unit_staff
from laborwatch.opinion.statuses import VerificationResult
from laborwatch.opinion.transitions import TABLE

MAX_TEXT = 5000
MAX_CHANNEL = 100
# A response dated a little ahead of the server's clock is a clock difference, not the future.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
ASSIGNABLE_KINDS = (OrgUnit.Kind.DISTRICT, OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.CENTRE)


def _text(value: str, field: str, *, required: str = "") -> dict[str, list[str]]:
    """The errors of a free-text field: empty when `required` says why it may not be, too long."""
    if required and not value.strip():
        return {field: [required]}
    if len(value) > MAX_TEXT:
        return {field: [_("At most %(n)d characters.") % {"n": MAX_TEXT}]}
    return {}


def event_assign(
    *,
    event: Event,
    actor: User,
    org_unit: OrgUnit,
    request: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """Hand the event to a district union, a department or the centre to verify; the unit
    signs for it by the deadline of the event's grade. A new assignment ends the one before."""
    now = now or timezone.now()
    if org_unit.kind not in ASSIGNABLE_KINDS or not org_unit.is_active:
        raise ValidationError(
            {"org_unit": [_("Assign to a district union, a department or the centre.")]}
        )
    errors = _text(request, "request")
    if errors:
        raise ValidationError(errors)

    def apply(e: Event) -> dict[str, object]:
        current = e.assignments.select_for_update().filter(ended_at=None).first()
        if current is not None and current.org_unit_id == org_unit.pk:
            raise ValidationError({"org_unit": [_("The event is already assigned to this unit.")]})
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        # The centre verifying itself signs for it as it assigns it.
        by_centre = org_unit.kind == OrgUnit.Kind.CENTRE
        assignment = EventAssignment.objects.create(
            event=e,
            org_unit=org_unit,
            request=request.strip(),
            assigned_by=actor,
            assigned_at=now,
            acknowledge_due=acknowledge_due(e.grade, now),
            acknowledged_at=now if by_centre else None,
            acknowledged_by=actor if by_centre else None,
        )
        e.assigned_unit = org_unit
        if not by_centre:
            notify(
                users=unit_staff(org_unit),
                event=e,
                kind=OpinionNotice.Kind.ASSIGNED,
                message=_(
                    "Public-opinion event %(number)s assigned to %(unit)s: sign for it by "
                    "%(due)s and verify it."
                )
                % {
                    "number": e.number,
                    "unit": org_unit.label,
                    "due": timezone.localtime(assignment.acknowledge_due).strftime("%m-%d %H:%M"),
                },
                now=now,
            )
        return {
            "unit": org_unit.code,
            "previous_unit": current.org_unit.code if current else None,
            "acknowledge_due": assignment.acknowledge_due.isoformat(),
        }

    return TABLE.take(
        event, "assign", actor, expected_version, now, reason=request.strip(), apply=apply
    )


def event_acknowledge(
    *,
    event: Event,
    actor: User,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """签收: the assigned unit signs for the event it is to verify."""
    now = now or timezone.now()

    def apply(e: Event) -> dict[str, object]:
        assignment = e.assignments.select_for_update().get(ended_at=None)
        assignment.acknowledged_at = now
        assignment.acknowledged_by = actor
        assignment.save(update_fields=["acknowledged_at", "acknowledged_by"])
        OpinionNotice.objects.filter(
            event=e,
            kind=OpinionNotice.Kind.ASSIGNED,
            user__org_unit_id=assignment.org_unit_id,
            read_at=None,
        ).update(read_at=now)
        return {"unit": assignment.org_unit.code, "late": now > assignment.acknowledge_due}

    return TABLE.take(event, "acknowledge", actor, expected_version, now, apply=apply)


def event_verify(
    *,
    event: Event,
    actor: User,
    result: str,
    checks: Sequence[str],
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """核实: record what was checked (the enterprise, the poster, a site visit, a department's
    reply) and what it found; the event takes the status of the finding."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if result not in VerificationResult.values:
        errors["result"] = [_("Choose what the verification found.")]
    unknown = [check for check in checks if check not in VerificationCheck.values]
    if unknown or not checks:
        errors["checks"] = [_("Say what was checked: at least one of the ways listed.")]
    errors |= _text(note, "note", required=_("Describe what the verification found."))
    if errors:
        raise ValidationError(errors)
    ordered = [check for check in VerificationCheck.values if check in checks]

    apply = setting(
        {"result": result, "checks": ordered},
        verification_result=result,
        verification_checks=ordered,
        verification_note=note.strip(),
        verified_at=now,
        verified_by=actor,
    )

    return TABLE.take(
        event,
        "verify",
        actor,
        expected_version,
        now,
        reason=note.strip(),
        apply=apply,
        leads_to=lambda e: result,
    )


def event_respond(
    *,
    event: Event,
    actor: User,
    kind: str,
    text: str = "",
    channel: str = "",
    published_at: dt.datetime | None = None,
    reason: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """回应: the public response (its text, where and when it was published), or a recorded
    decision not to respond with its reason. Either stops the response clock."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if kind == ResponseKind.PUBLISHED:
        errors |= _text(text, "text", required=_("Give the text of the public response."))
        if not channel.strip():
            errors["channel"] = [_("Say where the response was published.")]
        elif len(channel) > MAX_CHANNEL:
            errors["channel"] = [_("At most %(n)d characters.") % {"n": MAX_CHANNEL}]
        if published_at is None:
            errors["published_at"] = [_("Give the time the response was published.")]
        elif published_at > now + CLOCK_TOLERANCE:
            errors["published_at"] = [_("The time cannot be in the future.")]
    elif kind == ResponseKind.DECLINED:
        errors |= _text(reason, "reason", required=_("Give the reason for not responding."))
    else:
        errors["kind"] = [_("Choose whether a response was published.")]
    if errors:
        raise ValidationError(errors)
    responded_at = published_at if kind == ResponseKind.PUBLISHED else now
    assert responded_at is not None  # checked above

    def apply(e: Event) -> dict[str, object]:
        if responded_at < e.first_seen_at:
            raise ValidationError(
                {"published_at": [_("The response cannot come before the event was first seen.")]}
            )
        e.response_kind = kind
        e.response_text = text.strip() if kind == ResponseKind.PUBLISHED else ""
        e.response_channel = channel.strip() if kind == ResponseKind.PUBLISHED else ""
        e.response_reason = reason.strip() if kind == ResponseKind.DECLINED else ""
        e.responded_at = responded_at
        return {
            "kind": kind,
            "responded_at": responded_at.isoformat(),
            "on_time": e.responded_on_time,
        }

    return TABLE.take(
        event,
        "respond",
        actor,
        expected_version,
        now,
        reason=(text if kind == ResponseKind.PUBLISHED else reason).strip(),
        apply=apply,
    )


def event_close(
    *,
    event: Event,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """办结: the event leaves the open list; a (partly) true one only once it was disposed of."""
    now = now or timezone.now()
    errors = _text(note, "note")
    if errors:
        raise ValidationError(errors)

    return TABLE.take(
        event,
        "close",
        actor,
        expected_version,
        now,
        reason=note.strip(),
        apply=setting(closed_at=now),
    )


def event_add_note(
    *,
    event: Event,
    actor: User,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """A note on the event's timeline; it changes nothing on the event, so no new version."""
    errors = _text(note, "note", required=_("The note is empty."))
    if errors:
        raise ValidationError(errors)
    TABLE.note(
        event,
        actor=actor,
        note=note.strip(),
        expected_version=expected_version,
        now=now or timezone.now(),
    )


def event_link_enterprise(
    *,
    event: Event,
    actor: User,
    enterprise: Enterprise,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """Confirm (or correct) the enterprise the event is about; later posts keep it. An event
    without a district takes the enterprise's."""
    now = now or timezone.now()

    def apply(e: Event) -> dict[str, object]:
        previous = e.enterprise.credit_code if e.enterprise else None
        e.enterprise = enterprise
        e.enterprise_confirmed = True
        e.district = e.district or enterprise.district
        return {"enterprise": enterprise.credit_code, "previous_enterprise": previous}

    return TABLE.take(event, "link_enterprise", actor, expected_version, now, apply=apply)
