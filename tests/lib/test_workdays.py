"""Working days on the official calendar, make-up days, and administrator overrides."""

from __future__ import annotations

import datetime as dt

from laborwatch.lib.workdays import WorkingCalendar


def test_national_day_and_its_make_up_saturday():
    official = WorkingCalendar()
    assert official.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert official.add_working_days(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)
    assert official.subtract_working_days(dt.date(2026, 10, 8), 1) == dt.date(2026, 9, 30)
    assert official.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4


def test_overrides_apply_on_top_of_monday_to_friday():
    day = dt.date(2027, 1, 4)  # beyond the package's data: Monday-Friday plus overrides
    assert WorkingCalendar().add_working_days(dt.date(2027, 1, 1), 1) == day
    overridden = WorkingCalendar({day: False})
    assert overridden.add_working_days(dt.date(2027, 1, 1), 1) == dt.date(2027, 1, 5)
    assert overridden.is_working_day(day) is False
