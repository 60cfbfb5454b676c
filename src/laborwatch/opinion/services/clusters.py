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
from laborwatch.opinion.index import forget_event_index
from laborwatch.opinion.models import Event
from laborwatch.opinion.services.figures import refresh_figures
from laborwatch.opinion.services.guard import lock_event, save_event_change
from laborwatch.opinion.services.loop import MAX_TEXT
from laborwatch.opinion.statuses import OPEN_STATUSES, EventStatus


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
        locked = lock_event(
            event=source, action="merge", actor=actor, expected_version=expected_version
        )
        into = rows[target.pk]
        if into.status not in OPEN_STATUSES:
            raise ValidationError(
                {"target": [_("Event %(number)s is closed or merged itself.") % {"number": into}]}
            )
        absorb(locked, into, actor=actor, reason=reason, now=now)
        forget_event_index()
    return into


def absorb(
    source: Event,
    into: Event,
    *,
    actor: User | None,
    reason: str,
    now: dt.datetime,
    actor_label: str = "",
) -> int:
    """Move the posts of `source` into `into` and leave `source` merged, both rows locked by
    the caller's transaction; audited on both. Returns the posts moved."""
    moved = source.posts.update(event=into)
    before = {"status": source.status}
    source.status = EventStatus.MERGED
    source.merged_into = into
    current = source.assignments.filter(ended_at=None).first()
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    # Its notices are moot: the units answer on the event it was merged into.
    source.notices.filter(read_at=None).update(read_at=now)
    save_event_change(source, now=now)
    refresh_figures(into, now=now)
    save_event_change(into, now=now)
    for target, after in (
        (source, {"status": source.status, "merged_into": into.number, "posts": moved}),
        (into, {"absorbed": source.number, "posts": moved, "post_count": into.post_count}),
    ):
        record_event(
            actor=actor,
            actor_label=actor_label,
            action="opinion_event.merge" if target is source else "opinion_event.absorb",
            target=target,
            org_unit=target.district,
            before=before if target is source else None,
            after=after,
            reason=reason,
            at=now,
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
        locked = lock_event(
            event=event, action="split", actor=actor, expected_version=expected_version
        )
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
        split_off = Event.objects.create(
            title="",
            first_seen_at=first.published_at,
            last_seen_at=first.published_at,
            first_platform=first.platform,
            heat_at=now,
            created_at=now,
            updated_at=now,
        )
        chosen.update(event=split_off)
        refresh_figures(split_off, now=now)
        split_off.save()
        refresh_figures(locked, now=now)
        save_event_change(locked, now=now)
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
