"""The app's own signal for the risk engine: work orders per enterprise, as the work_orders feed.

Every work order received in the export window becomes one feed row keyed by its number, so
a later export replaces the row (a corrected category or a newly linked employer) rather than
adding one. Merged duplicates are left out: their worker is counted on the surviving case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from django.utils import timezone

from laborwatch.cases.models import Case, Status
from laborwatch.risk import store
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, IngestReport, ingest_file

# Longer than the work-order window of the rules (30 days), so late edits still reach the feed.
EXPORT_DAYS = 120


def work_order_rows(*, since: dt.datetime, until: dt.datetime) -> pa.Table:
    rows = (
        Case.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(status=Status.MERGED)
        .order_by("number")
        .values_list(
            "number",
            "received_at",
            "worker_id",
            "employer__credit_code",
            "channel",
            "category",
            "workers_involved",
            "amount_claimed",
        )
    )
    columns: dict[str, list] = {
        name: []
        for name in (
            "complaint_id",
            "received_at",
            "worker_key",
            "credit_code",
            "channel",
            "category",
            "workers_involved",
            "amount_claimed",
        )
    }
    for number, received, worker, code, channel, category, workers, amount in rows.iterator(
        chunk_size=5000
    ):
        columns["complaint_id"].append(number)
        columns["received_at"].append(received)
        columns["worker_key"].append(f"W{worker}")
        columns["credit_code"].append(code)
        columns["channel"].append(channel)
        columns["category"].append(category)
        columns["workers_involved"].append(workers)
        columns["amount_claimed"].append(float(amount))
    return pa.table(
        {
            "complaint_id": pa.array(columns["complaint_id"], pa.string()),
            "received_at": pa.array(columns["received_at"], pa.timestamp("us", tz="UTC")),
            "worker_key": pa.array(columns["worker_key"], pa.string()),
            "credit_code": pa.array(columns["credit_code"], pa.string()),
            "channel": pa.array(columns["channel"], pa.string()),
            "category": pa.array(columns["category"], pa.string()),
            "workers_involved": pa.array(columns["workers_involved"], pa.int64()),
            "amount_claimed": pa.array(columns["amount_claimed"], pa.float64()),
        }
    )


def export_work_orders(
    root: Path, *, as_of: dt.date | None = None, now: dt.datetime | None = None
) -> IngestReport | None:
    """Write the work orders of the export window to a file and ingest it into the feed store.

    The window ends with `as_of` (or `now`); None when there is no work order to export.
    """
    now = now or timezone.now()
    if as_of is not None:
        until = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    else:
        until = now
    table = work_order_rows(since=until - dt.timedelta(days=EXPORT_DAYS), until=until)
    if table.num_rows == 0:
        return None
    stamp = timezone.localtime(until).strftime("%Y%m%d-%H%M%S")
    path = root / "exports" / "work_orders" / f"work-orders-{stamp}.parquet"
    store.write_table(table, path)
    # The app's own work orders were known the day they were received (a past day's scoring
    # sees those received by then).
    return ingest_file(
        root,
        "work_orders",
        path,
        today=timezone.localtime(now).date(),
        arrived=ARRIVAL_CALENDAR,
    )
