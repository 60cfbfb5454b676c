"""Reporting periods: a run of whole local days (a month, a year, a custom range), the instants
that bound it, and the period it is compared with.

A period's days are Shanghai days; `bounds()` gives [first instant, first instant after) so a
filter on a timestamp counts the same rows as a filter on the local date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _shift_months(day: dt.date, count: int) -> dt.date:
    """The same day of the month `count` months away, clipped to that month's length."""
    first = add_months(day, count)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


@dataclass(frozen=True)
class Period:
    """Days `start` to `end`, both included. `kind` says how it was chosen (month, year or
    range), which decides the period it is compared with."""

    start: dt.date
    end: dt.date
    kind: str = "range"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def month(cls, month: dt.date, *, today: dt.date | None = None) -> Period:
        """The calendar month of `month`, up to `today` if the month is still running."""
        first = month.replace(day=1)
        last = add_months(first, 1) - dt.timedelta(days=1)
        if today is not None and first <= today < last:
            last = today
        return cls(first, last, "month")

    @classmethod
    def year(cls, year: int, *, today: dt.date | None = None) -> Period:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if today is not None and first <= today < last:
            last = today
        return cls(first, last, "year")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant of `start`, first instant after `end`) in Shanghai time."""
        after = self.end + dt.timedelta(days=1)
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=SHANGHAI),
            dt.datetime.combine(after, dt.time(), tzinfo=SHANGHAI),
        )

    def previous(self) -> Period:
        """What the period is compared with: the month or year before, over the same days of
        it when the period is a month or year to date; for a custom range, the range of the
        same length just before it."""
        if self.kind == "month":
            return Period(_shift_months(self.start, -1), _shift_months(self.end, -1), "month")
        if self.kind == "year":
            return Period(_shift_months(self.start, -12), _shift_months(self.end, -12), "year")
        length = dt.timedelta(days=self.days)
        return Period(self.start - length, self.end - length, "range")

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches, oldest first."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months

    def __str__(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": f"{self.start:%Y-%m-%d}",
            "end": f"{self.end:%Y-%m-%d}",
        }
