"""The personal inbox: marking one's own notices read.

No audit event: reading a notice changes no work order, and the notice rows keep read_at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from laborwatch.cases.models import InboxItem
from laborwatch.core.models import User


def inbox_mark_read(
    *, user: User, item_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the user's unread items read (all of them when no ids are given); returns how many."""
    now = now or timezone.now()
    items = InboxItem.objects.filter(user=user, read_at=None)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    return items.update(read_at=now)
