"""Heat and grade of an event: the engine's formula (opinion/engine/heat.py, documented in its
data) on the event's posts, with the thresholds of the configuration (policy.py)."""

from __future__ import annotations

import datetime as dt

from laborwatch.opinion.engine.heat import DEFAULT_THRESHOLDS, Thresholds, grade, heat
from laborwatch.opinion.engine.heat import engagement as engine_engagement
from laborwatch.opinion.policy import GradeThresholds, grade_thresholds


def current_thresholds() -> GradeThresholds:
    """The grade thresholds now: the engine's defaults with LABORWATCH_OPINION's override."""
    return grade_thresholds(
        GradeThresholds(major=DEFAULT_THRESHOLDS.major, grave=DEFAULT_THRESHOLDS.grave)
    )


def engagement(*, reposts: int, comments: int, likes: int, views: int) -> float:
    """One post's engagement, as heat counts it."""
    return engine_engagement(reposts=reposts, comments=comments, likes=likes, views=views)


def heat_and_grade(
    *,
    engagement_now: float,
    engagement_24h_ago: float,
    first_seen: dt.datetime,
    now: dt.datetime,
    posts: int,
) -> tuple[float, str]:
    """The event's heat now and the grade that heat reaches."""
    value = heat(
        engagement_now=engagement_now,
        engagement_24h_ago=engagement_24h_ago,
        first_seen=first_seen,
        now=now,
        posts=posts,
    )
    limits = current_thresholds()
    return value, grade(value, Thresholds(major=limits.major, grave=limits.grave))
