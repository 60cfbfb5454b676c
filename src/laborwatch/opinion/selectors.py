"""Reads of the verification list: the filtered list ranked by heat, one event's posts, its
engagement curve and timeline, and what the inbox shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.lib.filters import lookups, status_q, within_q
from laborwatch.lib.timeline import TimelineEntry, timeline
from laborwatch.opinion.access import events_visible_to
from laborwatch.opinion.models import (
    Event,
    EventAssignment,
    OpinionNotice,
    Post,
    PostEngagement,
)
from laborwatch.opinion.statuses import OPEN_STATUSES, EventStatus

MAX_CURVE_POINTS = 240


@dataclass(frozen=True)
class EventFilters:
    status: str = ""  # a status, "open" (not closed), or "" for every one
    grade: str = ""
    district_code: str = ""
    platform: str = ""
    category: str = ""
    seen_from: dt.date | None = None
    seen_to: dt.date | None = None
    query: str = ""


def event_list(*, user: User, filters: EventFilters) -> QuerySet[Event]:
    """The verification list: events on the list the user may see, hottest first."""
    rows = (
        events_visible_to(user)
        .filter(on_list=True)
        .exclude(status=EventStatus.MERGED)
        .select_related("enterprise", "district", "assigned_unit")
    )
    rows = rows.filter(
        status_q(filters.status, OPEN_STATUSES),
        within_q(filters.category),
        **lookups(
            filters,
            grade="grade",
            district_code="district__code",
            seen_from="first_seen_at__date__gte",
            seen_to="first_seen_at__date__lte",
        ),
    )
    if filters.platform:
        rows = rows.filter(
            Exists(Post.objects.filter(event=OuterRef("pk"), platform=filters.platform))
        )
    query = filters.query.strip()
    if query:
        by_text = Q(title__contains=query) | Q(enterprise__name__contains=query)
        number = query.upper().removeprefix("YQ")
        if number.isdigit():
            by_text |= Q(pk=int(number))
        rows = rows.filter(by_text)
    return rows.order_by("-heat", "-pk")


def event_posts(event: Event) -> QuerySet[Post]:
    """The posts as a timeline, earliest first."""
    return event.posts.select_related("enterprise", "district").order_by("published_at", "pk")


def engagement_curve(event: Event) -> list[tuple[dt.datetime, float]]:
    """The event's total engagement at each moment its posts' counts were reported: each post
    counts with its latest report up to that moment. At most MAX_CURVE_POINTS points (evenly
    thinned, the last one always kept)."""
    latest: dict[int, float] = {}
    points: list[tuple[dt.datetime, float]] = []
    snapshots = (
        PostEngagement.objects.filter(post__event=event)
        .order_by("at", "pk")
        .values_list("at", "post_id", "engagement")
    )
    for at, post_id, value in snapshots.iterator(chunk_size=5000):
        latest[post_id] = value
        total = sum(latest.values())
        if points and points[-1][0] == at:
            points[-1] = (at, total)
        else:
            points.append((at, total))
    if len(points) > MAX_CURVE_POINTS:
        step = len(points) / (MAX_CURVE_POINTS - 1)
        thinned = [points[int(i * step)] for i in range(MAX_CURVE_POINTS - 1)]
        points = [*thinned, points[-1]]
    return points


def event_timeline(event: Event) -> list[TimelineEntry]:
    """The event's audit events, oldest first, with the status each reached."""
    return timeline(event, EventStatus, actor=lambda row: row.actor_display)


def assignments_to_verify(*, user: User) -> QuerySet[EventAssignment]:
    """Events the user's own unit must sign for or verify now, nearest sign-for deadline first
    (the inbox). Only for a user who may act for the unit."""
    if user.org_unit_id is None or not user.can_write:
        return EventAssignment.objects.none()
    return (
        EventAssignment.objects.filter(
            org_unit_id=user.org_unit_id,
            ended_at=None,
            event__status=EventStatus.VERIFYING,
        )
        .select_related("event__enterprise", "event__district")
        .order_by("acknowledge_due", "pk")
    )


def events_to_assign(*, user: User) -> QuerySet[Event]:
    """For the centre: events on the list that nobody is verifying yet, hottest first."""
    if user.role not in (Role.ADMIN, Role.CENTRE_STAFF) or not user.can_write:
        return Event.objects.none()
    return (
        Event.objects.filter(on_list=True, status=EventStatus.PENDING)
        .select_related("district")
        .order_by("-heat", "pk")
    )


def unread_notices(*, user: User) -> QuerySet[OpinionNotice]:
    return OpinionNotice.objects.filter(user=user, read_at=None).select_related("event")
