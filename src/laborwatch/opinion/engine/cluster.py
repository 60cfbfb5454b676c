"""Events from posts: reposts, quotes and lightly edited copies join by near-duplicate text
(MinHash-LSH over character shingles, minhash.py); retellings in other words join when they
name the same enterprise and place within a few days. Two posts linked to different
enterprises never join.

`EventIndex` holds the posts of the last `window` days with their events; `assign` places a
batch of new posts (into existing events or new ones) without changing the index, and the
app adds the posts once stored (`add_existing`, or `add_signed` from stored signatures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from laborwatch.opinion.engine.minhash import (
    BANDS,
    NUM_PERM,
    band_keys,
    shingle_text,
    signatures,
    similarity,
)

# Estimated Jaccard similarity of shingles from which two posts tell the same thing in the
# same words (a repost with a comment, a copy with a line changed).
NEAR_DUPLICATE = 0.6
# Near-duplicates (not identical) join only this close in time: reposts and copies follow
# within hours or days, while a template-like text (weather, an ad, a road closure) said
# again weeks later is another story. Identical texts join within the index window.
NEAR_DUPLICATE_WINDOW = timedelta(days=7)
# Retellings in other words join only this close in time, same enterprise, same place.
RETELLING_WINDOW = timedelta(days=5)
# An index bucket holding more entries than this is looked at through its latest ones only.
MAX_BUCKET_LOOK = 50
# central_key compares at most this many posts (evenly spaced in time) with each other.
MAX_CENTRAL_POSTS = 400
_NO_ENTERPRISE = -1
_NO_EVENT = -1


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


@dataclass
class Assignment:
    to_existing: dict[str, int] = field(default_factory=dict)  # post key → existing event id
    new_events: list[list[str]] = field(default_factory=list)  # keys of each new event


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def signature_of(text: str) -> np.ndarray | None:
    """The MinHash signature of a post's text, None when it is too short to have one."""
    rows, signed = signatures([shingle_text(text)])
    return rows[0] if signed[0] else None


# --- the nodes of a batch --------------------------------------------------------------------


@dataclass
class _Nodes:
    """A batch's posts grouped: one node per distinct shingled text and enterprise (copies
    are one node), one per post too short to sign."""

    posts: list[list[ClusterPost]]
    times: np.ndarray  # first published, epoch seconds
    enterprises: np.ndarray  # -1 when none
    districts: list[str | None]
    labour: np.ndarray  # bool
    candidates: list[tuple[int, ...]]  # of nodes without an enterprise
    signed: np.ndarray  # bool
    signatures: np.ndarray  # (nodes, NUM_PERM) uint32


