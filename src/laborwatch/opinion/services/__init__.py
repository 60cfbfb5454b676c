"""Writes for public-opinion posts and events; every change is a service call that leaves an
audit event."""

from laborwatch.opinion.errors import InvalidEventTransition, StaleEvent
from laborwatch.opinion.services.clusters import event_merge, event_split
from laborwatch.opinion.services.disposal import (
    event_attach_warning,
    event_join_case,
    event_open_case,
)
from laborwatch.opinion.services.intake import (
    IngestReport,
    opinion_ingest,
    opinion_ingest_file,
    opinion_ingest_records,
)
from laborwatch.opinion.services.loop import (
    event_acknowledge,
    event_add_note,
    event_assign,
    event_close,
    event_link_enterprise,
    event_respond,
    event_verify,
)
from laborwatch.opinion.services.notices import notices_mark_read
from laborwatch.opinion.services.posts import post_reveal
from laborwatch.opinion.services.sweep import OpinionSweepResult, opinion_sweep

__all__ = [
    "IngestReport",
    "InvalidEventTransition",
    "OpinionSweepResult",
    "StaleEvent",
    "event_acknowledge",
    "event_add_note",
    "event_assign",
    "event_attach_warning",
    "event_close",
    "event_join_case",
    "event_link_enterprise",
    "event_merge",
    "event_open_case",
    "event_respond",
    "event_split",
    "event_verify",
    "notices_mark_read",
    "opinion_ingest",
    "opinion_ingest_file",
    "opinion_ingest_records",
    "opinion_sweep",
    "post_reveal",
]
