"""The verification list as a table (the Excel export of the page and of `laborwatch opinion
export`) and as JSON lines (each event with the identities of its posts, for another system or
the clustering's evaluation).

Both are written from the events as the services left them; text from outside (titles, names,
responses) is written as text by the one Excel writer (lib.xlsx), never as a formula, and
personal data in it is masked as it is stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laborwatch.opinion.models import Event, EventDisposal, Post, ResponseKind
from laborwatch.opinion.statuses import EventStatus


def list_headers() -> list[str]:
    """The columns of the 舆情核实清单, in its order."""
    return [
        pgettext("opinion list", "No."),
        pgettext("opinion list", "Title"),
        pgettext("opinion list", "First platform"),
        pgettext("opinion list", "First seen at"),
        pgettext("opinion list", "Enterprise"),
        pgettext("opinion list", "District"),
        pgettext("opinion list", "Workers involved"),
        pgettext("opinion list", "Heat grade"),
        pgettext("opinion list", "Verification result"),
        pgettext("opinion list", "Disposal"),
        pgettext("opinion list", "Response"),
        pgettext("opinion list", "Closed at"),
        pgettext("opinion list", "Responsible unit"),
    ]


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def disposal_text(event: Event) -> str:
    """处置措施: each disposal with the work order or warning it names."""
    parts = []
    for disposal in event.disposals.all():
        what = disposal.get_kind_display()
        if disposal.case is not None:
            what += f" {disposal.case.number}"
        if disposal.warning is not None:
            what += f" {disposal.warning}"
        parts.append(what)
    return "；".join(parts)


def response_text(event: Event) -> str:
    """回应情况: published where and when (on time or late), or not responded and why."""
    if not event.response_kind:
        if event.response_due is None:
            return ""
        return _("Not yet (due %(due)s)") % {"due": _local(event.response_due)}
    if event.response_kind == ResponseKind.DECLINED:
        return _("Not responded: %(reason)s") % {"reason": event.response_reason}
    timing = _("on time") if event.responded_on_time is not False else _("late")
    return _("%(channel)s, %(at)s (%(timing)s)") % {
        "channel": event.response_channel,
        "at": _local(event.responded_at),
        "timing": timing,
    }


def enterprise_text(event: Event) -> str:
    if event.enterprise is not None:
        return event.enterprise.name
    return event.enterprise_named


def with_list_relations(rows: QuerySet[Event]) -> QuerySet[Event]:
    return rows.select_related("enterprise", "district", "assigned_unit").prefetch_related(
        Prefetch(
            "disposals",
            queryset=EventDisposal.objects.select_related("case", "warning").order_by("at", "pk"),
        )
    )


def list_rows(events: Iterable[Event]) -> Iterator[list[object]]:
    for number, event in enumerate(events, start=1):
        yield [
            number,
            event.title,
            event.get_first_platform_display(),
            _local(event.first_seen_at),
            enterprise_text(event),
            event.district.label if event.district else "",
            event.workers_involved if event.workers_involved is not None else "",
            event.get_grade_display(),
            event.get_verification_result_display() if event.verification_result else "",
            disposal_text(event),
            response_text(event),
            _local(event.closed_at),
            event.assigned_unit.label if event.assigned_unit else "",
        ]


def jsonl_events(rows: QuerySet[Event]) -> QuerySet[Event]:
    """Every event but the merged ones, on the list or off it (the evaluation needs all)."""
    return (
        rows.exclude(status=EventStatus.MERGED)
        .select_related("enterprise", "district")
        .prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.order_by("published_at", "pk").only(
                    "pk", "event_id", "key", "platform", "post_id", "url", "published_at"
                ),
            )
        )
        .order_by("pk")
    )


def event_record(event: Event) -> dict[str, object]:
    """One JSON line: the event and the identities of its posts (fields agreed with the
    engine's evaluation in the interface file)."""
    return {
        "event": event.pk,
        "number": event.number,
        "on_list": event.on_list,
        "status": event.status,
        "grade": event.grade,
        "heat": round(event.heat, 4),
        "first_seen_at": timezone.localtime(event.first_seen_at).isoformat(),
        "title": event.title,
        "enterprise": event.enterprise.credit_code if event.enterprise else None,
        "district": event.district.code if event.district else None,
        "category": event.category or None,
        "posts": [
            {
                "key": post.key,
                "platform": post.platform,
                "post_id": post.post_id or None,
                "url": post.url or None,
            }
            for post in event.posts.all()
        ],
    }


def write_jsonl(rows: QuerySet[Event], out: IO[str]) -> int:
    """The events as JSON lines; how many were written."""
    count = 0
    for event in jsonl_events(rows).iterator(chunk_size=500):
        out.write(json.dumps(event_record(event), ensure_ascii=False) + "\n")
        count += 1
    return count
