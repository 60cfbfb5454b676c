"""The generation window: the months ending at `end_month`, their days, and the Spring Festival."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

# 春节 (first day of the lunar year); the calendar is lunar, so it is a table, not a formula.
SPRING_FESTIVAL = {
    2010: "2010-02-14", 2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10",
    2014: "2014-01-31", 2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28",
    2018: "2018-02-16", 2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12",
    2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29",
    2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
    2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31",
    2034: "2034-02-19", 2035: "2035-02-08",
}  # fmt: skip

# Wage arrears and disputes peak in the weeks before the Spring Festival, when migrant
# workers want their year's pay before going home.
PRE_FESTIVAL_DAYS = 45
PRE_FESTIVAL_RISE = 2.5


@dataclass(frozen=True)
class Window:
    """`count` consecutive months, oldest first, as numpy datetime64[M]."""

    months: np.ndarray

    @classmethod
    def ending(cls, end_month: str, count: int) -> Window:
        match = MONTH_PATTERN.match(end_month)
        if not match:
            raise ValueError(
                f"end_month must look like 2026-10 / 月份格式应为 YYYY-MM: {end_month!r}"
            )
        if count < 1:
            raise ValueError(f"months must be at least 1 / 月数至少为 1: {count}")
        last = np.datetime64(end_month, "M")
        months = last - np.arange(count - 1, -1, -1)
        first_year, last_year = int(str(months[0])[:4]), int(str(months[-1])[:4])
        if first_year - 1 < min(SPRING_FESTIVAL) or last_year + 1 > max(SPRING_FESTIVAL):
            raise ValueError(
                f"the window must lie within {min(SPRING_FESTIVAL) + 1}-{max(SPRING_FESTIVAL) - 1} "
                f"/ 月份超出春节日期表范围: {months[0]}..{months[-1]}"
            )
        return cls(months)

    @property
    def count(self) -> int:
        return len(self.months)

    @property
    def labels(self) -> list[str]:
        return [str(month) for month in self.months]

    @property
    def month_starts(self) -> np.ndarray:
        """First day of every month plus the day after the window (count + 1 values)."""
        return np.append(self.months, self.months[-1] + 1).astype("datetime64[D]")

    @property
    def first_day(self) -> np.datetime64:
        return self.month_starts[0]

    @property
    def last_day(self) -> np.datetime64:
        return self.month_starts[-1] - 1

    @property
    def calendar_months(self) -> np.ndarray:
        """Calendar month number 1..12 of every month of the window."""
        return self.months.astype(int) % 12 + 1

    def month_index(self, days: np.ndarray) -> np.ndarray:
        """Index in the window of the month holding each day (negative or ≥ count outside)."""
        return (days.astype("datetime64[M]") - self.months[0]).astype(np.int64)

    def month_end(self, index: np.ndarray | int) -> np.ndarray:
        """Last day of the window month `index` (which may lie outside the window)."""
        return (self.months[0] + index + 1).astype("datetime64[D]") - 1

    def festival_days(self) -> np.ndarray:
        """Spring Festival days from the year before the window to the year after."""
        first_year, last_year = int(str(self.months[0])[:4]), int(str(self.months[-1])[:4])
        years = range(first_year - 1, last_year + 2)
        return np.array([SPRING_FESTIVAL[year] for year in years], dtype="datetime64[D]")

    def festival_months(self) -> np.ndarray:
        """True for the months of the window that hold a Spring Festival."""
        return np.isin(self.months, self.festival_days().astype("datetime64[M]"))

    def after_festival_months(self) -> np.ndarray:
        """True for the month after a Spring Festival month (workers return late)."""
        return np.isin(self.months, self.festival_days().astype("datetime64[M]") + 1)

    def event_day_weights(
        self, first_day: np.datetime64, last_day: np.datetime64
    ) -> tuple[np.ndarray, np.ndarray]:
        """(days, probabilities) for an outbreak date between the two days inclusive."""
        days = np.arange(first_day, last_day + 1, dtype="datetime64[D]")
        weights = np.ones(len(days))
        for festival in self.festival_days():
            before = (days >= festival - PRE_FESTIVAL_DAYS) & (days < festival)
            weights[before] *= PRE_FESTIVAL_RISE
            holiday = (days >= festival) & (days < festival + 7)
            weights[holiday] *= 0.3
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        weights[weekday >= 5] *= 0.6
        return days, weights / weights.sum()


def days_between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniformly drawn day in [low, high] for each pair (datetime64[D] arrays)."""
    span = (high - low).astype(np.int64) + 1
    return low + np.floor(rng.random(len(span)) * span).astype(np.int64)


def month_label_array(window: Window, index: np.ndarray) -> np.ndarray:
    """'YYYY-MM' strings for month indices of the window (indices may lie outside it)."""
    return (window.months[0] + index).astype("datetime64[M]").astype(str)


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Dates (datetime64[D]) as integers such as 20260315."""
    days = days.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month_numbers = months.astype(np.int64) % 12 + 1
    day_numbers = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years * 10_000 + month_numbers * 100 + day_numbers
