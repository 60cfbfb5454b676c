"""Writing audit events: every state-changing service calls `record_event` in its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.utils import timezone

from laborwatch.core.models import AuditEvent, OrgUnit, User
from laborwatch.core.personal_text import keep_originals, masked_with_original


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_label: str = "",
    org_unit: OrgUnit | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str = "",
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audit row. `actor=None` means the system; give `actor_label` (e.g. a command).

    `at` is the time of the change: a service passes its `now`.

    Inside `events_batched()` the row is written with the batch's others when it closes.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_label = target_label or str(target)
    # A note or a reason may hold an ID number or a phone: stored masked, the original kept
    # encrypted for an audited reveal (core.personal_text).
    reason, original = masked_with_original(reason)
    event = AuditEvent(
        at=at or timezone.now(),
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label[:200],
        org_unit=org_unit,
        before=before,
        after=after,
        reason=reason,
    )
    if original is not None:
        event._original_reason = original  # type: ignore[attr-defined]
    pending = _batch.get()
    if pending is None:
        event.save(force_insert=True)
        _keep_original_reasons([event])
    else:
        pending.append(event)
    return event


def _keep_original_reasons(events: list[AuditEvent]) -> None:
    for event in events:
        original = getattr(event, "_original_reason", None)
        if original is not None:
            keep_originals(event, {"reason": original})


_batch: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def events_batched() -> Iterator[None]:
    """Write the events recorded inside in one INSERT as the block ends without an error.

    Open it just inside the `transaction.atomic()` of the changes it records (a hot path making
    several events, such as intake): events and changes commit or roll back together, as with
    `record_event` alone. A nested batch writes its own events when it ends.
    """
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        AuditEvent.objects.bulk_create(pending)
        _keep_original_reasons(pending)


def changed_fields(instance: models.Model, new_values: dict[str, Any]) -> tuple[dict, dict]:
    """The before/after pair of the fields in `new_values` that really change, JSON-ready."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in new_values.items():
        old = getattr(instance, field)
        if old != value:
            before[field] = jsonable(old)
            after[field] = jsonable(value)
    return before, after


def jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return str(value)
