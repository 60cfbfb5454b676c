"""Heat (热度) of an opinion event from engagement and its growth, decayed over time, and the
grade it sets (一般 / 较大 / 重大). The formula and its constants: data/heat.toml."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from laborwatch.opinion.engine.records import DATA

HEAT_FILE = DATA / "heat.toml"
GENERAL, MAJOR, GRAVE = "general", "major", "grave"  # 一般, 较大, 重大
GRADES = (GENERAL, MAJOR, GRAVE)


@cache
def _constants() -> dict[str, Any]:
    with HEAT_FILE.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Thresholds:
    major: float  # heat from which an event is 较大
    grave: float  # heat from which an event is 重大

    def __post_init__(self) -> None:
        if not 0 <= self.major <= self.grave:
            raise ValueError(f"thresholds must satisfy 0 ≤ major ≤ grave: {self}")


def default_thresholds() -> Thresholds:
    values = _constants()["thresholds"]
    return Thresholds(major=float(values["major"]), grave=float(values["grave"]))


DEFAULT_THRESHOLDS = default_thresholds()


def engagement(*, reposts: int, comments: int, likes: int, views: int) -> float:
    """One post's engagement: the one definition the list, the event page and heat use."""
    weights = _constants()["engagement"]
    return (
        reposts * weights["repost"]
        + comments * weights["comment"]
        + likes * weights["like"]
        + views * weights["view"]
    )


def heat(
    *,
    engagement_now: float,
    engagement_24h_ago: float,
    first_seen: datetime,
    now: datetime,
    posts: int,
) -> float:
    """An event's heat at `now` (data/heat.toml), rounded to 2 decimals."""
    constants = _constants()["heat"]
    age_hours = max(0.0, (now - first_seen).total_seconds() / 3600)
    decay = 0.5 ** (age_hours / constants["half_life_hours"])
    growth = max(0.0, engagement_now - engagement_24h_ago)
    value = (
        constants["reach"] * math.log10(1 + max(0.0, engagement_now)) * decay
        + constants["growth"] * math.log10(1 + growth)
        + constants["spread"] * math.log10(1 + max(0, posts)) * decay
    )
    return round(value, 2)


def grade(heat: float, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """ "grave" (重大), "major" (较大) or "general" (一般)."""
    if heat >= thresholds.grave:
        return GRAVE
    if heat >= thresholds.major:
        return MAJOR
    return GENERAL
