"""The personal inbox: sending notices about a work order, marking one's own notices read.

No audit event here: the service that sends a notice audits what it did, reading a notice
changes no work order, and the notice rows keep read_at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from laborwatch.cases.models import Case, InboxItem
from laborwatch.core.models import User
from laborwatch.core.personal_text import bulk_create_masked
from laborwatch.notifications.services import notify


def inbox_mark_read(
    *, user: User, item_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the user's unread items read (all of them when no ids are given); returns how many."""
    now = now or timezone.now()
    items = InboxItem.objects.filter(user=user, read_at=None)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    return items.update(read_at=now)


def inbox_notify(
    *, users: Iterable[User], case: Case, kind: str, message: str, now: dt.datetime
) -> None:
    """One unread notice of `kind` about the case for each user, all saying `message`."""
    bulk_create_masked(
        InboxItem,
        (
            InboxItem(user=user, case=case, kind=kind, message=message, created_at=now)
            for user in users
        ),
    )


def inbox_and_notify(
    *,
    users: list[User],
    case: Case,
    kind: str,
    notification_kind: str,
    message: str,
    key: str,
    now: dt.datetime,
    urgent: bool = False,
) -> None:
    """A notice about the case in each user's inbox, and a notification (the app's list, email,
    the unit's robots) told once per `key`; the message carries masked forms only."""
    inbox_notify(users=users, case=case, kind=kind, message=message, now=now)
    notify(
        kind=notification_kind,
        message=message,
        key=key,
        url=f"/cases/{case.number}/",
        users=users,
        urgent=urgent,
        now=now,
    )
