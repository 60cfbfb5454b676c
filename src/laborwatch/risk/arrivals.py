"""The arrival calendar of risk/data/arrivals.csv: when each feed's data reaches the store.

A department sends a month's data some days into the next month (social insurance around the
12th, wage accounts around the 25th), and an event some days after it happened (court filings
about a week). Scoring on a day D uses only what had arrived by D (definitions.known views),
so every stored row carries the day it arrived (feeds.ARRIVED_ON): the day it was loaded, or,
for a historical or synthetic load, the day this calendar says it would have come (never
after the load itself).

    arrivals.csv   feed, delivery, due_day, lag_days, note
                   delivery monthly: month M is due on `due_day` of month M+1;
                   delivery event: a row dated d is due `lag_days` after d;
                   delivery snapshot: due when loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.risk.mappings import DATA_DIR, read_rows

# A folder's own delivery days (relative file path, arrived_on), as `laborwatch synth` writes
# them for its late deliveries; `ingest --arrived calendar` reads it.
DELIVERIES_FILE = "deliveries.csv"

Delivery = Literal["monthly", "event", "snapshot"]
DELIVERIES: tuple[Delivery, ...] = ("monthly", "event", "snapshot")


@dataclass(frozen=True)
class Arrival:
    feed: str
    delivery: Delivery
    due_day: int = 1  # monthly: the day of the next month the month's data is due
    lag_days: int = 0  # event: days after the event
    note: str = ""

    def due_on(self, period: dt.date) -> dt.date:
        """The day the data of `period` (a month's first day, or an event's day) is due."""
        if self.delivery == "monthly":
            index = period.year * 12 + period.month  # the next month
            return dt.date(index // 12, index % 12 + 1, self.due_day)
        if self.delivery == "event":
            return period + dt.timedelta(days=self.lag_days)
        return period


@cache
def arrival_calendar() -> dict[str, Arrival]:
    """feed → its arrival; every feed of feeds.FEEDS has one (tests/risk hold it)."""
    calendar = {}
    for row in read_rows("arrivals.csv"):
        delivery = row["delivery"]
        if delivery not in DELIVERIES:
            raise ValueError(f"{DATA_DIR / 'arrivals.csv'}: {row['feed']}: delivery {delivery!r}")
        calendar[row["feed"]] = Arrival(
            feed=row["feed"],
            delivery=delivery,  # type: ignore[arg-type]
            due_day=int(row["due_day"] or 1),
            lag_days=int(row["lag_days"] or 0),
            note=row["note"],
        )
    return calendar


def due_dates(arrival: Arrival, periods: pa.ChunkedArray | pa.Array, today: dt.date) -> pa.Array:
    """The arrival day of each row from its period column (date32), never after `today`."""
    days = pc.cast(periods, pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    if arrival.delivery == "monthly":
        due = (days.astype("datetime64[M]") + 1).astype("datetime64[D]") + (arrival.due_day - 1)
    elif arrival.delivery == "event":
        due = days + np.timedelta64(arrival.lag_days, "D")
    else:
        due = np.full(len(days), np.datetime64(today, "D"))
    return pa.array(np.minimum(due, np.datetime64(today, "D")), pa.date32())
