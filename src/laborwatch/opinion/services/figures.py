"""An event's figures, derived from its posts: title, first seen, platforms, post count,
engagement now and over the last 24 hours, enterprise, district, category, workers, cues,
heat and grade; and the response clock the grade sets.

Called by every service that changes an event's posts (ingest, merge, split) and by the sweep
that lets heat decay. The grade is the highest the event has reached: it never falls with the
heat, since it set the response clock. The response clock starts as the event comes on the
list (its posts are mostly about labour) and is shortened, never lengthened, when the grade
rises before the response.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.db.models import Count, Sum

from laborwatch.core.models import OrgUnit
from laborwatch.opinion.grading import heat_and_grade
from laborwatch.opinion.models import GRADE_LEVEL, Event, Grade, Post, PostEngagement
from laborwatch.opinion.policy import response_clock

GROWTH_WINDOW = dt.timedelta(hours=24)
# An event is on the list when at least this share of its posts is about labour.
LABOUR_SHARE = 0.5
TITLE_LENGTH = 60


def title_of(post: Post) -> str:
    text = post.title.strip() or " ".join(post.text.split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"


def engagement_before(event: Event, moment: dt.datetime) -> float:
    """The event's posts' engagement as last reported at or before `moment` (0 for a post not
    seen by then)."""
    latest: dict[int, float] = {}
    snapshots = (
        PostEngagement.objects.filter(post__event=event, at__lte=moment)
        .order_by("post_id", "at", "pk")
        .values_list("post_id", "engagement")
    )
    for post_id, value in snapshots.iterator(chunk_size=5000):
        latest[post_id] = value
    return sum(latest.values())


def _most_common(values: Sequence[object]) -> object | None:
    """The value seen most often; ties go to the one seen first (values come in post order)."""
    counted = Counter(value for value in values if value)
    if not counted:
        return None
    best = max(counted.values())
    return next(value for value in values if value and counted[value] == best)


def refresh_figures(event: Event, *, now: dt.datetime, central_key: str | None = None) -> None:
    """Recompute the event's figures from its posts (on the instance; the caller saves).

    `central_key` is the post the clustering found most central (its title becomes the
    event's); by default the title stays, or is the earliest post's for a new event."""
    posts = list(
        event.posts.select_related("enterprise__district", "district").order_by(
            "published_at", "pk"
        )
    )
    if not posts:
        return
    event.post_count = len(posts)
    event.first_seen_at = posts[0].published_at
    event.last_seen_at = max(post.published_at for post in posts)
    event.first_platform = posts[0].platform
    event.platforms = list(dict.fromkeys(post.platform for post in posts))
    by_key = {post.key: post for post in posts}
    if central_key in by_key:
        event.title = title_of(by_key[central_key])
    elif not event.title:
        event.title = title_of(posts[0])
    labour = [post for post in posts if post.labour]
    event.on_list = len(labour) >= LABOUR_SHARE * len(posts)
    if not event.enterprise_confirmed:
        linked = _most_common([post.enterprise for post in posts])
        event.enterprise = linked if linked is not None else None  # type: ignore[assignment]
    named = _most_common([name for post in posts for name in post.organisations[:1]])
    event.enterprise_named = "" if event.enterprise else str(named or "")[:200]
    district = _most_common([post.district for post in posts])
    if district is None and event.enterprise is not None:
        district = event.enterprise.district
    event.district = district if isinstance(district, OrgUnit) else event.district
    event.category = str(_most_common([post.category for post in labour or posts]) or "")
    workers = [post.workers for post in posts if post.workers]
    event.workers_involved = max(workers) if workers else None
    cue_counts = Counter(cue for post in posts for cue in post.cues)
    event.cues = [cue for cue, _ in cue_counts.most_common()]
    event.escalation = max((post.escalation for post in posts), default=0.0)
    refresh_heat(event, posts=posts, now=now)


def refresh_heat(event: Event, *, now: dt.datetime, posts: Sequence[Post] | None = None) -> None:
    """Heat now (engagement, its growth over 24 hours, decay since first seen), the grade it
    reaches, and the response clock (on the instance; the caller saves). Without `posts`
    (new counts of known posts only), their engagement is summed in the database."""
    if posts is None:
        totals = event.posts.aggregate(engagement=Sum("engagement"), count=Count("pk"))
        engagement_now, count = float(totals["engagement"] or 0.0), totals["count"]
    else:
        engagement_now, count = sum(post.engagement for post in posts), len(posts)
    earlier = engagement_before(event, now - GROWTH_WINDOW)
    event.engagement = engagement_now
    event.recent_engagement = max(engagement_now - earlier, 0.0)
    event.heat, reached = heat_and_grade(
        engagement_now=engagement_now,
        engagement_24h_ago=earlier,
        first_seen=event.first_seen_at,
        now=now,
        posts=count,
    )
    event.post_count = count
    event.heat_at = now
    risen = GRADE_LEVEL[Grade(reached)] > GRADE_LEVEL[Grade(event.grade)]
    if risen:
        event.grade = reached
    if event.graded_at is None or risen:
        event.graded_at = now
    start_or_shorten_clock(event, now=now)


def start_or_shorten_clock(event: Event, *, now: dt.datetime) -> None:
    """Start the response clock of an event that has come on the list; shorten a running one
    whose grade now asks for an earlier response."""
    if not event.on_list or event.responded_at is not None or not event.is_open:
        return
    if event.clock_started_at is None:
        event.clock_started_at = now
        clock = response_clock(event.grade, now)
        event.response_due, event.response_yellow_at = clock.due, clock.yellow_at
        return
    clock = response_clock(event.grade, now)
    if event.response_due is None or clock.due < event.response_due:
        event.response_due, event.response_yellow_at = clock.due, clock.yellow_at
