"""How well posts become events: B-cubed precision and recall of events against labelled
stories, event-level recall of labelled labour incidents, and labour triage precision and
recall, on the synthetic stream's labels (a development aid: the stream is written here).

Events come either from the engine run here (`run_engine`, the intake's steps without the
database) or from the app's export (`laborwatch opinion export --format jsonl`: one event a
line with the keys of its posts), so that what the app stored can be checked the same way.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from laborwatch.opinion.engine.analyse import (
    Places,
    PostAnalysis,
    analyse_posts,
)
from laborwatch.opinion.engine.cluster import ClusterPost, EventIndex
from laborwatch.opinion.engine.collection import collection_paused
from laborwatch.opinion.engine.linking import link_posts
from laborwatch.opinion.engine.records import PostIn
from laborwatch.text.link import Linker
from laborwatch.text.triage import binary_scores

# An incident is found when one event holds at least this share of its posts, and the
# incident's posts are at least this share of that event's.
FOUND_SHARE = 0.5


@dataclass(frozen=True)
class Label:
    story: str
    incident_id: str | None
    labour: bool


def read_labels(path: Path) -> dict[str, Label]:
    """posts_labels.jsonl of the synthetic stream: key → its story, incident and labour flag."""
    labels = {}
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            labels[row["key"]] = Label(row["story"], row["incident_id"], bool(row["labour"]))
    return labels


def read_exported_events(path: Path) -> list[list[str]]:
    """The app's JSONL export: each event's post keys ({"event": …, "posts": [{"key": …}]})."""
    events = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                events.append([post["key"] for post in json.loads(line)["posts"]])
    return events


# --- measures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    posts: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def bcubed(events: Sequence[Sequence[str]], truth: Mapping[str, str]) -> BCubed:
    """B-cubed over the posts both sides know: per post, the share of its event that shares its
    story (precision) and the share of its story that shares its event (recall), averaged."""
    event_of = {key: number for number, keys in enumerate(events) for key in keys if key in truth}
    event_sizes = Counter(event_of.values())
    story_sizes = Counter(truth[key] for key in event_of)
    together = Counter((event_of[key], truth[key]) for key in event_of)
    if not event_of:
        return BCubed(0.0, 0.0, 0)
    precision = recall = 0.0
    for key, event in event_of.items():
        shared = together[(event, truth[key])]
        precision += shared / event_sizes[event]
        recall += shared / story_sizes[truth[key]]
    count = len(event_of)
    return BCubed(precision / count, recall / count, count)


@dataclass(frozen=True)
class IncidentRecall:
    incidents: int
    found: int
    missed: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.found / self.incidents if self.incidents else 0.0


def incident_recall(events: Sequence[Sequence[str]], labels: Mapping[str, Label]) -> IncidentRecall:
    """Labour incidents found as an event (FOUND_SHARE of its posts in one event that is at
    least FOUND_SHARE the incident's), among the incidents with a post in `events`."""
    posts_of: Counter[str] = Counter()
    for key in {key for keys in events for key in keys}:
        label = labels.get(key)
        if label is not None and label.incident_id:
            posts_of[label.incident_id] += 1
    found = set()
    for keys in events:
        incidents: Counter[str] = Counter()
        known = 0
        for key in keys:
            label = labels.get(key)
            if label is None:
                continue
            known += 1
            if label.incident_id:
                incidents[label.incident_id] += 1
        for incident, count in incidents.items():
            if count >= FOUND_SHARE * posts_of[incident] and count >= FOUND_SHARE * known:
                found.add(incident)
    wanted = sorted(incident for incident, count in posts_of.items() if count)
    missed = tuple(incident for incident in wanted if incident not in found)
    return IncidentRecall(len(wanted), len(wanted) - len(missed), missed)


def triage_scores(analyses: Iterable[PostAnalysis], labels: Mapping[str, Label]) -> dict:
    pairs = [(a.labour, labels[a.key].labour) for a in analyses if a.key in labels]
    predicted = np.array([p for p, _ in pairs], dtype=bool)
    truth = np.array([t for _, t in pairs], dtype=bool)
    return binary_scores(predicted, truth).as_dict()


# --- the engine without the database ---------------------------------------------------------


@dataclass
class EngineRun:
    posts: list[PostIn]  # one per key, the first pushed
    analyses: list[PostAnalysis]
    events: list[list[str]]
    seconds: dict[str, float] = field(default_factory=dict)
    distinct_texts: int = 0
    cpu: dict[str, float] = field(default_factory=dict)


def first_of_each(posts: Iterable[PostIn]) -> list[PostIn]:
    """One post per key, the first pushed (later pushes only grow its counts)."""
    unique: dict[str, PostIn] = {}
    for post in posts:
        unique.setdefault(post.key, post)
    return list(unique.values())


@lru_cache(maxsize=2)
def registry_numbers(linker: Linker) -> dict[str, int]:
    """Credit code → its row in the linker's registry, read once per linker (a batch after
    batch does not read the registry again)."""
    codes = linker.entries.codes
    return {codes[index]: index for index in range(len(codes))}


def link_labour_posts(
    posts: Sequence[PostIn],
    analyses: Sequence[PostAnalysis],
    linker: Linker,
    *,
    workers: int = 1,
) -> dict[str, tuple[int | None, tuple[int, ...]]]:
    """Post key → (enterprise number: its row in the linker's registry, when linked; else the
    numbers of the weaker candidates) for the posts worth linking (engine.linking), in
    `workers` processes."""
    numbers = registry_numbers(linker)
    return {
        key: (
            None if link.linked is None else numbers[link.linked.credit_code],
            tuple(numbers[c.credit_code] for c in link.candidates),
        )
        for key, link in link_posts(posts, analyses, linker.link, workers=workers).items()
    }


def cluster_input(
    posts: Sequence[PostIn],
    analyses: Sequence[PostAnalysis],
    enterprises: Mapping[str, tuple[int | None, tuple[int, ...]]],
) -> list[ClusterPost]:
    cluster_posts = []
    for post, analysis in zip(posts, analyses, strict=True):
        enterprise, candidates = enterprises.get(post.key, (None, ()))
        cluster_posts.append(
            ClusterPost(
                key=post.key,
                text=f"{post.title}\n{post.text}" if post.title else post.text,
                published_at=post.published_at,
                enterprise_id=enterprise,
                district=analysis.district,
                category=analysis.category,
                enterprise_candidates=candidates,
                places=analysis.places,
            )
        )
    return cluster_posts


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (forked analysis workers)."""
    used = os.times()  # children's figures count once they have ended (0 on Windows)
    return used.user + used.system + used.children_user + used.children_system


def cluster_in_batches(posts: Sequence[ClusterPost], *, hours: float) -> list[list[str]]:
    """Events as the app makes them: the posts delivered in batches of `hours` (by publication
    time), each batch assigned against the index of the batches before it (pruned to its
    window), then added to it; stored events a batch joins together become one."""
    index = EventIndex()
    width = int(hours * 3600)
    batches: dict[int, list[ClusterPost]] = defaultdict(list)
    for post in posts:
        batches[int(post.published_at.timestamp()) // width].append(post)
    members: dict[int, list[str]] = {}
    numbers = itertools.count()
    for number in sorted(batches):
        batch = batches[number]
        delivered = max(post.published_at for post in batch)
        index.prune(delivered - index.window)
        assignment = index.assign(batch)
        for gone, kept in assignment.merged.items():
            members[kept].extend(members.pop(gone, []))
        event_of: dict[str, int] = {}
        for key, event in assignment.to_existing.items():
            members[event].append(key)
            event_of[key] = event
        for group in assignment.new_events:
            event = next(numbers)
            members[event] = list(group)
            event_of.update((key, event) for key in group)
        index.add_existing([(post, event_of[post.key]) for post in batch if post.key in event_of])
        index.merge_events(assignment.merged)
    return list(members.values())


def run_engine(
    posts: Sequence[PostIn],
    *,
    places: Places,
    linker: Linker | None,
    workers: int = 1,
    batch_hours: float | None = None,
) -> EngineRun:
    """Triage, link (labour posts) and cluster `posts` as the intake would, timing each step
    (`seconds`: wall; `cpu`: CPU of this process and its workers); in one pass, or in
    batches of `batch_hours` as the app ingests them (cluster_in_batches); the cycle
    collector paused meanwhile (engine.collection)."""
    with collection_paused():
        return _run_engine(posts, places, linker, workers, batch_hours)


def _run_engine(
    posts: Sequence[PostIn],
    places: Places,
    linker: Linker | None,
    workers: int,
    batch_hours: float | None,
) -> EngineRun:
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def step(name: str, started: float, cpu_started: float) -> tuple[float, float]:
        seconds[name] = time.perf_counter() - started
        cpu[name] = _cpu_seconds() - cpu_started
        return time.perf_counter(), _cpu_seconds()

    clock = time.perf_counter(), _cpu_seconds()
    unique = first_of_each(posts)
    analyses = analyse_posts(unique, places=places, workers=workers)
    clock = step("triage", *clock)
    enterprises = (
        link_labour_posts(unique, analyses, linker, workers=workers) if linker is not None else {}
    )
    clock = step("link", *clock)
    clustered = cluster_input(unique, analyses, enterprises)
    if batch_hours is None:
        events = EventIndex().assign(clustered, workers=workers).new_events
    else:
        events = cluster_in_batches(clustered, hours=batch_hours)
    step("cluster", *clock)
    distinct = len({(post.title, post.text) for post in unique})
    return EngineRun(unique, analyses, events, seconds, distinct, cpu)


def figures(events: Sequence[Sequence[str]], labels: Mapping[str, Label]) -> dict[str, object]:
    """B-cubed over all posts (stories of noise too) and over labour posts, incident recall."""
    stories = {key: label.story for key, label in labels.items()}
    labour_stories = {key: label.story for key, label in labels.items() if label.labour}
    everything = bcubed(events, stories)
    labour = bcubed(events, labour_stories)
    recall = incident_recall(events, labels)
    by_size: dict[int, int] = defaultdict(int)
    for keys in events:
        by_size[min(len(keys), 100)] += 1
    return {
        "events": len(events),
        "bcubed_all": _rounded(everything),
        "bcubed_labour": _rounded(labour),
        "labour_incidents": recall.incidents,
        "labour_incidents_found": recall.found,
        "labour_incident_recall": round(recall.recall, 4),
        "missed_incidents": list(recall.missed[:20]),
    }


def _rounded(measure: BCubed) -> dict[str, object]:
    return {
        "precision": round(measure.precision, 4),
        "recall": round(measure.recall, 4),
        "f1": round(measure.f1, 4),
        "posts": measure.posts,
    }
