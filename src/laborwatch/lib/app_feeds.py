"""The app's own signals for the risk engine: a window of its rows written as a feed file and
ingested into the feed store (work orders, `warnings/export.py`; opinion events,
`opinion/feed.py`).

Each feed keys its rows by the app's own number, so a later export of an overlapping window
replaces the rows it had written (a corrected category, a confirmed enterprise) rather than
adding new ones. The window ends with the scoring day (`as_of`) or `now` and reaches
`days` back, longer than the rules' windows, so late edits still reach the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyarrow as pa
from django.utils import timezone

from laborwatch.risk import store
from laborwatch.risk.ingest import Arrived, IngestReport, ingest_file

Schema = Sequence[tuple[str, pa.DataType]]


def feed_table(schema: Schema, rows: Iterable[Sequence[object]]) -> pa.Table:
    """`rows` (tuples in the order of `schema`) as a table of the schema's columns and types."""
    columns: list[list[object]] = [[] for _ in schema]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return pa.table(
        {name: pa.array(values, kind) for (name, kind), values in zip(schema, columns, strict=True)}
    )


def export_window(
    root: Path,
    feed: str,
    rows: Callable[..., pa.Table],
    *,
    file_stem: str,
    days: int,
    as_of: dt.date | None = None,
    now: dt.datetime | None = None,
    arrived: Arrived = None,
) -> IngestReport | None:
    """Write `rows(since=…, until=…)` of the window to a file under exports/ and ingest it as
    `feed`; None when the window holds no row.

    `arrived` is passed on to the ingest (the work orders say they were known the day they
    were received).
    """
    now = now or timezone.now()
    if as_of is not None:
        until = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    else:
        until = now
    table = rows(since=until - dt.timedelta(days=days), until=until)
    if table.num_rows == 0:
        return None
    stamp = timezone.localtime(until).strftime("%Y%m%d-%H%M%S")
    path = root / "exports" / feed / f"{file_stem}-{stamp}.parquet"
    store.write_table(table, path)
    return ingest_file(root, feed, path, today=timezone.localtime(now).date(), arrived=arrived)
