"""Writing notifications (in the producing service's transaction), delivering them (the
schedule's tick: claim, fan out to the unit's members, queue the urgent ones for the unit's
channels), the daily digest, and marking one's own notices read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.lib.inbox import mark_read
from laborwatch.notifications.models import Channel, Delivery, Notice, Notification

Kind = Notification.Kind


def notify(
    *,
    kind: str,
    message: str,
    key: str,
    now: dt.datetime,
    url: str = "",
    org_units: Iterable[OrgUnit | int] = (),
    users: Iterable[User] = (),
    urgent: bool = False,
) -> None:
    """One notification per unit and per user; a key already told to one of them is not told
    again (the unique constraints)."""

    def addressed(**addressee: object) -> Notification:
        return Notification(
            kind=kind,
            message=message[:300],
            url=url,
            urgent=urgent,
            key=key,
            created_at=now,
            **addressee,
        )

    rows = [
        addressed(org_unit_id=unit if isinstance(unit, int) else unit.pk) for unit in org_units
    ] + [addressed(user=user) for user in users]
    notifications_create(rows)


def notifications_create(rows: Iterable[Notification]) -> None:
    """Notifications made by a service, in one insert; a key already told to the same unit or
    user is skipped."""
    Notification.objects.bulk_create(list(rows), batch_size=1000, ignore_conflicts=True)


def centre_users() -> list[User]:
    """Who hears what concerns the centre: its active staff and the administrators."""
    return list(
        User.objects.filter(is_active=True, role__in=[Role.CENTRE_STAFF, Role.ADMIN]).order_by("pk")
    )


# --- delivery ------------------------------------------------------------------------------


def _members(notification: Notification) -> list[int]:
    if notification.user_id is not None:
        return [notification.user_id]
    return list(
        User.objects.filter(org_unit_id=notification.org_unit_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


def _queue(channels: Iterable[Channel], *, subject: str, body: str, key: str, now: dt.datetime):
    Delivery.objects.bulk_create(
        [
            Delivery(
                channel=channel,
                subject=subject,
                body=body,
                key=key,
                next_attempt_at=now,
                created_at=now,
            )
            for channel in channels
        ],
        ignore_conflicts=True,
    )


def notifications_deliver(*, now: dt.datetime) -> int:
    """Claim every unprocessed notification (one server each), give each member a notice and
    queue the urgent ones for the unit's channels; returns how many were delivered."""
    delivered = 0
    pending = Notification.objects.filter(processed=None).order_by("pk")
    for notification in pending.select_related("user")[:2000]:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notification.pk, processed=None).update(
                processed=now
            )
            if not claimed:
                continue  # another server has it
            Notice.objects.bulk_create(
                [Notice(user_id=pk, notification=notification) for pk in _members(notification)],
                ignore_conflicts=True,
            )
            if notification.urgent:
                unit = notification.org_unit_id or (
                    notification.user.org_unit_id if notification.user else None
                )
                _queue(
                    Channel.objects.filter(org_unit_id=unit, is_active=True),
                    subject=str(Notification.Kind(notification.kind).label),
                    body=notification.message,
                    key=f"notification:{notification.pk}",
                    now=now,
                )
        delivered += 1
    return delivered


def digests_queue(*, now: dt.datetime) -> int:
    """One digest per unit and day, on each of its channels: what the day told the unit."""
    today = timezone.localtime(now).date()
    since = now - dt.timedelta(days=1)
    queued = 0
    for unit in OrgUnit.objects.filter(channels__is_active=True).distinct():
        told = Notification.objects.filter(
            Q(org_unit=unit) | Q(user__org_unit=unit), created_at__gt=since, created_at__lte=now
        ).order_by("created_at", "pk")
        lines = [f"{i}. {n.message}" for i, n in enumerate(told[:50], 1)]
        if not lines:
            continue
        count = told.count()
        if count > len(lines):
            lines.append(_("… and %(more)d more in the app.") % {"more": count - len(lines)})
        subject = _("LaborWatch daily digest for %(unit)s, %(day)s: %(count)d items") % {
            "unit": unit.label,
            "day": f"{today:%Y-%m-%d}",
            "count": count,
        }
        _queue(
            Channel.objects.filter(org_unit=unit, is_active=True),
            subject=subject,
            body=subject + "\n" + "\n".join(lines),
            key=f"digest:{today:%Y-%m-%d}",
            now=now,
        )
        queued += 1
    return queued


def notices_mark_read(
    *, user: User, notice_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the user's own unread notices read (all of them when no ids are given)."""
    unread = Notice.objects.filter(user=user, read_at=None)
    return mark_read(unread, ids=notice_ids, now=now or timezone.now())
