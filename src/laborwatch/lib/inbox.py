"""Marking a user's inbox read, the same for every inbox (the notification centre's notices,
and open to the work orders' inbox and the public-opinion notices): one form posts the ids
of the rows to mark, or "all"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


def ids_to_mark(request: HttpRequest, field: str) -> list[int] | None:
    """The ids the form posted in `field`, or None when it asked for all."""
    if request.POST.get("all"):
        return None
    return [int(value) for value in request.POST.getlist(field) if value.isdigit()]


def mark_read(unread: QuerySet[M], *, ids: Iterable[int] | None, now: dt.datetime) -> int:
    """Mark these unread rows read (only those of `ids`, when given); returns how many."""
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=now)
