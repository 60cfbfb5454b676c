"""Measures of events against labels: B-cubed, incident recall, triage; the app's export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from laborwatch.opinion.engine.analyse import PostAnalysis
from laborwatch.opinion.engine.cluster import ClusterPost, cluster_posts
from laborwatch.opinion.engine.evaluate import (
    Label,
    bcubed,
    cluster_in_batches,
    incident_recall,
    read_exported_events,
    read_labels,
    triage_scores,
)

LABELS = {
    "a1": Label("L1", "L1", True),
    "a2": Label("L1", "L1", True),
    "a3": Label("L1", "L1", True),
    "b1": Label("L2", "L2", True),
    "b2": Label("L2", "L2", True),
    "n1": Label("N1", None, False),
}


def test_bcubed_of_a_perfect_clustering_is_one() -> None:
    truth = {key: label.story for key, label in LABELS.items()}
    measure = bcubed([["a1", "a2", "a3"], ["b1", "b2"], ["n1"]], truth)
    assert (measure.precision, measure.recall, measure.posts) == (1.0, 1.0, 6)


def test_bcubed_of_a_split_and_a_merge() -> None:
    truth = {key: label.story for key, label in LABELS.items()}
    # a1 alone; a2, a3 with b1; b2 alone; n1 alone.
    measure = bcubed([["a1"], ["a2", "a3", "b1"], ["b2"], ["n1"]], truth)
    # precision: a1 1, a2 2/3, a3 2/3, b1 1/3, b2 1, n1 1 → 14/3 / 6
    assert measure.precision == pytest.approx((1 + 2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 6)
    # recall: a1 1/3, a2 2/3, a3 2/3, b1 1/2, b2 1/2, n1 1
    assert measure.recall == pytest.approx((1 / 3 + 2 / 3 + 2 / 3 + 1 / 2 + 1 / 2 + 1) / 6)


def test_bcubed_counts_only_posts_both_sides_know() -> None:
    measure = bcubed([["a1", "x"], ["a2"]], {"a1": "L1", "a2": "L1"})
    assert (measure.precision, measure.recall, measure.posts) == (1.0, 0.5, 2)


def test_an_incident_is_found_when_one_event_holds_most_of_it() -> None:
    recall = incident_recall([["a1", "a2", "n1"], ["a3"], ["b1"], ["b2"]], LABELS)
    assert (recall.incidents, recall.found, recall.missed) == (2, 2, ())
    # b1 and b2 each hold half of L2: found; a1 alone holds a third of L1: not.
    recall = incident_recall([["a1"], ["a2"], ["a3"], ["b1", "b2"]], LABELS)
    assert (recall.incidents, recall.found, recall.missed) == (2, 1, ("L1",))
    # One event swallowing both incidents finds only the one that makes up half of it.
    recall = incident_recall([["a1", "a2", "b1", "b2", "n1", "a3"]], LABELS)
    assert recall.found == 1


def _analysis(key: str, labour: bool) -> PostAnalysis:
    return PostAnalysis(key, labour, 0.9 if labour else 0.1, None, None, None, (), 0.0, ())


def test_triage_precision_and_recall() -> None:
    analyses = [_analysis("a1", True), _analysis("a2", False), _analysis("n1", True)]
    assert triage_scores(analyses, LABELS) == {
        "texts": 3,
        "labour": 2,
        "predicted_labour": 2,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "accuracy": 0.333,
    }


def test_the_apps_export_and_the_labels_file_are_read(tmp_path: Path) -> None:
    export = tmp_path / "events.jsonl"
    export.write_text(
        json.dumps({"event": 1, "posts": [{"key": "weibo:1"}, {"key": "url:https://x.cn/a"}]})
        + "\n\n"
        + json.dumps({"event": 2, "posts": [{"key": "weibo:3"}]})
        + "\n",
        encoding="utf-8",
    )
    assert read_exported_events(export) == [["weibo:1", "url:https://x.cn/a"], ["weibo:3"]]
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        json.dumps({"key": "weibo:1", "story": "L1", "incident_id": "L1", "labour": True}) + "\n",
        encoding="utf-8",
    )
    assert read_labels(labels) == {"weibo:1": Label("L1", "L1", True)}


def test_batch_by_batch_events_equal_the_one_pass_ones_when_a_batch_bridges_two() -> None:
    start = datetime(2026, 5, 1, 1, tzinfo=UTC)
    protest = (
        "青岛顺达建筑工程有限公司拖欠200余名农民工工资三个月，工人们在黄岛区长江中路项目部"
        "门口拉横幅讨薪。"
    )
    posts = [
        ClusterPost("a", "顺达建筑的工人在讨薪", start, 7, None, "WAGE"),
        ClusterPost("b", protest, start + timedelta(hours=7)),
        ClusterPost("c", "转发：" + protest, start + timedelta(hours=13), 7),
        ClusterPost("d", "今天去崂山玩了，风景很好，推荐大家周末去爬山。", start),
    ]
    one_pass = cluster_posts(posts)
    assert one_pass == [["a", "b", "c"], ["d"]]
    in_batches = cluster_in_batches(posts, hours=6)
    assert sorted(sorted(keys) for keys in in_batches) == sorted(one_pass)
