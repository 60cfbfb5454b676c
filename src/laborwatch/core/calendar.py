"""The working-day calendar with the administrator's overrides loaded from the database.

Each process keeps the calendar for CALENDAR_CACHE_SECONDS (lib.process_cache). Saving or
deleting an override forgets it in that process at once (`overrides_changed`, connected in the
app config); every other process follows within that time. An override changes deadlines of
cases and milestones scheduled afterwards, days or weeks ahead: minutes do not matter.
"""

from __future__ import annotations

import datetime as dt

from laborwatch.core.models import CalendarOverride
from laborwatch.lib.process_cache import ProcessCache
from laborwatch.lib.workdays import WorkingCalendar

CALENDAR_CACHE_SECONDS = 300.0
_calendar: ProcessCache[None, WorkingCalendar] = ProcessCache(
    "working-day calendar", seconds=CALENDAR_CACHE_SECONDS
)


def overrides_changed(**signal_arguments: object) -> None:
    """Receiver of an override's save and delete (see ProcessCache.forget)."""
    _calendar.forget()


def working_calendar() -> WorkingCalendar:
    return _calendar.get(
        None,
        lambda: WorkingCalendar(
            dict(CalendarOverride.objects.values_list("day", "is_working_day"))
        ),
    )


def add_working_days(start: dt.date, days: int) -> dt.date:
    return working_calendar().add_working_days(start, days)


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    return working_calendar().subtract_working_days(end, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return working_calendar().working_days_between(start, end)
