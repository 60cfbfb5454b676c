"""The timeline of a closed loop's object (a work order, a public-opinion event): its audit rows,
oldest first, each with the status it reached; `core/templates/timeline.html` shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise

from laborwatch.core.models import AuditEvent


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str
    label: str | Promise
    status: str | Promise
    reason: str


def timeline(
    subject: models.Model,
    statuses: type[models.TextChoices],
    *,
    actor: Callable[[AuditEvent], str],
    label: Callable[[AuditEvent, object], str | Promise] | None = None,
) -> list[TimelineEntry]:
    """The object's audit rows, oldest first. `actor` names who acted; `label` names the row
    given the status before it (default: the action's Chinese name)."""
    rows = AuditEvent.objects.filter(
        target_type=subject._meta.label_lower, target_id=str(subject.pk)
    ).select_related("actor__org_unit")
    entries = []
    for row in rows.order_by("at", "pk"):
        before = (row.before or {}).get("status")
        after = (row.after or {}).get("status")
        moved = isinstance(after, str) and after != before and after in statuses.values
        entries.append(
            TimelineEntry(
                at=row.at,
                actor=actor(row),
                label=label(row, before) if label else row.action_label,
                status=statuses(str(after)).label if moved else "",
                reason=row.reason,
            )
        )
    return entries
