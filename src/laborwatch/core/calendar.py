"""The working-day calendar with the administrator's overrides loaded from the database."""

from __future__ import annotations

import datetime as dt
import time

from laborwatch.core.models import CalendarOverride
from laborwatch.lib import workdays

REFRESH_SECONDS = 300
_loaded_at = 0.0


def refresh_overrides(*, force: bool = False) -> None:
    """Reload overrides at most every few minutes so every process sees an admin's change."""
    global _loaded_at
    if not force and time.monotonic() - _loaded_at < REFRESH_SECONDS:
        return
    workdays.set_overrides(dict(CalendarOverride.objects.values_list("day", "is_working_day")))
    _loaded_at = time.monotonic()


def add_working_days(start: dt.date, days: int) -> dt.date:
    refresh_overrides()
    return workdays.add_working_days(start, days)


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    refresh_overrides()
    return workdays.subtract_working_days(end, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    refresh_overrides()
    return workdays.working_days_between(start, end)
