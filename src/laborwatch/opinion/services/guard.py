"""Every action on a public-opinion event starts here: lock the row, check the version the user
saw, then ask the transition table (opinion/transitions.py) whether this user may act now."""

from __future__ import annotations

import datetime as dt

from laborwatch.core.models import User
from laborwatch.lib.transitions import lock_for
from laborwatch.opinion.errors import StaleEvent
from laborwatch.opinion.models import Event
from laborwatch.opinion.transitions import TABLE


def lock_event(*, event: Event, action: str, actor: User, expected_version: int | None) -> Event:
    """The event's row, locked until the caller's transaction ends, once the action is allowed.

    Call it inside the action's transaction. A stale version raises StaleEvent; the table's
    refusal raises PermissionDenied (who), InvalidEventTransition (status) or ValidationError.
    """
    return lock_for(
        Event,
        event.pk,
        table=TABLE,
        action=action,
        actor=actor,
        expected_version=expected_version,
        stale=StaleEvent,
    )


def save_event_change(event: Event, *, now: dt.datetime, fields: list[str] | None = None) -> None:
    """Save a change to a locked event: its version moves on, so a page loaded before the
    change is stale, and `updated_at` is `now`."""
    event.version += 1
    event.updated_at = now
    if fields is None:
        event.save()
    else:
        event.save(update_fields=[*fields, "version", "updated_at"])
