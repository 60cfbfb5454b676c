"""The demo's public-opinion replay on a small stream: batches in push order, and the loop
worked by the real services up to `now`, the newest events left to verify."""

from __future__ import annotations

import json

import pytest

from laborwatch.core.models import AuditEvent
from laborwatch.demo import opinion as demo_opinion
from laborwatch.demo.opinion import demo_stream, replay_opinion, stream_batches
from laborwatch.demo.users import ensure_demo_users
from laborwatch.opinion.models import Event, Post
from tests.opinion.support import local

NOW = local(2025, 3, 20, 9, 0)


def record(number: int, published: str, text: str, reposts: int = 5) -> dict:
    return {"platform": "微博", "post_id": str(number), "url": None, "author": "网友",
            "published_at": published, "title": "", "text": text, "reposts": reposts,
            "comments": 1, "likes": 3, "views": 100, "ip_region": "山东"}  # fmt: skip


def test_batches_follow_the_stream_and_end_before_now():
    records = [
        record(1, "2025-02-01T07:00:00+08:00", "甲"),
        record(2, "2025-02-01T08:00:00+08:00", "乙"),
        record(1, "2025-02-01T07:00:00+08:00", "甲", reposts=50),  # pushed again, grown
        record(3, "2025-02-01T15:00:00+08:00", "丙"),
    ]
    batches = list(stream_batches(records, now=NOW))
    # Moved so that the newest post appears three hours before now (06:00 on 20 March).
    assert [(at, [r["post_id"] for r in rows]) for at, rows in batches] == [
        (local(2025, 3, 20, 0, 0), ["1", "2", "1"]),
        (local(2025, 3, 20, 9, 0), ["3"]),
    ]
    assert batches[1][1][0]["published_at"] == "2025-03-20T06:00:00+08:00"
    # Moved to the newest labour post instead: what comes after it would be after now.
    later = list(stream_batches(records, now=NOW, newest=local(2025, 2, 1, 8, 0)))
    assert [[r["post_id"] for r in rows] for _, rows in later] == [["1"], ["2", "1"]]


def test_the_demo_loads_every_labour_story_and_a_share_of_the_noise(tmp_path):
    lines, labels = [], []
    for number in range(200):
        labour = number % 10 == 0
        lines.append(record(number, f"2025-02-01T{number % 24:02d}:00:00+08:00", "文"))
        story = f"S{number}"
        labels.append({"key": f"weibo:{number}", "story": story, "labour": labour})
    for name, rows in (("posts.jsonl", lines), ("posts_labels.jsonl", labels)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    kept, newest = demo_stream(tmp_path, seed=1)
    ids = {int(r["post_id"]) for r in kept}
    assert {n for n in range(0, 200, 10)} <= ids  # every labour story
    assert 20 < len(ids - set(range(0, 200, 10))) < 70  # about a quarter of 180 noise stories
    assert newest == local(2025, 2, 1, 22, 0)  # post 190, the latest labour one
    assert demo_stream(tmp_path, seed=1) == (kept, newest)


INCIDENT = "青岛海岸电子有限公司拖欠工人工资三个月，200余名工人在市南区厂门口集体讨薪"
SHIPYARD = "青岛西海岸造船有限公司拖欠工资，黄岛区数十名工人讨薪"


@pytest.mark.django_db
def test_the_replay_works_the_loop_until_now(tmp_path, registry, org_units, monkeypatch):
    # Every step at its usual pace, none stalled: the old incident runs to its end.
    monkeypatch.setattr(demo_opinion, "SLOW_SHARE", 0.0)
    monkeypatch.setattr(demo_opinion, "STALL_SHARE", 0.0)
    ensure_demo_users()
    lines = [
        # An incident six weeks before: its loop has run to the end.
        record(1, "2025-02-06T09:00:00+08:00", INCIDENT, reposts=40),
        record(2, "2025-02-06T10:00:00+08:00", "转发：" + INCIDENT, reposts=3),
        record(5, "2025-02-06T20:00:00+08:00", "李沧区新开一家火锅店，味道不错"),
        # Post 1 pushed again in the evening, its counts grown.
        record(1, "2025-02-06T09:00:00+08:00", INCIDENT, reposts=300),
        # Noise, off the list.
        record(3, "2025-03-10T10:00:00+08:00", "周末特惠！市南区万达广场新店开业，全场五折"),
        # An incident of this morning: still to verify.
        record(4, "2025-03-20T07:50:00+08:00", SHIPYARD),
    ]  # fmt: skip
    (tmp_path / "posts.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    assert replay_opinion(tmp_path, now=NOW, seed=1, progress=False) == 5
    assert Post.objects.get(post_id="1").snapshots.count() == 2
    old = Event.objects.get(enterprise=registry.shinan_enterprise)
    assert (old.post_count, old.status) == (2, "closed")
    assert old.verification_result in ("true", "partly_true", "untrue", "unverifiable")
    assert old.responded_at is not None
    fresh = Event.objects.get(enterprise=registry.huangdao_enterprise)
    assert fresh.status in ("pending", "verifying")
    assert Event.objects.filter(on_list=False).count() == 2
    # Every step is in the audit log at its own time, none after now (the work orders the
    # disposals opened included).
    replayed = AuditEvent.objects.filter(target_type__in=["opinion.event", "cases.case"])
    latest = replayed.order_by("-at").first()
    assert latest is not None and latest.at <= NOW
    steps = AuditEvent.objects.filter(target_type="opinion.event", target_id=str(old.pk))
    assert {"opinion_event.assign", "opinion_event.verify", "opinion_event.respond",
            "opinion_event.close"} <= set(steps.values_list("action", flat=True))  # fmt: skip


def test_a_city_without_a_post_stream_replays_nothing(tmp_path):
    assert replay_opinion(tmp_path, now=NOW, progress=False) == 0
