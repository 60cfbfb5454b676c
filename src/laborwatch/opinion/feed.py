"""The verification list's signal for the risk engine: events per enterprise, as its existing
`opinion_events` feed (risk/feeds.py), so an enterprise's score and its warning evidence reflect
what is said about it in public.

Every event on the list first seen in the export window becomes one feed row keyed by its
number, so a later export replaces the row (new heat, a confirmed enterprise) rather than adding
one. Merged events are left out (their posts count in the event they joined), and so are events
verified as not true (a rumour found false is no sign of risk) and events naming no employer
(the feed scores enterprises: such a row would only be refused).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from django.utils import timezone

from laborwatch.opinion.models import Event
from laborwatch.opinion.statuses import EventStatus, VerificationResult
from laborwatch.risk import store
from laborwatch.risk.ingest import IngestReport, ingest_file

# Longer than the opinion window of the rules (30 days), so late verifications reach the feed.
EXPORT_DAYS = 120


def opinion_event_rows(*, since: dt.datetime, until: dt.datetime) -> pa.Table:
    rows = (
        Event.objects.filter(on_list=True, first_seen_at__gte=since, first_seen_at__lt=until)
        .exclude(status=EventStatus.MERGED)
        .exclude(verification_result=VerificationResult.UNTRUE)
        .exclude(enterprise=None, enterprise_named="")
        .order_by("pk")
        .values_list(
            "pk", "first_seen_at", "enterprise__credit_code", "enterprise__name",
            "enterprise_named", "heat", "post_count",
        )
    )  # fmt: skip
    columns: dict[str, list] = {
        name: []
        for name in (
            "event_id",
            "first_seen_on",
            "credit_code",
            "heat",
            "posts",
            "enterprise_name",
        )
    }
    for pk, seen, code, name, named, heat, posts in rows.iterator(chunk_size=5000):
        columns["event_id"].append(f"YQ{pk:07d}")
        columns["first_seen_on"].append(timezone.localtime(seen).date())
        columns["credit_code"].append(code)
        columns["heat"].append(float(heat))
        columns["posts"].append(posts)
        columns["enterprise_name"].append(name or named or None)
    return pa.table(
        {
            "event_id": pa.array(columns["event_id"], pa.string()),
            "first_seen_on": pa.array(columns["first_seen_on"], pa.date32()),
            "credit_code": pa.array(columns["credit_code"], pa.string()),
            "heat": pa.array(columns["heat"], pa.float64()),
            "posts": pa.array(columns["posts"], pa.int64()),
            "enterprise_name": pa.array(columns["enterprise_name"], pa.string()),
        }
    )


def export_opinion_events(
    root: Path, *, as_of: dt.date | None = None, now: dt.datetime | None = None
) -> IngestReport | None:
    """Write the events of the export window to a file and ingest it into the feed store.

    The window ends with `as_of` (or `now`); None when there is no event to export.
    """
    now = now or timezone.now()
    if as_of is not None:
        until = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    else:
        until = now
    table = opinion_event_rows(since=until - dt.timedelta(days=EXPORT_DAYS), until=until)
    if table.num_rows == 0:
        return None
    stamp = timezone.localtime(until).strftime("%Y%m%d-%H%M%S")
    path = root / "exports" / "opinion_events" / f"opinion-events-{stamp}.parquet"
    store.write_table(table, path)
    return ingest_file(root, "opinion_events", path, today=timezone.localtime(now).date())
