"""The app's own signal for the risk engine: work orders per enterprise, as the work_orders feed.

Every work order received in the export window becomes one feed row keyed by its number, so
a later export replaces the row (a corrected category or a newly linked employer) rather than
adding one (lib/app_feeds.py). Merged duplicates are left out: their worker is counted on the
surviving case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from laborwatch.cases.models import Case, Status
from laborwatch.lib.app_feeds import export_window, feed_table
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, IngestReport

# Longer than the work-order window of the rules (30 days), so late edits still reach the feed.
EXPORT_DAYS = 120

SCHEMA = (
    ("complaint_id", pa.string()),
    ("received_at", pa.timestamp("us", tz="UTC")),
    ("worker_key", pa.string()),
    ("credit_code", pa.string()),
    ("channel", pa.string()),
    ("category", pa.string()),
    ("workers_involved", pa.int64()),
    ("amount_claimed", pa.float64()),
)


def work_order_rows(*, since: dt.datetime, until: dt.datetime) -> pa.Table:
    rows = (
        Case.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(status=Status.MERGED)
        .order_by("number")
        .values_list(
            "number", "received_at", "worker_id", "employer__credit_code", "channel",
            "category", "workers_involved", "amount_claimed",
        )
    )  # fmt: skip
    return feed_table(
        SCHEMA,
        (
            (number, received, f"W{worker}", code, channel, category, workers, float(amount))
            for number, received, worker, code, channel, category, workers, amount in (
                rows.iterator(chunk_size=5000)
            )
        ),
    )


def export_work_orders(
    root: Path, *, as_of: dt.date | None = None, now: dt.datetime | None = None
) -> IngestReport | None:
    """Write the work orders of the export window to a file and ingest it into the feed store.

    The window ends with `as_of` (or `now`); None when there is no work order to export. The
    app's own work orders were known the day they were received (a past day's scoring sees
    those received by then).
    """
    return export_window(
        root,
        "work_orders",
        work_order_rows,
        file_stem="work-orders",
        days=EXPORT_DAYS,
        as_of=as_of,
        now=now,
        arrived=ARRIVAL_CALENDAR,
    )
