"""The verification list's signal for the risk engine: events per enterprise, as its existing
`opinion_events` feed (risk/feeds.py), so an enterprise's score and its warning evidence reflect
what is said about it in public.

Every event on the list first seen in the export window becomes one feed row keyed by its
number, so a later export replaces the row (new heat, a confirmed enterprise) rather than adding
one (lib/app_feeds.py). Merged events are left out (their posts count in the event they joined),
and so are events verified as not true (a rumour found false is no sign of risk) and events
naming no employer (the feed scores enterprises: such a row would only be refused).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from django.utils import timezone

from laborwatch.lib.app_feeds import export_window, feed_table
from laborwatch.opinion.models import Event
from laborwatch.opinion.statuses import EventStatus, VerificationResult
from laborwatch.risk.ingest import IngestReport

# Longer than the opinion window of the rules (30 days), so late verifications reach the feed.
EXPORT_DAYS = 120

SCHEMA = (
    ("event_id", pa.string()),
    ("first_seen_on", pa.date32()),
    ("credit_code", pa.string()),
    ("heat", pa.float64()),
    ("posts", pa.int64()),
    ("enterprise_name", pa.string()),
)


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
    return feed_table(
        SCHEMA,
        (
            (
                f"YQ{pk:07d}",
                timezone.localtime(seen).date(),
                code,
                float(heat),
                posts,
                name or named or None,
            )
            for pk, seen, code, name, named, heat, posts in rows.iterator(chunk_size=5000)
        ),
    )


def export_opinion_events(
    root: Path, *, as_of: dt.date | None = None, now: dt.datetime | None = None
) -> IngestReport | None:
    """Write the events of the export window to a file and ingest it into the feed store.

    The window ends with `as_of` (or `now`); None when there is no event to export.
    """
    return export_window(
        root,
        "opinion_events",
        opinion_event_rows,
        file_stem="opinion-events",
        days=EXPORT_DAYS,
        as_of=as_of,
        now=now,
    )
