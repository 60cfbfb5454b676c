"""Notices about public-opinion events in the users' inboxes: sending them, marking one's own
read.

No audit event here: the service that sends a notice audits what it did, and reading a notice
changes no event (the notice rows keep read_at).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from laborwatch.core.models import OrgUnit, User
from laborwatch.opinion.models import Event, OpinionNotice


def notify(
    *, users: Iterable[User], event: Event, kind: str, message: str, now: dt.datetime
) -> int:
    """One unread notice of `kind` about the event for each user; how many were sent."""
    notices = [
        OpinionNotice(user=user, event=event, kind=kind, message=message, created_at=now)
        for user in users
    ]
    OpinionNotice.objects.bulk_create(notices)
    return len(notices)


def unit_staff(unit: OrgUnit) -> list[User]:
    """The active members of a unit who may act (those who sign for what it is sent)."""
    return [user for user in unit.users.filter(is_active=True).order_by("pk") if user.can_write]


def notices_mark_read(
    *, user: User, notice_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the user's unread notices read (all of them when no ids are given); how many."""
    now = now or timezone.now()
    notices = OpinionNotice.objects.filter(user=user, read_at=None)
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    return notices.update(read_at=now)
