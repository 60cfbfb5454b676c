"""The arrival calendar (data/arrivals.csv) and the arrival day each loaded row records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from laborwatch.risk.arrivals import arrival_calendar, due_dates
from laborwatch.risk.feeds import ARRIVED_ON, FEEDS
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, ingest_file
from tests.risk.helpers import ACME

TODAY = dt.date(2026, 11, 26)


def test_every_feed_has_an_arrival() -> None:
    assert set(arrival_calendar()) == set(FEEDS)
    dated = {name for name, feed in FEEDS.items() if ARRIVED_ON in feed.stored_columns}
    assert dated == set(FEEDS) - {"registry"}


def test_due_days() -> None:
    calendar = arrival_calendar()
    assert calendar["social_insurance"].due_on(dt.date(2026, 9, 1)) == dt.date(2026, 10, 12)
    assert calendar["wage_account"].due_on(dt.date(2026, 12, 1)) == dt.date(2027, 1, 25)
    assert calendar["court_filings"].due_on(dt.date(2026, 10, 12)) == dt.date(2026, 10, 19)
    months = pa.array([dt.date(2026, 10, 1), dt.date(2026, 11, 1)], pa.date32())
    # never after the load: November's data loaded on 26 November arrived that day
    assert due_dates(calendar["wage_account"], months, TODAY).to_pylist() == [
        dt.date(2026, 11, 25),
        TODAY,
    ]


def _stored(root: Path, feed: str) -> list[tuple]:
    table = pq.read_table(next((root / "feeds" / feed).glob("*.parquet")))
    days = zip(
        table.column("filed_on").to_pylist(), table.column(ARRIVED_ON).to_pylist(), strict=True
    )
    return sorted(days)


def test_a_load_records_its_day_the_calendar_or_a_given_day(tmp_path: Path) -> None:
    path = tmp_path / "court.csv"
    path.write_text(
        "filed_on,credit_code,kind,plaintiffs,amount\n"
        f"2026-11-02,{ACME},labor_arbitration,3,9000\n2026-11-23,{ACME},labor_lawsuit,1,500\n",
        encoding="utf-8",
    )
    for arrived, expected in (
        (None, [TODAY, TODAY]),
        (ARRIVAL_CALENDAR, [dt.date(2026, 11, 9), TODAY]),  # 23 + 7 days is after the load
        (dt.date(2026, 11, 24), [dt.date(2026, 11, 24)] * 2),
    ):
        root = tmp_path / f"store-{arrived}"
        report = ingest_file(root, "court_filings", path, today=TODAY, arrived=arrived)
        assert report.status == "loaded"
        assert [day for _, day in _stored(root, "court_filings")] == expected
