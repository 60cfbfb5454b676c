"""Intake of monitored posts through the one service (file and API batch alike), with the real
engine: bad rows refused with row, field and reason while the rest are kept, a re-push
updating counts and keeping their history, retellings clustered into one event with its
enterprise and district, noise kept off the list, personal data masked at rest."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from laborwatch.core.models import AuditEvent
from laborwatch.opinion.engine.read import read_posts
from laborwatch.opinion.engine.records import FILE_ERROR_CODES, ROW_ERROR_CODES
from laborwatch.opinion.grading import engagement
from laborwatch.opinion.messages import FILE_REASONS, ROW_REASONS, row_message
from laborwatch.opinion.models import Event, Post, PostEngagement
from laborwatch.opinion.services import opinion_ingest_file, opinion_ingest_records
from tests.opinion.support import T0

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)

HEADER = "平台,帖子ID,链接,作者,发布时间,标题,正文,转发数,评论数,点赞数,阅读数,IP属地"
INCIDENT = [
    "微博,4890001,,海岸工友,2025-03-05 07:00,,青岛海岸电子有限公司拖欠工人工资三个月，200余名工人"
    "今天在市南区厂门口拉横幅集体讨薪，希望有关部门管管！,120,45,300,20000,山东",
    "微博,4890002,,路人甲,2025-03-05 07:40,,转发：青岛海岸电子有限公司拖欠工人工资三个月，200余名"
    "工人今天在厂门口拉横幅集体讨薪,30,5,60,3000,山东",
    "抖音,7711003,,本地生活,2025-03-05 08:10,厂门口讨薪,市南区海岸电子厂两百多工人讨薪，"
    "老板跑路了？工资三个月没发，青岛海岸电子有限公司还我血汗钱,10,3,80,1.2万,山东",
]
NOISE = "论坛,,https://bbs.example.cn/t/9?utm_source=x,团购君,2025-03-05 06:00,,周末特惠！市南区万达广场新店开业，全场五折，欢迎光临,0,1,2,100,山东"  # noqa: E501
BAD_DATE = "微博,4890009,,某人,2025-13-45 25:00,,工资拖欠,1,1,1,1,山东"
NO_IDENTITY = "微博,,,某人,2025-03-05 06:00,,工资拖欠三个月,1,1,1,1,山东"


def vendor_file(tmp_path: Path, *lines: str, encoding: str = "gbk", name: str = "week.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return path


def test_a_vendor_export_becomes_events(tmp_path, registry, shinan):
    path = vendor_file(tmp_path, *INCIDENT, NOISE, BAD_DATE, NO_IDENTITY)
    report = opinion_ingest_file(path=path, source="某舆情服务商", now=T0)
    assert (report.rows, report.stored, report.updated, report.refused) == (6, 4, 0, 2)
    assert (report.events_created, report.events_updated) == (2, 0)
    assert [row_message(error) for error in report.errors] == [
        "第 6 行「发布时间」：不是有效的时间（应如 2026-05-01 10:30）（所填：2025-13-45 25:00）",
        "第 7 行「帖子ID」：既无帖子编号也无链接，无法识别同一帖子",
    ]
    incident = Event.objects.get(on_list=True)
    assert (incident.post_count, incident.platforms, incident.first_platform) == (
        3,
        ["weibo", "douyin"],
        "weibo",
    )
    assert (incident.enterprise, incident.district, incident.workers_involved) == (
        registry.shinan_enterprise,
        shinan,
        200,
    )
    assert incident.title.startswith("青岛海岸电子有限公司拖欠工人工资三个月")
    assert incident.cues == ["拉横幅", "集体讨薪"]
    assert incident.category == "WAGE.ARREARS.STAFF"
    assert incident.first_seen_at == dt.datetime(2025, 3, 5, 7, tzinfo=T0.tzinfo)
    assert (incident.status, incident.clock_started_at) == ("pending", T0)
    noise = Event.objects.get(on_list=False)
    assert (noise.post_count, noise.clock_started_at, noise.response_due) == (1, None, None)
    # The URL lost its tracking parameter and is the post's identity.
    assert noise.posts.get().key == "url:https://bbs.example.cn/t/9"
    assert PostEngagement.objects.count() == 4
    created = AuditEvent.objects.filter(action="opinion_event.create")
    assert created.count() == 2 and {e.actor_label for e in created} == {"某舆情服务商"}
    ingest = AuditEvent.objects.get(action="opinion_post.ingest")
    assert ingest.after == {
        "rows": 6,
        "stored": 4,
        "updated": 0,
        "unchanged": 0,
        "refused": 2,
        "events_created": 2,
        "events_updated": 0,
    }


def test_a_repush_updates_counts_and_keeps_their_history(tmp_path, registry):
    opinion_ingest_file(path=vendor_file(tmp_path, *INCIDENT), source="v", now=T0)
    grown = [INCIDENT[0].replace(",120,45,300,", ",900,210,2000,"), *INCIDENT[1:]]
    report = opinion_ingest_file(
        path=vendor_file(tmp_path, *grown, name="later.csv"), source="v", now=T0 + 6 * HOUR
    )
    assert (report.stored, report.updated, report.unchanged) == (0, 1, 2)
    assert (report.events_created, report.events_updated) == (0, 1)
    post = Post.objects.get(post_id="4890001")
    assert (post.reposts, post.comments, post.likes, Post.objects.count()) == (900, 210, 2000, 3)
    history = list(post.snapshots.values_list("at", "reposts"))
    assert history == [(T0, 120), (T0 + 6 * HOUR, 900)]
    event = Event.objects.get()
    assert event.engagement == sum(p.engagement for p in event.posts.all())
    assert post.engagement == engagement(reposts=900, comments=210, likes=2000, views=20000)
    # The views of the douyin post were written 1.2万.
    assert Post.objects.get(post_id="7711003").views == 12000


def test_the_same_post_twice_in_one_file_is_stored_once_with_the_later_counts(tmp_path, registry):
    again = INCIDENT[0].replace(",120,45,300,", ",150,45,300,")
    report = opinion_ingest_file(path=vendor_file(tmp_path, INCIDENT[0], again), source="v", now=T0)
    assert (report.rows, report.stored) == (2, 1)
    assert Post.objects.get().reposts == 150


def test_personal_data_is_masked_at_rest(tmp_path, registry):
    line = INCIDENT[0].replace("希望有关部门管管！", "联系我13812345678，身份证370202199001011237")
    opinion_ingest_file(path=vendor_file(tmp_path, line), source="v", now=T0)
    post = Post.objects.get()
    assert "13812345678" not in post.text and "138****5678" in post.text
    assert "370202********1237" in post.text
    assert "13812345678" in json.loads(post.sealed)["text"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text, sealed FROM opinion_post")
        stored_text, stored_sealed = cursor.fetchone()
    assert "13812345678" not in stored_text and stored_sealed.startswith("v1:")


def test_html_emoji_traditional_and_formula_text_are_kept_as_text(registry):
    records = [
        {
            "platform": "微博",
            "post_id": "1",
            "published_at": "2025-03-05T07:00:00+08:00",
            "title": '=HYPERLINK("http://x")',
            "text": "<p>青島海岸電子<b>拖欠工資</b>😡</p><script>alert(1)</script>",
        }
    ]
    report = opinion_ingest_records(records=records, source="api", now=T0)
    assert report.stored == 1
    post = Post.objects.get()
    assert post.text == "青島海岸電子拖欠工資😡"
    assert post.title == '=HYPERLINK("http://x")'


def test_a_truncated_file_is_refused_whole(tmp_path, registry):
    path = tmp_path / "cut.jsonl"
    path.write_text('{"platform": "微博", "post_id": "1", "published_at": "2025-03-05 07:00", '
                    '"text": "拖欠工资"}\n{"platform": "微博", "post_id": "2", "text": "拖',
                    encoding="utf-8")  # fmt: skip
    report = opinion_ingest_file(path=path, source="v", now=T0)
    assert (report.file_error, report.stored) == ("truncated", 0)
    assert not Post.objects.exists() and not Event.objects.exists()


def test_a_huge_post_a_future_date_and_absurd_counts_are_row_errors(registry):
    records = [
        {"post_id": "1", "platform": "weibo", "published_at": "2025-03-05 07:00",
         "text": "欠薪" * 6_000_000},
        {"post_id": "2", "platform": "weibo", "published_at": "2025-03-06 07:00", "text": "欠薪"},
        {"post_id": "3", "platform": "weibo", "published_at": "2025-03-05 07:00", "text": "欠薪",
         "reposts": 10**15},
        {"post_id": "4", "platform": "weibo", "published_at": "2025-03-05 07:00",
         "text": "公司拖欠工资三个月"},
    ]  # fmt: skip
    report = opinion_ingest_records(records=records, source="api", now=T0)
    assert [(e.row, e.field, e.code) for e in report.errors] == [
        (1, "text", "too_long"),
        (2, "published_at", "in_future"),
        (3, "reposts", "too_large"),
    ]
    assert report.stored == 1


def test_every_row_and_file_error_code_has_its_message():
    assert set(ROW_ERROR_CODES) <= set(ROW_REASONS)
    assert set(FILE_ERROR_CODES) <= set(FILE_REASONS)


@pytest.mark.django_db(transaction=True)
def test_two_pushes_of_one_incident_at_once_make_one_event(registry, monkeypatch):
    import threading

    from django.db import connection

    from laborwatch.opinion.services import intake as intake_module

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    both_read = threading.Barrier(2, timeout=10)
    real_checked = intake_module._checked

    def checked_after_both_read(*args, **kwargs):
        # Both batches are parsed and checked before either stores anything.
        both_read.wait()
        return real_checked(*args, **kwargs)

    monkeypatch.setattr(intake_module, "_checked", checked_after_both_read)
    batches = [
        [{"platform": "weibo", "post_id": "1", "published_at": "2025-03-05 07:00",
          "text": "青岛海岸电子有限公司拖欠工人工资三个月，200余名工人到厂门口集体讨薪"}],
        [{"platform": "weibo", "post_id": "1", "published_at": "2025-03-05 07:00", "reposts": 9,
          "text": "青岛海岸电子有限公司拖欠工人工资三个月，200余名工人到厂门口集体讨薪"},
         {"platform": "weibo", "post_id": "2", "published_at": "2025-03-05 07:30",
          "text": "转发：青岛海岸电子有限公司拖欠工人工资三个月，200余名工人到厂门口集体讨薪"}],
    ]  # fmt: skip
    reports = []

    def push(records):
        try:
            reports.append(opinion_ingest_records(records=records, source="api", now=T0))
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 2
    assert Post.objects.count() == 2
    assert Event.objects.count() == 1
    assert Event.objects.get().post_count == 2


def test_a_later_batch_bridging_two_stored_events_joins_them(registry, shinan):
    story = (
        "市南区一家电子厂拖欠200余名工人工资三个月，工人们今天在厂门口拉横幅讨薪，"
        "老板一直不露面，希望有关部门管管"
    )

    def push(number: int, text: str, at: dt.datetime) -> None:
        record = {"platform": "weibo", "post_id": str(number), "text": text}
        record["published_at"] = at.isoformat()
        opinion_ingest_records(records=[record], source="推送", now=at + HOUR)

    push(1, "青岛海岸电子有限公司的工人今天又去厂门口讨薪了，工资三个月没发", T0 - 8 * HOUR)
    push(2, story, T0 - 6 * HOUR)
    first, second = Event.objects.order_by("pk")
    assert (first.post_count, second.post_count) == (1, 1)
    # A copy of the second that names the first's enterprise tells both as one.
    push(3, "青岛海岸电子有限公司：" + story, T0 - 4 * HOUR)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, second.merged_into, second.posts.count()) == ("merged", first, 0)
    assert (first.status, first.post_count, first.enterprise) == (
        "pending",
        3,
        registry.shinan_enterprise,
    )
    merge = AuditEvent.objects.get(action="opinion_event.merge")
    assert (merge.actor, merge.actor_label, merge.after["merged_into"]) == (
        None,
        "推送",
        first.number,
    )


def test_a_file_stored_piece_by_piece_gives_what_one_piece_gives(
    tmp_path, registry, shinan, monkeypatch
):
    from laborwatch.opinion.services import intake

    csv_path = vendor_file(tmp_path, *INCIDENT, NOISE, BAD_DATE, encoding="utf-8")
    records = read_posts(csv_path).posts
    lines = [
        json.dumps(
            {
                "platform": post.platform,
                "post_id": post.post_id,
                "url": post.url,
                "published_at": post.published_at.isoformat(),
                "text": post.text,
                "reposts": post.reposts,
            },
            ensure_ascii=False,
        )
        for post in records
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join([*lines[:2], "{broken", *lines[2:]]) + "\n", encoding="utf-8")
    monkeypatch.setattr(intake, "PIECE", 2)
    seen = []
    report = opinion_ingest_file(
        path=path, source="v", now=T0, on_progress=lambda done, total: seen.append((done, total))
    )
    assert (report.rows, report.stored, report.refused) == (5, 4, 1)
    assert [error.row for error in report.errors] == [3]
    assert (report.events_created, Event.objects.filter(on_list=True).get().post_count) == (2, 3)
    size = path.stat().st_size
    assert seen[-1] == (size, size) and len(seen) == 2


def test_without_the_linking_index_a_registered_full_name_still_links(
    tmp_path, registry, shinan, settings
):
    settings.LABORWATCH_TEXT_LINKING = False
    path = vendor_file(tmp_path, *INCIDENT, NOISE)
    report = opinion_ingest_file(path=path, source="某舆情服务商", now=T0)
    assert (report.stored, report.events_created) == (4, 2)
    incident = Event.objects.get(on_list=True)
    assert (incident.post_count, incident.enterprise) == (3, registry.shinan_enterprise)
    first = Post.objects.get(key="weibo:4890001")
    assert (first.enterprise, first.enterprise_candidates) == (
        registry.shinan_enterprise,
        [
            {
                "id": registry.shinan_enterprise.pk,
                "credit_code": registry.shinan_enterprise.credit_code,
                "name": "青岛海岸电子有限公司",
                "method": "name",
                "confidence": 1.0,
            }
        ],
    )
    assert Post.objects.get(key="url:https://bbs.example.cn/t/9").enterprise is None


def test_a_retelling_of_a_road_joins_its_incident_after_the_index_is_rebuilt(registry, shinan):
    from laborwatch.opinion.index import forget_event_index

    def push(number: int, text: str, at: dt.datetime) -> None:
        record = {"platform": "weibo", "post_id": str(number), "text": text}
        record["published_at"] = at.isoformat()
        opinion_ingest_records(records=[record], source="推送", now=at + HOUR)

    push(1, "市南区云霄路一家饭店拖欠二十多名服务员两个月工资，员工今天在店门口拉横幅讨薪", T0)
    stored = Post.objects.get()
    assert (stored.labour, stored.enterprise, stored.district, stored.places) == (
        True,
        None,
        shinan,
        ["云霄路"],
    )
    # As after a restart, or a merge elsewhere: the next batch rebuilds the index from the
    # stored posts, their roads with them.
    forget_event_index()
    # 某企业 names no enterprise; the same road and district two days on.
    push(2, "听说云霄路那边某企业老板跑了，服务员的工资到现在都没发，有没有人管管", T0 + 48 * HOUR)
    retold = Post.objects.get(post_id="2")
    assert (retold.enterprise, retold.district, retold.places) == (None, shinan, ["云霄路"])
    assert retold.event == stored.event
    assert Event.objects.get().post_count == 2
