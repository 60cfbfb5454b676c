"""Heat from engagement, growth and age (data/heat.toml), and the grades it sets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laborwatch.opinion.engine.heat import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    engagement,
    grade,
    heat,
)

NOW = datetime(2026, 5, 2, 12, tzinfo=UTC)


def test_engagement_weighs_reposts_comments_likes_and_views() -> None:
    assert engagement(reposts=10, comments=5, likes=20, views=1000) == 70.0


def test_the_worked_example_of_the_data_file() -> None:
    value = heat(
        engagement_now=10_000,
        engagement_24h_ago=5_000,
        first_seen=NOW - timedelta(hours=24),
        now=NOW,
        posts=50,
    )
    assert value == 100.79
    assert grade(value) == "grave"


def test_heat_halves_its_reach_every_three_days_but_not_its_growth() -> None:
    fresh = heat(engagement_now=999, engagement_24h_ago=999, first_seen=NOW, now=NOW, posts=9)
    old = heat(
        engagement_now=999,
        engagement_24h_ago=999,
        first_seen=NOW - timedelta(hours=72),
        now=NOW,
        posts=9,
    )
    assert (fresh, old) == (40.0, 20.0)
    flaring = heat(
        engagement_now=1999,
        engagement_24h_ago=999,
        first_seen=NOW - timedelta(hours=72),
        now=NOW,
        posts=9,
    )
    assert flaring == 66.51


def test_nothing_yet_is_zero() -> None:
    assert heat(engagement_now=0, engagement_24h_ago=0, first_seen=NOW, now=NOW, posts=0) == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "general"), (64.99, "general"), (65.0, "major"), (84.99, "major"), (85.0, "grave")],
)
def test_default_grades(value: float, expected: str) -> None:
    assert Thresholds(major=65.0, grave=85.0) == DEFAULT_THRESHOLDS
    assert grade(value) == expected


def test_thresholds_from_configuration() -> None:
    assert grade(30.0, Thresholds(major=10.0, grave=30.0)) == "grave"
    with pytest.raises(ValueError):
        Thresholds(major=50.0, grave=40.0)
