"""A batch of posts as the clustering sees it: copies grouped into nodes, and the edges that
may join nodes — near-duplicates that share an LSH band, retellings that name the same
enterprise — with a union-find that never puts two enterprises (or two stored events) in one
event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from laborwatch.opinion.engine.forked import can_fork, forked_map
from laborwatch.opinion.engine.minhash import NUM_PERM, shingle_text, signatures
from laborwatch.opinion.engine.records import reposted_text

# Estimated Jaccard similarity of shingles from which two posts tell the same thing in the
# same words (a repost with a comment, a copy with a line changed).
NEAR_DUPLICATE = 0.6
# Near-duplicates (not identical) join only this close in time: reposts and copies follow
# within hours or days, while a template-like text (weather, an ad, a road closure) said
# again weeks later is another story. Identical texts join within the index window.
NEAR_DUPLICATE_WINDOW = timedelta(days=7)
# Retellings in other words join only this close in time, same enterprise, same place.
RETELLING_WINDOW = timedelta(days=5)
# A retelling that names no enterprise (某企业, 一家工厂, a short name the linker doubts) joins
# the nearest post in time naming the same street or road, within this, in the same district
# (or one naming none), about labour.
PLACE_RETELLING_WINDOW = timedelta(days=3)
NO_ENTERPRISE = -1
# Fewer distinct texts than this are shingled and signed in this process whatever `workers`.
PARALLEL_MIN_TEXTS = 50_000
NO_EVENT = -1


@dataclass(frozen=True, slots=True)
class ClusterPost:
    key: str
    text: str  # title + text
    published_at: datetime
    enterprise_id: int | None = None
    district: str | None = None
    # The demand category when the post is about labour (PostAnalysis.category), else None.
    # A retelling joins by enterprise when at least one of the two posts is about labour.
    category: str | None = None
    # When no enterprise is linked: the linker's weaker candidates, likeliest first (a
    # two-character short name, 佳通). Such a post joins a retelling of the same place and
    # days whose linked enterprise is one of them; two posts with candidates only never join.
    enterprise_candidates: tuple[int, ...] = ()
    # Streets and roads the text names (PostAnalysis.places).
    places: tuple[str, ...] = ()


def seconds_of(moment: datetime) -> int:
    return int(moment.timestamp())


# --- the nodes of a batch --------------------------------------------------------------------


@dataclass
class Nodes:
    """A batch's posts grouped: one node per distinct shingled text and enterprise (copies
    are one node), one per post too short to sign."""

    posts: list[list[ClusterPost]]
    times: np.ndarray  # first published, epoch seconds
    enterprises: np.ndarray  # -1 when none
    districts: list[str | None]
    labour: np.ndarray  # bool
    candidates: list[tuple[int, ...]]  # of nodes without an enterprise
    places: list[tuple[str, ...]]  # streets and roads named
    signed: np.ndarray  # bool
    signatures: np.ndarray  # (nodes, NUM_PERM) uint32


def shingled_texts(texts: Sequence[str]) -> list[str]:
    """What is shingled of each post text: a repost with a short comment as a copy of what it
    reposts."""
    return [shingle_text(reposted_text(text)) for text in texts]


def group_nodes(posts: Sequence[ClusterPost], window: int, *, workers: int = 1) -> Nodes:
    """The batch's nodes; `workers` > 1 shingles and signs the distinct texts of a large batch
    in that many forked processes (engine.forked: each text alone, so the same nodes)."""
    grouped: dict[tuple, list[tuple[int, ClusterPost]]] = {}
    distinct = list(dict.fromkeys(post.text for post in posts))
    forked = workers > 1 and len(distinct) >= PARALLEL_MIN_TEXTS and can_fork()
    texts = dict(
        zip(
            distinct,
            forked_map(shingled_texts, distinct, workers) if forked else shingled_texts(distinct),
            strict=True,
        )
    )
    for post in posts:
        text = texts[post.text]
        enterprise = NO_ENTERPRISE if post.enterprise_id is None else post.enterprise_id
        grouped.setdefault((text, enterprise), []).append((seconds_of(post.published_at), post))
    # Copies further apart in time than the window are different events' (a yearly ad).
    for key, group in list(grouped.items()):
        if len(group) == 1:
            continue
        group.sort(key=lambda item: item[0])
        if group[-1][0] - group[0][0] <= window:
            continue
        del grouped[key]
        start = 0
        for index in range(1, len(group) + 1):
            if index == len(group) or group[index][0] - group[index - 1][0] > window:
                grouped[(*key, index)] = group[start:index]
                start = index
    keys = list(grouped)
    key_texts = [key[0] for key in keys]
    rows, signed = forked_signatures(key_texts, workers) if forked else signatures(key_texts)
    groups = [grouped[key] for key in keys]
    members = [group for group, ok in zip(groups, signed, strict=True) if ok]
    signed_count = len(members)
    for group, ok in zip(groups, signed, strict=True):
        if not ok:
            members.extend([item] for item in group)
    count = len(members)
    all_signatures = np.full((count, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    all_signatures[:signed_count] = rows[signed]
    node_posts: list[list[ClusterPost]] = []
    times: list[int] = []
    districts: list[str | None] = []
    labour: list[bool] = []
    candidates: list[tuple[int, ...]] = []
    places: list[tuple[str, ...]] = []
    # One pass over the nodes (most are one post: a feed's texts are mostly distinct).
    for group in members:
        if len(group) == 1:
            seconds, post = group[0]
            node_posts.append([post])
            times.append(seconds)
            districts.append(post.district or None)
            labour.append(bool(post.category))
            places.append(post.places)
        else:
            node_posts.append([post for _, post in group])
            times.append(min(seconds for seconds, _ in group))
            districts.append(next((p.district for _, p in group if p.district), None))
            labour.append(any(p.category for _, p in group))
            places.append(tuple(dict.fromkeys(name for _, p in group for name in p.places)))
        candidates.append(_candidates(node_posts[-1]))
    return Nodes(
        posts=node_posts,
        times=np.array(times, dtype=np.int64),
        enterprises=np.array([enterprise_of(group[0]) for group in node_posts], dtype=np.int64),
        districts=districts,
        labour=np.array(labour, dtype=bool),
        candidates=candidates,
        places=places,
        signed=np.arange(count) < signed_count,
        signatures=all_signatures,
    )


def forked_signatures(texts: Sequence[str], workers: int) -> tuple[np.ndarray, np.ndarray]:
    """signatures() of slices of `texts` in `workers` forked processes, joined in order."""
    parts = forked_map(_signed_slice, texts, workers)
    if not parts:
        return signatures([])
    return np.vstack([rows for rows, _ in parts]), np.concatenate([ok for _, ok in parts])


def _signed_slice(texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [signatures(texts)]


def _candidates(group: list[ClusterPost]) -> tuple[int, ...]:
    if group[0].enterprise_id is not None:
        return ()
    if len(group) == 1:
        return tuple(dict.fromkeys(group[0].enterprise_candidates))
    return tuple(dict.fromkeys(c for post in group for c in post.enterprise_candidates))


def enterprise_of(post: ClusterPost) -> int:
    return NO_ENTERPRISE if post.enterprise_id is None else post.enterprise_id


def bucket_edges(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows sharing a key in any band: each row with the first of its bucket and
    with the row before it in the bucket."""
    lefts, rights = [], []
    rows = np.arange(len(keys))
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        same = np.concatenate([[False], ordered[1:] == ordered[:-1]])
        starts = np.where(same, 0, rows)
        first = np.maximum.accumulate(starts)
        lefts += [order[first[same]], order[rows[same] - 1]]
        rights += [order[same], order[same]]
    if not lefts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    left, right = np.concatenate(lefts), np.concatenate(rights)
    pairs = distinct(np.minimum(left, right) * len(keys) + np.maximum(left, right))
    return np.divmod(pairs, len(keys))


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) (sorted, each once) by one in-place sort of `values`. numpy 2.4's
    np.unique hashes first: on 1.6 million int64 pairs it took 1.4-3.6 s CPU here, this sort
    0.02-0.03 s."""
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def close_enough(strength: np.ndarray, apart: np.ndarray, window: int) -> np.ndarray:
    """Near-duplicates within NEAR_DUPLICATE_WINDOW; the same signature within the window."""
    near_window = min(window, int(NEAR_DUPLICATE_WINDOW.total_seconds()))
    return (apart <= near_window) | ((strength == 1.0) & (apart <= window))


def compatible(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (left == NO_ENTERPRISE) | (right == NO_ENTERPRISE) | (left == right)


# --- union-find that keeps enterprises apart -------------------------------------------------


class Components:
    """Union-find over a batch's nodes and the stored events they touch; a union that would
    put two enterprises in one component is refused. Two stored events a batch joins become
    one (the earlier number kept, `merged`: gone → kept), as they would have been had their
    posts come in one batch."""

    def __init__(self, enterprises: Sequence[int], events: Sequence[int]):
        self.parent = list(range(len(enterprises)))
        self.enterprise = list(enterprises)
        self.event = list(events)
        self._merged: dict[int, int] = {}

    @property
    def merged(self) -> dict[int, int]:
        """Each stored event joined into another → the one it joins (after every union)."""
        final = {}
        for gone in self._merged:
            kept = gone
            while kept in self._merged:
                kept = self._merged[kept]
            final[gone] = kept
        return final

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def union(self, left: int, right: int) -> None:
        left, right = self.find(left), self.find(right)
        if left == right:
            return
        a, b = self.enterprise[left], self.enterprise[right]
        if a != NO_ENTERPRISE and b != NO_ENTERPRISE and a != b:
            return
        event_a, event_b = self.event[left], self.event[right]
        if event_a != NO_EVENT and event_b != NO_EVENT and event_a != event_b:
            self._merged[max(event_a, event_b)] = min(event_a, event_b)
        if right < left:
            left, right = right, left
        self.parent[right] = left
        self.enterprise[left] = a if a != NO_ENTERPRISE else b
        events = [event for event in (event_a, event_b) if event != NO_EVENT]
        self.event[left] = min(events) if events else NO_EVENT


def latest_retold(
    history: list[tuple[int, int, str | None, bool]],
    time: int,
    district: str | None,
    window: int,
    labour: bool,
) -> int | None:
    """The event of the latest stored post (time, event, district, about labour) of an
    enterprise that a post at `time` retells: within `window`, the same district or one
    unknown, at least one of the two about labour."""
    for seen, event, seen_district, seen_labour in reversed(history):
        if abs(seen - time) > window:
            if seen < time:
                return None
            continue
        if district and seen_district and district != seen_district:
            continue
        if not (labour or seen_labour):
            continue
        return event
    return None


def retelling_edges(nodes: Nodes) -> list[tuple[int, int]]:
    """Nodes naming the same enterprise one after another within RETELLING_WINDOW, in the same
    district (or one of them naming none), at least one of the two about labour; a node
    with candidates only to the nearest such node of a candidate enterprise; and a node with
    no enterprise to the nearest labour node naming one of its streets or roads (place_edges)."""
    window = int(RETELLING_WINDOW.total_seconds())
    by_enterprise: dict[int, list[int]] = defaultdict(list)
    for linked in np.flatnonzero(nodes.enterprises != NO_ENTERPRISE).tolist():
        by_enterprise[int(nodes.enterprises[linked])].append(linked)
    edges: list[tuple[int, int]] = []
    for members in by_enterprise.values():
        members.sort(key=lambda node: nodes.times[node])
        for position, later in enumerate(members):
            # The latest earlier post it may retell (one of another district may lie between).
            for earlier in reversed(members[:position]):
                if nodes.times[later] - nodes.times[earlier] > window:
                    break
                if _retells(nodes, earlier, later, window):
                    edges.append((earlier, later))
                    break
    for node, named in enumerate(nodes.candidates):
        for candidate in named:
            near = [
                other
                for other in by_enterprise.get(candidate, [])
                if _retells(nodes, node, other, window)
            ]
            if near:
                edges.append(
                    (node, min(near, key=lambda o: abs(nodes.times[o] - nodes.times[node])))
                )
                break
    return edges + place_edges(nodes)


def place_edges(nodes: Nodes) -> list[tuple[int, int]]:
    """Nodes naming the same street or road one after another within PLACE_RETELLING_WINDOW:
    each to the latest earlier one it may retell (the same district or one of the two naming
    none, at least one of the two about labour), one of the two naming no enterprise (two
    enterprises' posts join by enterprise only). The analysis gives the places of posts about
    labour or worth linking only (engine.analyse)."""
    window = int(PLACE_RETELLING_WINDOW.total_seconds())
    by_place: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for node, named in enumerate(nodes.places):
        for place in named:
            by_place[place].append((int(nodes.times[node]), node))
    edges: list[tuple[int, int]] = []
    for members in by_place.values():
        members.sort()
        for position in range(1, len(members)):
            time, later = members[position]
            linked = nodes.enterprises[later] != NO_ENTERPRISE
            for back in range(position - 1, -1, -1):
                seen, earlier = members[back]
                if time - seen > window:
                    break
                if linked and nodes.enterprises[earlier] != NO_ENTERPRISE:
                    continue
                if _retells(nodes, earlier, later, window):
                    edges.append((earlier, later))
                    break
    return edges


def _retells(nodes: Nodes, one: int, other: int, window: int) -> bool:
    a, b = nodes.districts[one], nodes.districts[other]
    return (
        abs(int(nodes.times[one]) - int(nodes.times[other])) <= window
        and not (a and b and a != b)
        and bool(nodes.labour[one] or nodes.labour[other])
    )
