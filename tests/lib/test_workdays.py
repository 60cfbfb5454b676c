"""Working days on the official calendar, make-up days, and administrator overrides."""

from __future__ import annotations

import datetime as dt

from laborwatch.lib import workdays


def test_national_day_and_its_make_up_saturday():
    assert workdays.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert workdays.add_working_days(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)
    assert workdays.subtract_working_days(dt.date(2026, 10, 8), 1) == dt.date(2026, 9, 30)
    assert workdays.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4


def test_overrides_apply_at_once_even_after_a_cached_answer():
    day = dt.date(2027, 1, 4)  # beyond the package's data: Monday-Friday plus overrides
    assert workdays.add_working_days(dt.date(2027, 1, 1), 1) == day
    try:
        workdays.set_overrides({day: False})
        assert workdays.add_working_days(dt.date(2027, 1, 1), 1) == dt.date(2027, 1, 5)
    finally:
        workdays.set_overrides({})
    assert workdays.add_working_days(dt.date(2027, 1, 1), 1) == day
