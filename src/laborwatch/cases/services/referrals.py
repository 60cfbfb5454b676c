"""Referrals (转办 / 联动处置): hand a case to a department or district union, track the reply."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.models import Case, InboxItem, Referral
from laborwatch.cases.services.inbox import inbox_and_notify, inbox_notify
from laborwatch.cases.sla import end_of_working_day
from laborwatch.cases.transitions import TABLE
from laborwatch.core.audit import record_event
from laborwatch.core.calendar import add_working_days
from laborwatch.core.models import OrgUnit, User
from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import notify

ACKNOWLEDGE_WORKING_DAYS = 1
REPLY_WORKING_DAYS = 5


@transaction.atomic
def referral_create(
    *,
    case: Case,
    actor: User,
    to_unit: OrgUnit,
    request: str,
    reply_working_days: int = REPLY_WORKING_DAYS,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    now = now or timezone.now()
    if to_unit.kind not in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.DISTRICT):
        raise ValidationError({"to_unit": [_("Refer to a department or a district union.")]})
    case = TABLE.lock(case, "refer", actor=actor, expected_version=expected_version)
    if not request.strip():
        raise ValidationError({"request": [_("Say what the receiver is asked to do.")]})
    if (
        Referral.objects.filter(case=case, to_unit=to_unit)
        .exclude(state=Referral.State.REPLIED)
        .exists()
    ):
        raise ValidationError(
            {"to_unit": [_("This unit already has an open referral of the case.")]}
        )
    today = timezone.localtime(now).date()
    referral = Referral.objects.create(
        case=case,
        sent_at=now,
        to_unit=to_unit,
        request=request,
        sent_by=actor,
        acknowledge_due=end_of_working_day(add_working_days(today, ACKNOWLEDGE_WORKING_DAYS)),
        reply_due=end_of_working_day(add_working_days(today, reply_working_days)),
    )
    message = _("Work order %(number)s referred to %(unit)s: please sign for it.") % {
        "number": case.number,
        "unit": to_unit.label,
    }
    inbox_notify(
        users=to_unit.users.filter(is_active=True),
        case=case,
        kind=InboxItem.Kind.REFERRAL,
        message=message,
        now=now,
    )
    notify(
        kind=Notification.Kind.REFERRAL,
        message=message,
        key=f"referral:{referral.pk}",
        url=f"/cases/{case.number}/",
        org_units=[to_unit],
        now=now,
    )
    record_event(
        actor=actor,
        action="case.refer",
        target=case,
        org_unit=case.district,
        after={"to_unit": to_unit.code, "reply_due": referral.reply_due.isoformat()},
        reason=request,
        at=now,
    )
    return referral


def _lock_for_receiver(referral: Referral, actor: User) -> Referral:
    """The referral's row, locked until the transaction ends, once the actor is shown to act
    for its receiving unit."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if actor.org_unit_id != locked.to_unit_id or not actor.can_write:
        raise PermissionDenied(_("Only the receiving unit can act on this referral."))
    return locked


@transaction.atomic
def referral_acknowledge(
    *, referral: Referral, actor: User, now: dt.datetime | None = None
) -> Referral:
    now = now or timezone.now()
    locked = _lock_for_receiver(referral, actor)
    TABLE.lock(locked.case, "referral_acknowledge", actor=actor, expected_version=None)
    if locked.state != Referral.State.SENT:
        raise ValidationError(_("This referral has already been signed for."))
    locked.state = Referral.State.ACKNOWLEDGED
    locked.acknowledged_at = now
    locked.acknowledged_by = actor
    locked.save()
    InboxItem.objects.filter(
        case=locked.case, kind=InboxItem.Kind.REFERRAL, user__org_unit=locked.to_unit, read_at=None
    ).update(read_at=locked.acknowledged_at)
    record_event(
        actor=actor,
        action="case.referral_acknowledge",
        target=locked.case,
        org_unit=locked.case.district,
        after={"to_unit": locked.to_unit.code, "late": now > locked.acknowledge_due},
        at=now,
    )
    return locked


@transaction.atomic
def referral_reply(
    *, referral: Referral, actor: User, reply: str, now: dt.datetime | None = None
) -> Referral:
    now = now or timezone.now()
    locked = _lock_for_receiver(referral, actor)
    if locked.state == Referral.State.REPLIED:
        raise ValidationError(_("This referral has already been answered."))
    TABLE.lock(locked.case, "referral_reply", actor=actor, expected_version=None)
    if not reply.strip():
        raise ValidationError({"reply": [_("The reply is empty.")]})
    if locked.acknowledged_at is None:
        locked.acknowledged_at, locked.acknowledged_by = now, actor
    locked.state = Referral.State.REPLIED
    locked.replied_at, locked.replied_by, locked.reply = now, actor, reply
    locked.save()
    if locked.case.handler is not None:
        message = _("%(unit)s replied on work order %(number)s.") % {
            "unit": locked.to_unit.label,
            "number": locked.case.number,
        }
        inbox_and_notify(
            users=[locked.case.handler],
            case=locked.case,
            kind=InboxItem.Kind.REFERRAL,
            notification_kind=Notification.Kind.REPLY,
            message=message,
            key=f"reply:{locked.pk}",
            now=now,
        )
    record_event(
        actor=actor,
        action="case.referral_reply",
        target=locked.case,
        org_unit=locked.case.district,
        after={"to_unit": locked.to_unit.code, "late": now > locked.reply_due},
        reason=reply,
        at=now,
    )
    return locked
