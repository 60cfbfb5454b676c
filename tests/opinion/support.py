"""Helpers of the opinion app's tests: a frozen clock, events and posts made directly (the
engine's triage and clustering are tested with the engine; these tests are about the loop),
events brought to a status through the real services, and "nothing changed" snapshots."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from laborwatch.core.crypto import digest
from laborwatch.core.models import AuditEvent, OrgUnit, User
from laborwatch.enterprises.models import Enterprise
from laborwatch.opinion.models import (
    Event,
    EventAlert,
    EventAssignment,
    EventDisposal,
    OpinionNotice,
    Post,
    PostEngagement,
    ResponseKind,
)
from laborwatch.opinion.services import (
    event_acknowledge,
    event_assign,
    event_open_case,
    event_respond,
    event_verify,
)
from laborwatch.opinion.services.figures import start_or_shorten_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A plain Wednesday morning.
T0 = dt.datetime(2025, 3, 5, 10, 0, tzinfo=SHANGHAI)
STALE_MESSAGE = "此舆情事件已被他人修改，请刷新页面后重试。"

_posts = itertools.count(1)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def make_post(
    event: Event | None,
    *,
    published_at: dt.datetime = T0 - dt.timedelta(hours=2),
    platform: str = "weibo",
    title: str = "",
    text: str = "青岛海岸电子有限公司拖欠工人工资三个月，数十名工人到厂门口讨薪",
    labour: bool = True,
    engagement: float = 10.0,
    district: OrgUnit | None = None,
    enterprise: Enterprise | None = None,
    **extra: Any,
) -> Post:
    number = next(_posts)
    key = f"{platform}:{number}"
    post = Post.objects.create(
        key=key,
        key_digest=digest(key),
        platform=platform,
        post_id=str(number),
        published_at=published_at,
        title=title,
        text=text,
        labour=labour,
        labour_probability=0.9 if labour else 0.1,
        category="WAGE.ARREARS" if labour else "",
        engagement=engagement,
        district=district,
        enterprise=enterprise,
        event=event,
        stored_at=published_at,
        updated_at=published_at,
        **extra,
    )
    PostEngagement.objects.create(post=post, at=published_at, engagement=engagement)
    return post


def make_event(
    *,
    district: OrgUnit | None,
    enterprise: Enterprise | None = None,
    posts: int = 2,
    grade: str = "general",
    heat: float = 12.0,
    on_list: bool = True,
    title: str = "工人讨薪",
    now: dt.datetime = T0,
) -> Event:
    """An event on the list (by default) with `posts` posts, its response clock started at
    `now` by its grade."""
    first = now - dt.timedelta(hours=2)
    event = Event.objects.create(
        title=title,
        on_list=on_list,
        first_seen_at=first,
        last_seen_at=first,
        first_platform="weibo",
        platforms=["weibo"],
        post_count=posts,
        engagement=10.0 * posts,
        heat=heat,
        heat_at=now,
        grade=grade,
        graded_at=now,
        enterprise=enterprise,
        district=district,
        category="WAGE.ARREARS",
        created_at=now,
        updated_at=now,
    )
    for index in range(posts):
        make_post(
            event,
            published_at=first + dt.timedelta(minutes=10 * index),
            district=district,
            enterprise=enterprise,
            labour=on_list,
        )
    start_or_shorten_clock(event, now=now)
    event.save()
    return event


def fresh(event: Event) -> Event:
    return Event.objects.get(pk=event.pk)


def assigned(event: Event, centre: User, unit: OrgUnit, *, now: dt.datetime = T0) -> Event:
    return event_assign(event=event, actor=centre, org_unit=unit, now=now)


def signed(event: Event, centre: User, unit_user: User, *, now: dt.datetime = T0) -> Event:
    event = assigned(event, centre, unit_user.org_unit, now=now)  # type: ignore[arg-type]
    return event_acknowledge(event=event, actor=unit_user, now=now)


def verified(
    event: Event, centre: User, unit_user: User, *, result: str = "true", now: dt.datetime = T0
) -> Event:
    event = signed(event, centre, unit_user, now=now)
    return event_verify(
        event=event,
        actor=unit_user,
        result=result,
        checks=["enterprise_contacted", "site_visit"],
        note="实地走访，企业承认拖欠两个月工资",
        now=now,
    )


def disposed(event: Event, centre: User, unit_user: User, *, now: dt.datetime = T0) -> Event:
    event = verified(event, centre, unit_user, now=now)
    event_open_case(
        event=event,
        actor=centre,
        caller_name="李强",
        caller_phone="13912340002",
        description="舆情反映企业拖欠工资",
        now=now,
    )
    return fresh(event)


def responded(event: Event, centre: User, unit_user: User, *, now: dt.datetime = T0) -> Event:
    event = disposed(event, centre, unit_user, now=now)
    return event_respond(
        event=event,
        actor=centre,
        kind=ResponseKind.PUBLISHED,
        text="市总工会已介入，督促企业限期支付拖欠工资。",
        channel="青岛工会官方微博",
        published_at=now,
        now=now,
    )


def snapshot(event: Event) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    row = fresh(event)
    return {
        "status": row.status,
        "version": row.version,
        "assigned_unit": row.assigned_unit_id,
        "enterprise": row.enterprise_id,
        "verification": (row.verification_result, tuple(row.verification_checks)),
        "response": (row.response_kind, row.responded_at),
        "posts": sorted(Post.objects.filter(event=row).values_list("pk", flat=True)),
        "events": AuditEvent.objects.count(),
        "assignments": EventAssignment.objects.count(),
        "disposals": EventDisposal.objects.count(),
        "notices": OpinionNotice.objects.count(),
        "alerts": EventAlert.objects.count(),
        "event_rows": Event.objects.count(),
    }


def post_action(client: Client, event: Event, action: str, **data: Any) -> Any:
    """POST an action form of the event page, with the version the page showed by default."""
    data.setdefault("version", event.version)
    return client.post(f"/opinion/{event.pk}/act/{action}/", data)


def make_warning(enterprise: Enterprise) -> Any:
    """An active orange warning of the enterprise, raised by the daily sync."""
    from laborwatch.warnings.models import Warning
    from tests.warnings.support import DAY0, signal, sync

    sync(DAY0, signal(enterprise, "orange"))
    return Warning.objects.get(enterprise=enterprise)
