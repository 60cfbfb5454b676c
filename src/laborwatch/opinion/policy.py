"""The response clock's policy and the grade thresholds.

Response policy: an authoritative public response within 5 h for 重大, 24 h for 较大 and 48 h
for 一般, wall-clock hours; a unit asked to verify signs for the event within 1 h, 4 h or 24 h.
Administrators change these as `ResponsePolicy` rows (the admin site, like the SLA policies);
a grade without a row keeps its default. Each process keeps the rows for POLICY_CACHE_SECONDS
(lib.process_cache); a change is forgotten at once in the process that makes it
(`policy_changed`, connected in the app config) and within that time everywhere else: a
policy sets the clocks of events graded afterwards.

Grade thresholds (heat at which an event becomes 较大 and 重大) are configuration: the engine's
defaults, overridden by the environment variable LABORWATCH_OPINION (JSON, read into the
setting of that name), e.g. {"thresholds": {"major": 40, "grave": 150}}. A wrong override
stops `migrate`, `serve` and the commands with a message saying what is wrong (checks.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from laborwatch.lib.process_cache import ProcessCache
from laborwatch.opinion.models import Grade, ResponsePolicy

DEFAULT_RESPONSE_HOURS = {Grade.GRAVE: 5, Grade.MAJOR: 24, Grade.GENERAL: 48}
DEFAULT_ACKNOWLEDGE_HOURS = {Grade.GRAVE: 1, Grade.MAJOR: 4, Grade.GENERAL: 24}
DEFAULT_YELLOW_AT_PERCENT = 75

POLICY_CACHE_SECONDS = 60.0
_policies: ProcessCache[None, dict[str, ResponsePolicy]] = ProcessCache(
    "public-opinion response policies", seconds=POLICY_CACHE_SECONDS
)


def policy_changed(**signal_arguments: object) -> None:
    """Receiver of a policy's save and delete (see ProcessCache.forget)."""
    _policies.forget()


def response_policy(grade: str) -> ResponsePolicy:
    """The policy of a grade: its row, or the defaults. Read it, never change it."""
    rows = _policies.get(None, lambda: {row.grade: row for row in ResponsePolicy.objects.all()})
    found = rows.get(grade)
    if found is not None:
        return found
    return ResponsePolicy(
        grade=grade,
        response_hours=DEFAULT_RESPONSE_HOURS[Grade(grade)],
        acknowledge_hours=DEFAULT_ACKNOWLEDGE_HOURS[Grade(grade)],
        yellow_at_percent=DEFAULT_YELLOW_AT_PERCENT,
    )


@dataclass(frozen=True)
class Clock:
    due: dt.datetime
    yellow_at: dt.datetime


def response_clock(grade: str, started: dt.datetime) -> Clock:
    """The response deadline of an event of `grade` whose clock started at `started`."""
    policy = response_policy(grade)
    window = dt.timedelta(hours=policy.response_hours)
    return Clock(started + window, started + window * policy.yellow_at_percent / 100)


def acknowledge_due(grade: str, assigned_at: dt.datetime) -> dt.datetime:
    return assigned_at + dt.timedelta(hours=response_policy(grade).acknowledge_hours)


class ConfigurationError(ImproperlyConfigured):
    """LABORWATCH_OPINION is not a valid override; the message is for users (Chinese)."""


@dataclass(frozen=True)
class GradeThresholds:
    major: float
    grave: float


def grade_thresholds(defaults: GradeThresholds) -> GradeThresholds:
    """The thresholds: `defaults` (the engine's) with LABORWATCH_OPINION's override."""
    overrides: Any = getattr(settings, "LABORWATCH_OPINION", None) or {}
    if not isinstance(overrides, dict) or set(overrides) - {"thresholds"}:
        raise ConfigurationError("LABORWATCH_OPINION 只能包含 thresholds（热度等级阈值）")
    given = overrides.get("thresholds", {})
    if not isinstance(given, dict) or set(given) - {"major", "grave"}:
        raise ConfigurationError(
            'LABORWATCH_OPINION.thresholds 应为 {"major": 较大阈值, "grave": 重大阈值}'
        )
    values = {"major": defaults.major, "grave": defaults.grave}
    for name, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ConfigurationError(
                f"LABORWATCH_OPINION.thresholds.{name} 应为正数，实为 {value!r}"
            )
        values[name] = float(value)
    if values["major"] >= values["grave"]:
        raise ConfigurationError(
            "LABORWATCH_OPINION.thresholds：较大阈值（major）应低于重大阈值（grave），"
            f"实为 {values['major']:g} 与 {values['grave']:g}"
        )
    return GradeThresholds(**values)
