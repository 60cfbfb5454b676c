"""The synthetic post stream: a vendor-style export the opinion engine reads without error,
labels apart, incidents told in several ways and spread, engagement that only grows."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import datetime
from itertools import pairwise

from laborwatch.opinion.engine.read import read_posts
from laborwatch.opinion.engine.records import PLATFORMS

from .conftest import City


def _records(city: City) -> list[dict]:
    with (city.root / "posts.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _labels(city: City) -> dict[str, dict]:
    with (city.root / "posts_labels.jsonl").open(encoding="utf-8") as handle:
        return {row["key"]: row for row in map(json.loads, handle)}


def test_the_export_reads_without_a_refused_row_and_every_post_has_a_label(
    tiny_city: City,
) -> None:
    result = read_posts(tiny_city.root / "posts.jsonl")
    assert (result.file_error, result.errors) == (None, [])
    labels = _labels(tiny_city)
    assert {post.key for post in result.posts} == set(labels)
    assert {post.platform for post in result.posts} <= set(PLATFORMS)
    assert len(result.posts) == tiny_city.manifest["counts"]["posts.jsonl"]
    assert len(labels) == tiny_city.manifest["counts"]["posts_labels.jsonl"]


def test_the_stream_covers_the_last_six_months_in_push_order(tiny_city: City) -> None:
    published = [datetime.fromisoformat(r["published_at"]) for r in _records(tiny_city)]
    assert min(published).strftime("%Y-%m") == "2026-05"
    assert max(published).strftime("%Y-%m") == "2026-10"
    assert all(moment.utcoffset() is not None for moment in published)


def test_a_post_pushed_again_has_grown_counts(tiny_city: City) -> None:
    pushes: dict[tuple, list[dict]] = defaultdict(list)
    for record in _records(tiny_city):
        pushes[(record["post_id"], record["url"])].append(record)
    again = [lines for lines in pushes.values() if len(lines) > 1]
    assert again
    for lines in again:
        for earlier, later in pairwise(lines):
            assert earlier["text"] == later["text"]
            for field in ("reposts", "comments", "likes", "views"):
                assert later[field] >= earlier[field]


def test_labour_incidents_are_told_in_several_ways_and_spread(tiny_city: City) -> None:
    labels = _labels(tiny_city)
    texts_by_incident: dict[str, set[str]] = defaultdict(set)
    posts_by_incident: Counter[str] = Counter()
    for post in read_posts(tiny_city.root / "posts.jsonl").posts:
        incident = labels[post.key]["incident_id"]
        if incident:
            posts_by_incident[incident] += 1
            if "//@" not in post.text:
                texts_by_incident[incident].add(post.text)
    assert len(posts_by_incident) >= 3
    retold = [incident for incident, texts in texts_by_incident.items() if len(texts) >= 2]
    assert len(retold) >= len(posts_by_incident) // 2
    assert max(posts_by_incident.values()) >= 10
    kinds = Counter(label["kind"] for label in labels.values())
    assert {"ad", "news", "complaint"} <= set(kinds)
    assert all(label["labour"] == (label["incident_id"] is not None) for label in labels.values())


def test_a_week_as_a_csv_with_chinese_headers(tiny_city: City) -> None:
    path = tiny_city.root / "posts_week.csv"
    assert path.read_bytes().startswith("\ufeff平台,帖子ID,链接".encode())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) - 1 == tiny_city.manifest["counts"]["posts_week.csv"]
    result = read_posts(path)
    assert (result.format, result.file_error, result.errors) == ("csv", None, [])
    assert len(result.posts) == len(rows) - 1
