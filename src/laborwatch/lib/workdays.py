"""Chinese working days: official holidays and make-up working days (调休).

Years the chinese-calendar package covers use its data. Later years (the State Council
publishes each year's plan in late autumn) use the overrides an administrator enters
(`core.CalendarOverride`, given to a `WorkingCalendar`) on top of Monday-to-Friday, and say so
in the log once, so a deadline is never silently computed on a calendar nobody checked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

import chinese_calendar

logger = logging.getLogger(__name__)

_warned_years: set[int] = set()


class WorkingCalendar:
    """The official calendar with the administrator's overrides: date → True for a working
    day, False for a holiday."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in _warned_years:
                _warned_years.add(day.year)
                logger.warning(
                    "no official holiday data for %s: using Monday-Friday plus overrides",
                    day.year,
                )
            return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be non-negative")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def subtract_working_days(self, end: dt.date, days: int) -> dt.date:
        """The working day `days` working days before `end` (for back-scheduling, 倒排工期)."""
        current = end
        remaining = days
        while remaining:
            current -= dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        while not self.is_working_day(current):
            current -= dt.timedelta(days=1)
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count