def _nodes(posts: Sequence[ClusterPost], window: int) -> _Nodes:
    grouped: dict[tuple, list[ClusterPost]] = {}
    unsigned: list[list[ClusterPost]] = []
    texts: dict[str, str] = {}
    for post in posts:
        text = texts.get(post.text)
        if text is None:
            text = texts[post.text] = shingle_text(post.text)
        enterprise = _NO_ENTERPRISE if post.enterprise_id is None else post.enterprise_id
        grouped.setdefault((text, enterprise), []).append(post)
    # Copies further apart in time than the window are different events' (a yearly ad).
    for key, group in list(grouped.items()):
        group.sort(key=lambda post: post.published_at)
        seconds = [_seconds(post.published_at) for post in group]
        if seconds[-1] - seconds[0] <= window:
            continue
        del grouped[key]
        start = 0
        for index in range(1, len(group) + 1):
            if index == len(group) or seconds[index] - seconds[index - 1] > window:
                grouped[(*key, index)] = group[start:index]
                start = index
    keys = list(grouped)
    rows, signed = signatures([key[0] for key in keys])
    groups = [grouped[key] for key in keys]
    signed_groups = [group for group, ok in zip(groups, signed, strict=True) if ok]
    for group, ok in zip(groups, signed, strict=True):
        if not ok:
            unsigned.extend([post] for post in group)
    members = signed_groups + unsigned
    count = len(members)
    all_signatures = np.full((count, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    all_signatures[: len(signed_groups)] = rows[signed]
    return _Nodes(
        posts=members,
        times=np.array([min(_seconds(p.published_at) for p in group) for group in members]),
        enterprises=np.array([_enterprise(group[0]) for group in members], dtype=np.int64),
        districts=[next((p.district for p in group if p.district), None) for group in members],
        labour=np.array([any(p.category for p in group) for group in members], dtype=bool),
        candidates=[_candidates(group) for group in members],
        signed=np.arange(count) < len(signed_groups),
        signatures=all_signatures,
    )


def _candidates(group: list[ClusterPost]) -> tuple[int, ...]:
    if group[0].enterprise_id is not None:
        return ()
    return tuple(dict.fromkeys(c for post in group for c in post.enterprise_candidates))


def _enterprise(post: ClusterPost) -> int:
    return _NO_ENTERPRISE if post.enterprise_id is None else post.enterprise_id


def _bucket_edges(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    pairs = np.unique(np.minimum(left, right) * len(keys) + np.maximum(left, right))
    return np.divmod(pairs, len(keys))


def _close_enough(strength: np.ndarray, apart: np.ndarray, window: int) -> np.ndarray:
    """Near-duplicates within NEAR_DUPLICATE_WINDOW; the same signature within the window."""
    near_window = min(window, int(NEAR_DUPLICATE_WINDOW.total_seconds()))
    return (apart <= near_window) | ((strength == 1.0) & (apart <= window))


def _compatible(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (left == _NO_ENTERPRISE) | (right == _NO_ENTERPRISE) | (left == right)


# --- union-find that keeps enterprises apart -------------------------------------------------


class _Components:
    """Union-find over a batch's nodes and the stored events they touch; a union that would
    put two enterprises, or two stored events, in one component is refused."""

    def __init__(self, enterprises: Sequence[int], events: Sequence[int]):
        self.parent = list(range(len(enterprises)))
        self.enterprise = list(enterprises)
        self.event = list(events)

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
        if a != _NO_ENTERPRISE and b != _NO_ENTERPRISE and a != b:
            return
        event_a, event_b = self.event[left], self.event[right]
        if event_a != _NO_EVENT and event_b != _NO_EVENT and event_a != event_b:
            return
        if right < left:
            left, right = right, left
        self.parent[right] = left
        self.enterprise[left] = a if a != _NO_ENTERPRISE else b
        self.event[left] = event_a if event_a != _NO_EVENT else event_b


# --- the index -------------------------------------------------------------------------------


class EventIndex:
    """Near-duplicate index (MinHash-LSH over character shingles, datasketch's MinHash scheme)
    of the posts of the last `window` days, with the event each belongs to.

    Copies are kept once per event (one entry per distinct signature and event, with the
    latest time), so a million posts of which most are reposts take a fraction of the room."""

    def __init__(self, *, window: timedelta = timedelta(days=30)) -> None:
        self.window = window
        self._signatures = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._times = np.zeros(0, dtype=np.int64)
        self._events = np.zeros(0, dtype=np.int64)
        self._enterprises = np.zeros(0, dtype=np.int64)
        self._entry_of: dict[tuple[bytes, int], int] = {}
        self._event_enterprises: dict[int, int] = {}
        self._sorted_keys = np.zeros(0, dtype=np.uint64)
        self._sorted_entries = np.zeros(0, dtype=np.int64)
        # Labour posts with an enterprise, for retellings: enterprise → [(time, event, district)]
        self._retellings: dict[int, list[tuple[int, int, str | None]]] = defaultdict(list)
        self.posts = 0

    def __len__(self) -> int:
        """Entries (distinct signatures per event) held."""
        return len(self._events)

    # -- filling ------------------------------------------------------------------------------

    def signature(self, post: ClusterPost) -> bytes:
        """The post's signature as bytes (NUM_PERM × 4), b"" for a text too short to sign; the
        app stores it and rebuilds the index with add_signed without re-reading texts."""
        row = signature_of(post.text)
        return b"" if row is None else row.astype("<u4").tobytes()

    def add_existing(self, posts: Iterable[tuple[ClusterPost, int]]) -> None:
        """Posts already stored, with their event ids."""
        items = list(posts)
        texts = [shingle_text(post.text) for post, _ in items]
        rows, signed = signatures(texts)
        self._add(
            [
                (post, rows[index] if signed[index] else None, event)
                for index, (post, event) in enumerate(items)
            ]
        )

    def add_signed(self, items: Iterable[tuple[ClusterPost, bytes, int]]) -> None:
        """Posts already stored with the signature bytes `signature()` gave; their text may
        be ""."""
        self._add(
            [
                (
                    post,
                    np.frombuffer(signed, dtype="<u4").astype(np.uint32) if signed else None,
                    event,
                )
                for post, signed, event in items
            ]
        )

    def _add(self, items: list[tuple[ClusterPost, np.ndarray | None, int]]) -> None:
        new_rows: list[np.ndarray] = []
        new_times: list[int] = []
        new_events: list[int] = []
        new_enterprises: list[int] = []
        start = len(self._events)
        for post, row, event in items:
            self.posts += 1
            seconds = _seconds(post.published_at)
            if post.enterprise_id is not None:
                self._event_enterprises.setdefault(event, post.enterprise_id)
            if post.category and post.enterprise_id is not None:
                self._retellings[post.enterprise_id].append((seconds, event, post.district))
            if row is None:
                continue
            identity = (row.tobytes(), event)
            entry = self._entry_of.get(identity)
            if entry is None:
                entry = self._entry_of[identity] = start + len(new_rows)
                new_rows.append(row)
                new_times.append(seconds)
                new_events.append(event)
                new_enterprises.append(_enterprise(post))
            elif entry >= start:
                new_times[entry - start] = max(new_times[entry - start], seconds)
                if new_enterprises[entry - start] == _NO_ENTERPRISE:
                    new_enterprises[entry - start] = _enterprise(post)
            else:
                self._times[entry] = max(self._times[entry], seconds)
        for history in self._retellings.values():
            history.sort()
        if not new_rows:
            return
        rows = np.vstack(new_rows)
        self._signatures = np.vstack([self._signatures, rows])
        self._times = np.concatenate([self._times, np.array(new_times, dtype=np.int64)])
        self._events = np.concatenate([self._events, np.array(new_events, dtype=np.int64)])
        self._enterprises = np.concatenate(
            [self._enterprises, np.array(new_enterprises, dtype=np.int64)]
        )
        self._index_bands(band_keys(rows), start)

    def _index_bands(self, keys: np.ndarray, start: int) -> None:
        """Merge the new entries' band keys (band mixed in) into the one sorted key array."""
        count = len(keys)
        flat = (keys ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))).ravel()
        entries = np.repeat(np.arange(start, start + count, dtype=np.int64), BANDS)
        all_keys = np.concatenate([self._sorted_keys, flat])
        all_entries = np.concatenate([self._sorted_entries, entries])
        # Two sorted runs: the stable sort merges them in linear time.
        order = np.argsort(all_keys, kind="stable") if len(self._sorted_keys) else np.argsort(flat)
        self._sorted_keys = all_keys[order]
        self._sorted_entries = all_entries[order]

    def prune(self, before: datetime) -> None:
        """Forget the entries last seen before `before` (keep the index to its window)."""
        cutoff = _seconds(before)
        keep = self._times >= cutoff
        for enterprise in list(self._retellings):
            kept = [item for item in self._retellings[enterprise] if item[0] >= cutoff]
            if kept:
                self._retellings[enterprise] = kept
            else:
                del self._retellings[enterprise]
        if keep.all():
            return
        signatures_kept = self._signatures[keep]
        self._signatures = signatures_kept
        self._times = self._times[keep]
        self._events = self._events[keep]
        self._enterprises = self._enterprises[keep]
        self._entry_of = {
            (row.tobytes(), int(event)): index
            for index, (row, event) in enumerate(zip(signatures_kept, self._events, strict=True))
        }
        self._sorted_keys = np.zeros(0, dtype=np.uint64)
        self._sorted_entries = np.zeros(0, dtype=np.int64)
        if len(self._events):
            self._index_bands(band_keys(signatures_kept), 0)

    # -- assigning ----------------------------------------------------------------------------

    def assign(self, posts: Sequence[ClusterPost]) -> Assignment:
        """Place new posts: into existing events or new ones. The index is not changed."""
        unique: dict[str, ClusterPost] = {}
        for post in posts:
            unique.setdefault(post.key, post)
        if not unique:
            return Assignment()
        window = int(self.window.total_seconds())
        nodes = _nodes(list(unique.values()), window)
        count = len(nodes.posts)
        # Stored events first: a new post joins the stored event it resembles (most alike
        # first) before new posts group among themselves.
        stored = self._index_matches(nodes, window) + [
            (node, event, NEAR_DUPLICATE) for node, event in self._index_retellings(nodes)
        ]
        stored.sort(key=lambda match: -match[2])
        events = sorted({event for _, event, _ in stored})
        event_node = {event: count + offset for offset, event in enumerate(events)}
        components = _Components(
            [*nodes.enterprises.tolist(), *(self._event_enterprise(e) for e in events)],
            [_NO_EVENT] * count + events,
        )
        for node, event, _ in stored:
            components.union(node, event_node[event])
        for left, right in self._near_duplicate_edges(nodes, window):
            components.union(left, right)
        for left, right in _retelling_edges(nodes):
            components.union(left, right)
        assignment = Assignment()
        groups: dict[int, list[ClusterPost]] = defaultdict(list)
        for node, members in enumerate(nodes.posts):
            groups[components.find(node)].extend(members)
        for root, members in sorted(groups.items(), key=lambda item: _first(item[1])):
            event = components.event[root]
            if event == _NO_EVENT:
                ordered = sorted(members, key=lambda p: (p.published_at, p.key))
                assignment.new_events.append([post.key for post in ordered])
            else:
                assignment.to_existing.update((post.key, event) for post in members)
        return assignment

    def _near_duplicate_edges(self, nodes: _Nodes, window: int) -> list[tuple[int, int]]:
        signed = np.flatnonzero(nodes.signed)
        if len(signed) < 2:
            return []
        left, right = _bucket_edges(band_keys(nodes.signatures[signed]))
        left, right = signed[left], signed[right]
        strength = similarity(nodes.signatures[left], nodes.signatures[right])
        near = (
            (strength >= NEAR_DUPLICATE)
            & _close_enough(strength, np.abs(nodes.times[left] - nodes.times[right]), window)
            & _compatible(nodes.enterprises[left], nodes.enterprises[right])
        )
        order = np.argsort(-strength[near], kind="stable")
        return list(zip(left[near][order].tolist(), right[near][order].tolist(), strict=True))

    def _event_enterprise(self, event: int) -> int:
        return self._event_enterprises.get(event, _NO_ENTERPRISE)

    def _index_matches(self, nodes: _Nodes, window: int) -> list[tuple[int, int, float]]:
        """(node, event, similarity) of index entries sharing a band with a node and near
        enough in text, time and enterprise."""
        signed = np.flatnonzero(nodes.signed)
        if len(signed) == 0 or len(self._sorted_keys) == 0:
            return []
        keys = band_keys(nodes.signatures[signed])
        flat = (keys ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))).ravel()
        queried = np.repeat(signed, BANDS)
        low = np.searchsorted(self._sorted_keys, flat, side="left")
        high = np.searchsorted(self._sorted_keys, flat, side="right")
        low = np.maximum(low, high - MAX_BUCKET_LOOK)
        sizes = high - low
        hit = sizes > 0
        if not hit.any():
            return []
        sizes, low, queried = sizes[hit], low[hit], queried[hit]
        offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        positions = np.repeat(low, sizes) + offsets
        node = np.repeat(queried, sizes)
        entry = self._sorted_entries[positions]
        pairs = np.unique(node * len(self._events) + entry)
        node, entry = np.divmod(pairs, len(self._events))
        strength = similarity(nodes.signatures[node], self._signatures[entry])
        near = (
            (strength >= NEAR_DUPLICATE)
            & _close_enough(strength, np.abs(nodes.times[node] - self._times[entry]), window)
            & _compatible(nodes.enterprises[node], self._enterprises[entry])
        )
        return list(
            zip(
                node[near].tolist(),
                self._events[entry[near]].tolist(),
                strength[near].tolist(),
                strict=True,
            )
        )

    def _index_retellings(self, nodes: _Nodes) -> list[tuple[int, int]]:
        """(node, stored event) of stored labour posts a node retells: its enterprise (or one
        of its candidates), the same district or one unknown, within RETELLING_WINDOW."""
        window = int(RETELLING_WINDOW.total_seconds())
        found = []
        for node in range(len(nodes.posts)):
            enterprise = int(nodes.enterprises[node])
            named = (enterprise,) if enterprise != _NO_ENTERPRISE else nodes.candidates[node]
            time, district = int(nodes.times[node]), nodes.districts[node]
            for candidate in named:
                event = _latest_retold(self._retellings.get(candidate, []), time, district, window)
                if event is not None:
                    found.append((node, event))
                    break
        return found


