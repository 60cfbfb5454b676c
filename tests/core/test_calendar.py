"""core.calendar: the administrator's overrides reach the deadlines of this process at once and
of every other process within CALENDAR_CACHE_SECONDS."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.core import calendar
from laborwatch.core.models import CalendarOverride
from laborwatch.lib import process_cache

NEW_YEAR = dt.date(2027, 1, 1)  # beyond the package's data: Monday-Friday plus overrides
MONDAY = dt.date(2027, 1, 4)


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(process_cache, "monotonic", lambda: now[0])
    return now


def test_an_override_saved_or_deleted_here_applies_at_once(db, clock):
    assert calendar.add_working_days(NEW_YEAR, 1) == MONDAY
    override = CalendarOverride.objects.create(day=MONDAY, is_working_day=False, note="调休")
    assert calendar.add_working_days(NEW_YEAR, 1) == dt.date(2027, 1, 5)
    override.delete()
    assert calendar.add_working_days(NEW_YEAR, 1) == MONDAY


def test_an_override_made_elsewhere_applies_within_the_cache_time(db, clock):
    assert calendar.add_working_days(NEW_YEAR, 1) == MONDAY
    # Another process's change: bulk_create sends no signal to this one.
    CalendarOverride.objects.bulk_create([CalendarOverride(day=MONDAY, is_working_day=False)])
    clock[0] += calendar.CALENDAR_CACHE_SECONDS - 1
    assert calendar.add_working_days(NEW_YEAR, 1) == MONDAY
    clock[0] += 1
    assert calendar.add_working_days(NEW_YEAR, 1) == dt.date(2027, 1, 5)
    assert calendar.subtract_working_days(dt.date(2027, 1, 5), 1) == NEW_YEAR
