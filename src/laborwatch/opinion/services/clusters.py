"""Correcting the clustering by hand: merge two events that tell one incident, split off the
posts that tell another. The near-duplicate index learns the correction (it is rebuilt from the
stored posts and their events), so later posts follow the events as they now are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.lib.transitions import save_change
from laborwatch.opinion.index import forget_event_index
from laborwatch.opinion.models import Event
from laborwatch.opinion.services.figures import refresh_figures
from laborwatch.opinion.services.loop import MAX_TEXT
from laborwatch.opinion.statuses import OPEN_STATUSES, EventStatus
from laborwatch.opinion.transitions import TABLE


def _reason(reason: str, what: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [what]})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": MAX_TEXT}]})
    return reason.strip()


def event_merge(
    *,
    source: Event,
    target: Event,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """Merge `source` into `target`: its posts move there and it stays as merged, with its
    history. Irreversible; returns the target with its figures recomputed."""
    now = now or timezone.now()
    if source.pk == target.pk:
        raise ValidationError({"target": [_("An event cannot be merged into itself.")]})
    reason = _reason(reason, _("Merging needs a reason."))
    with transaction.atomic():
        # Both rows, in key order, so that two merges of the same pair cannot deadlock.
        rows = {
            e.pk: e
            for e in Event.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        into = rows[target.pk]
        moved: list[int] = []

        def apply(e: Event) -> dict[str, object]:
            # Once the table has let the actor merge the source: the target must take it.
            if into.status not in OPEN_STATUSES:
                raise ValidationError(
                    {
                        "target": [
                            _("Event %(number)s is closed or merged itself.") % {"number": into}
                        ]
                    }
                )
            moved.append(_move_posts(e, into, now=now))
            return {"merged_into": into.number, "posts": moved[0]}

        locked = TABLE.take(
            source, "merge", actor, expected_version, now, reason=reason, apply=apply
        )
        _record_absorb(locked, into, moved[0], actor=actor, reason=reason, now=now)
        forget_event_index()
    return into


def _move_posts(source: Event, into: Event, *, now: dt.datetime) -> int:
    """Move the posts of `source` into `into` (both locked by the caller) and leave `source`
    pointing there, its assignment ended and its notices read: the units answer on `into`.
    Returns the posts moved; the caller sets the status and audits."""
    moved = source.posts.update(event=into)
    source.merged_into = into
    current = source.assignments.filter(ended_at=None).first()
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    source.notices.filter(read_at=None).update(read_at=now)
    refresh_figures(into, now=now)
    save_change(into, now=now)
    return moved


def _record_absorb(
    source: Event,
    into: Event,
    moved: int,
    *,
    actor: User | None,
    reason: str,
    now: dt.datetime,
    actor_label: str = "",
) -> None:
    record_event(
        actor=actor,
        actor_label=actor_label,
        action="opinion_event.absorb",
        target=into,
        org_unit=into.district,
        after={"absorbed": source.number, "posts": moved, "post_count": into.post_count},
        reason=reason,
        at=now,
    )


def absorb(
    source: Event,
    into: Event,
    *,
    actor: User | None,
    reason: str,
    now: dt.datetime,
    actor_label: str = "",
) -> int:
    """The intake's merge of two events that later posts tell as one (no user asked, so the
    transition table is not asked either): the posts of `source` move into `into` and
    `source` stays merged; both rows locked by the caller's transaction, audited on both.
    Returns the posts moved."""
    before = {"status": source.status}
    moved = _move_posts(source, into, now=now)
    source.status = EventStatus.MERGED
    save_change(source, now=now)
    record_event(
        actor=actor,
        actor_label=actor_label,
        action="opinion_event.merge",
        target=source,
        org_unit=source.district,
        before=before,
        after={"status": source.status, "merged_into": into.number, "posts": moved},
        reason=reason,
        at=now,
    )
    _record_absorb(
        source, into, moved, actor=actor, reason=reason, now=now, actor_label=actor_label
    )
    return moved


def event_split(
    *,
    event: Event,
    actor: User,
    post_ids: Collection[int],
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """Split the chosen posts off into a new event, to be verified on its own; returns it."""
    now = now or timezone.now()
    reason = _reason(reason, _("Splitting needs a reason."))
    with transaction.atomic():
        locked = TABLE.lock(event, "split", actor=actor, expected_version=expected_version)
        chosen = locked.posts.filter(pk__in=list(post_ids))
        count = chosen.count()
        if count == 0 or count != len(set(post_ids)):
            raise ValidationError({"posts": [_("Choose posts of this event to split off.")]})
        if count == locked.post_count:
            raise ValidationError(
                {"posts": [_("Leave at least one post in the event: choose fewer.")]}
            )
        first = chosen.order_by("published_at", "pk").first()
        assert first is not None  # count > 0
        split_off = Event.begun_by(first, now=now)
        chosen.update(event=split_off)
        refresh_figures(split_off, now=now)
        split_off.save()
        refresh_figures(locked, now=now)
        save_change(locked, now=now)
        record_event(
            actor=actor,
            action="opinion_event.split",
            target=locked,
            org_unit=locked.district,
            after={"split_off": split_off.number, "posts": count},
            reason=reason,
            at=now,
        )
        record_event(
            actor=actor,
            action="opinion_event.create",
            target=split_off,
            org_unit=split_off.district,
            after={"split_from": locked.number, "posts": count, "on_list": split_off.on_list},
            reason=reason,
            at=now,
        )
        forget_event_index()
    return split_off