def _latest_retold(
    history: list[tuple[int, int, str | None]], time: int, district: str | None, window: int
) -> int | None:
    for seen, event, seen_district in reversed(history):
        if abs(seen - time) > window:
            if seen < time:
                return None
            continue
        if district and seen_district and district != seen_district:
            continue
        return event
    return None


def _retelling_edges(nodes: _Nodes) -> list[tuple[int, int]]:
    """Nodes naming the same enterprise one after another within RETELLING_WINDOW, in the same
    district (or one of them naming none), at least one of the two about labour; and a node
    with candidates only to the nearest such node of a candidate enterprise."""
    window = int(RETELLING_WINDOW.total_seconds())
    by_enterprise: dict[int, list[int]] = defaultdict(list)
    for linked in np.flatnonzero(nodes.enterprises != _NO_ENTERPRISE).tolist():
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
    return edges


def _retells(nodes: _Nodes, one: int, other: int, window: int) -> bool:
    a, b = nodes.districts[one], nodes.districts[other]
    return (
        abs(int(nodes.times[one]) - int(nodes.times[other])) <= window
        and not (a and b and a != b)
        and bool(nodes.labour[one] or nodes.labour[other])
    )


def _first(posts: list[ClusterPost]) -> tuple[datetime, str]:
    return min((post.published_at, post.key) for post in posts)


def cluster_posts(posts: Sequence[ClusterPost]) -> list[list[str]]:
    """Events of posts alone (no stored events): the keys of each, in order of first post."""
    return EventIndex().assign(posts).new_events


def central_key(posts: Sequence[ClusterPost]) -> str:
    """The key of the post most like the others of its event (highest mean estimated
    similarity to them); ties, and posts too short to sign, go to the earliest."""
    if not posts:
        raise ValueError("an event has posts")
    ordered = sorted(posts, key=lambda p: (p.published_at, p.key))
    if len(ordered) > MAX_CENTRAL_POSTS:
        picks = np.linspace(0, len(ordered) - 1, MAX_CENTRAL_POSTS).round().astype(int)
        ordered = [ordered[index] for index in picks]
    rows, signed = signatures([shingle_text(post.text) for post in ordered])
    if not signed.any():
        return ordered[0].key
    agreement = (rows[:, np.newaxis, :] == rows[np.newaxis, :, :]).mean(axis=2)
    agreement[~signed, :] = -1.0
    agreement[:, ~signed] = 0.0
    score = agreement.sum(axis=1)
    return ordered[int(np.argmax(score))].key
