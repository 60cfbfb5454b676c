"""Events from posts: reposts, quotes and lightly edited copies join by near-duplicate text
(MinHash-LSH over character shingles, minhash.py); retellings in other words join when they
name the same enterprise and place within a few days, or, naming no enterprise (某企业), the
same street or road as a labour post within three days. Two posts linked to different
enterprises never join.

`EventIndex` holds the posts of the last `window` days with their events; `assign` places a
batch of new posts (into existing events or new ones) without changing the index, and the
app adds the posts once stored (`add_existing`, or `add_signed` from stored signatures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from laborwatch.opinion.engine.minhash import (
    BANDS,
    NUM_PERM,
    band_keys,
    pair_similarity,
    shingle_text,
    signatures,
)
from laborwatch.opinion.engine.nodes import (
    NEAR_DUPLICATE,
    NEAR_DUPLICATE_WINDOW,
    NO_ENTERPRISE,
    NO_EVENT,
    PLACE_RETELLING_WINDOW,
    RETELLING_WINDOW,
    ClusterPost,
    Components,
    Nodes,
    bucket_edges,
    close_enough,
    compatible,
    distinct,
    enterprise_of,
    group_nodes,
    latest_retold,
    retelling_edges,
    seconds_of,
)

__all__ = [
    "NEAR_DUPLICATE",
    "NEAR_DUPLICATE_WINDOW",
    "RETELLING_WINDOW",
    "Assignment",
    "ClusterPost",
    "EventIndex",
    "central_key",
    "cluster_posts",
    "signature_of",
]

# An index bucket holding more entries than this is looked at through its latest ones only
# (template-like noise fills some buckets with thousands of distinct texts; a true copy shares
# many bands with its original, so it meets it in one bucket or another).
MAX_BUCKET_LOOK = 10
# central_key compares at most this many posts (evenly spaced in time) with each other.
MAX_CENTRAL_POSTS = 400


@dataclass
class Assignment:
    to_existing: dict[str, int] = field(default_factory=dict)  # post key → existing event id
    new_events: list[list[str]] = field(default_factory=list)  # keys of each new event
    # Stored events the batch joins into another (gone → kept, the earlier number): posts
    # bridging two stored events tell one incident, as they would in one batch.
    merged: dict[int, int] = field(default_factory=dict)


def signature_of(text: str) -> np.ndarray | None:
    """The MinHash signature of a post's text, None when it is too short to have one."""
    rows, signed = signatures([shingle_text(text)])
    return rows[0] if signed[0] else None


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
        # Posts with an enterprise, for retellings:
        # enterprise → [(time, event, district, about labour)], in order of time and event.
        self._retellings: dict[int, list[tuple[int, int, str | None, bool]]] = defaultdict(list)
        # Posts about labour naming a street or road, for retellings naming no enterprise:
        # place → [(time, event, district, True)], in order of time and event.
        self._places: dict[str, list[tuple[int, int, str | None, bool]]] = defaultdict(list)
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
        distinct: dict[str, int] = {}
        position = [
            distinct.setdefault(shingle_text(post.text), len(distinct)) for post, _ in items
        ]
        rows, signed = signatures(list(distinct))
        self._add(
            [
                (post, rows[number] if signed[number] else None, event)
                for (post, event), number in zip(items, position, strict=True)
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
        touched: set[int] = set()
        touched_places: set[str] = set()
        for post, row, event in items:
            self.posts += 1
            seconds = seconds_of(post.published_at)
            if post.enterprise_id is not None:
                self._event_enterprises.setdefault(event, post.enterprise_id)
            if post.enterprise_id is not None:
                self._retellings[post.enterprise_id].append(
                    (seconds, event, post.district, bool(post.category))
                )
                touched.add(post.enterprise_id)
            if post.category:
                for place in post.places:
                    self._places[place].append((seconds, event, post.district, True))
                    touched_places.add(place)
            if row is None:
                continue
            identity = (row.tobytes(), event)
            entry = self._entry_of.get(identity)
            if entry is None:
                entry = self._entry_of[identity] = start + len(new_rows)
                new_rows.append(row)
                new_times.append(seconds)
                new_events.append(event)
                new_enterprises.append(enterprise_of(post))
            elif entry >= start:
                new_times[entry - start] = max(new_times[entry - start], seconds)
                if new_enterprises[entry - start] == NO_ENTERPRISE:
                    new_enterprises[entry - start] = enterprise_of(post)
            else:
                self._times[entry] = max(self._times[entry], seconds)
        for enterprise in touched:
            self._retellings[enterprise].sort(key=lambda item: item[:2])
        for place in touched_places:
            self._places[place].sort(key=lambda item: item[:2])
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

    def merge_events(self, merged: Mapping[int, int]) -> None:
        """Relabel the entries of each stored event joined into another (Assignment.merged,
        or a merge by hand) as that one's."""
        if not merged:
            return
        gone = np.fromiter(merged, dtype=np.int64, count=len(merged))
        kept = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
        order = np.argsort(gone)
        gone, kept = gone[order], kept[order]
        position = np.clip(np.searchsorted(gone, self._events), 0, len(gone) - 1)
        moved = gone[position] == self._events
        self._events = np.where(moved, kept[position], self._events)
        self._entry_of = {
            (row, merged.get(event, event)): entry for (row, event), entry in self._entry_of.items()
        }
        for event, kept_event in merged.items():
            enterprise = self._event_enterprises.pop(event, None)
            if enterprise is not None:
                self._event_enterprises.setdefault(kept_event, enterprise)
        for histories in (self._retellings, self._places):
            for name, history in histories.items():
                histories[name] = sorted(  # type: ignore[index]
                    (
                        (seen, merged.get(event, event), district, labour)
                        for seen, event, district, labour in history
                    ),
                    key=lambda item: item[:2],
                )

    def prune(self, before: datetime) -> None:
        """Forget the entries last seen before `before` (keep the index to its window)."""
        cutoff = seconds_of(before)
        keep = self._times >= cutoff
        for histories in (self._retellings, self._places):
            for name in list(histories):
                kept = [item for item in histories[name] if item[0] >= cutoff]  # type: ignore[index]
                if kept:
                    histories[name] = kept  # type: ignore[index]
                else:
                    del histories[name]  # type: ignore[arg-type]
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

    # -- keeping ------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """The index as plain arrays (numpy's npz, no pickle): `load` gives it back without
        reading or signing any text again."""
        arrays: dict[str, Any] = {
            "window": np.array(int(self.window.total_seconds()), dtype=np.int64),
            "posts": np.array(self.posts, dtype=np.int64),
            "signatures": self._signatures,
            "times": self._times,
            "events": self._events,
            "enterprises": self._enterprises,
            "sorted_keys": self._sorted_keys,
            "sorted_entries": self._sorted_entries,
            "event_enterprises": np.array(
                list(self._event_enterprises.items()), dtype=np.int64
            ).reshape(-1, 2),
        }
        for name, histories in (("retellings", self._retellings), ("places", self._places)):
            rows = [(key, *item) for key, history in histories.items() for item in history]
            arrays[f"{name}_keys"] = np.array([str(row[0]) for row in rows], dtype=str)
            arrays[f"{name}_times_events"] = np.array(
                [row[1:3] for row in rows], dtype=np.int64
            ).reshape(-1, 2)
            arrays[f"{name}_districts"] = np.array([row[3] or "" for row in rows], dtype=str)
            arrays[f"{name}_labour"] = np.array([row[4] for row in rows], dtype=bool)
        with Path(path).open("wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> EventIndex:
        with np.load(path, allow_pickle=False) as stored:
            index = cls(window=timedelta(seconds=int(stored["window"])))
            index.posts = int(stored["posts"])
            index._signatures = stored["signatures"]
            index._times = stored["times"]
            index._events = stored["events"]
            index._enterprises = stored["enterprises"]
            index._sorted_keys = stored["sorted_keys"]
            index._sorted_entries = stored["sorted_entries"]
            index._event_enterprises = {
                int(event): int(enterprise) for event, enterprise in stored["event_enterprises"]
            }
            for key, item in _saved_history(stored, "retellings"):
                index._retellings[int(key)].append(item)
            for key, item in _saved_history(stored, "places"):
                index._places[key].append(item)
        index._entry_of = {
            (row.tobytes(), int(event)): entry
            for entry, (row, event) in enumerate(zip(index._signatures, index._events, strict=True))
        }
        return index

    # -- assigning ----------------------------------------------------------------------------

    def assign(self, posts: Sequence[ClusterPost], *, workers: int = 1) -> Assignment:
        """Place new posts: into existing events or new ones. The index is not changed.
        `workers` > 1 shingles and signs a large batch's texts in forked processes (the same
        assignment: group_nodes)."""
        unique: dict[str, ClusterPost] = {}
        for post in posts:
            unique.setdefault(post.key, post)
        if not unique:
            return Assignment()
        window = int(self.window.total_seconds())
        nodes = group_nodes(list(unique.values()), window, workers=workers)
        count = len(nodes.posts)
        # Stored events first: a new post joins the stored event it resembles (most alike
        # first) before new posts group among themselves.
        stored = self._index_matches(nodes, window) + [
            (node, event, NEAR_DUPLICATE) for node, event in self._index_retellings(nodes)
        ]
        stored.sort(key=lambda match: -match[2])
        events = sorted({event for _, event, _ in stored})
        event_node = {event: count + offset for offset, event in enumerate(events)}
        components = Components(
            [*nodes.enterprises.tolist(), *(self._event_enterprise(e) for e in events)],
            [NO_EVENT] * count + events,
        )
        for node, event, _ in stored:
            components.union(node, event_node[event])
        left, right = self._near_duplicate_edges(nodes, window)
        # Posts with no enterprise and no stored event have nothing to keep apart: their
        # near-duplicates are joined by scipy's connected components, and only the edges
        # touching the others go through the union-find one by one (most of a feed is
        # noise; a million posts give millions of such edges).
        free = nodes.enterprises == NO_ENTERPRISE
        free[[node for node, _, _ in stored]] = False
        both_free = free[left] & free[right]
        _union_free(components, left[both_free], right[both_free], count)
        for one, other in zip(left[~both_free].tolist(), right[~both_free].tolist(), strict=True):
            components.union(one, other)
        for earlier, later in retelling_edges(nodes):
            components.union(earlier, later)
        assignment = Assignment()
        groups: dict[int, list[ClusterPost]] = defaultdict(list)
        for node, members in enumerate(nodes.posts):
            groups[components.find(node)].extend(members)
        for root, members in sorted(groups.items(), key=lambda item: _first(item[1])):
            event = components.event[root]
            if event == NO_EVENT:
                ordered = sorted(members, key=lambda p: (p.published_at, p.key))
                assignment.new_events.append([post.key for post in ordered])
            else:
                assignment.to_existing.update((post.key, event) for post in members)
        assignment.merged = components.merged
        return assignment

    def _near_duplicate_edges(self, nodes: Nodes, window: int) -> tuple[np.ndarray, np.ndarray]:
        """(left, right) nodes of the near-duplicate pairs, most alike first."""
        signed = np.flatnonzero(nodes.signed)
        if len(signed) < 2:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        left, right = bucket_edges(band_keys(nodes.signatures[signed]))
        left, right = signed[left], signed[right]
        strength = pair_similarity(nodes.signatures, left, nodes.signatures, right)
        near = (
            (strength >= NEAR_DUPLICATE)
            & close_enough(strength, np.abs(nodes.times[left] - nodes.times[right]), window)
            & compatible(nodes.enterprises[left], nodes.enterprises[right])
        )
        order = np.argsort(-strength[near], kind="stable")
        return left[near][order], right[near][order]

    def _event_enterprise(self, event: int) -> int:
        return self._event_enterprises.get(event, NO_ENTERPRISE)

    def _index_matches(self, nodes: Nodes, window: int) -> list[tuple[int, int, float]]:
        """(node, event, similarity) of index entries sharing a band with a node and near
        enough in text, time and enterprise."""
        signed = np.flatnonzero(nodes.signed)
        if len(signed) == 0 or len(self._sorted_keys) == 0:
            return []
        keys = band_keys(nodes.signatures[signed])
        flat = (keys ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))).ravel()
        queried = np.repeat(signed, BANDS)
        # Looked up in order: sorted needles walk the million keys once rather than jumping
        # about them (the pairs are a set below, so the order they are found in is no matter).
        order = np.argsort(flat, kind="stable")
        flat, queried = flat[order], queried[order]
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
        node, entry = np.divmod(distinct(node * len(self._events) + entry), len(self._events))
        strength = pair_similarity(nodes.signatures, node, self._signatures, entry)
        near = (
            (strength >= NEAR_DUPLICATE)
            & close_enough(strength, np.abs(nodes.times[node] - self._times[entry]), window)
            & compatible(nodes.enterprises[node], self._enterprises[entry])
        )
        return list(
            zip(
                node[near].tolist(),
                self._events[entry[near]].tolist(),
                strength[near].tolist(),
                strict=True,
            )
        )

    def _index_retellings(self, nodes: Nodes) -> list[tuple[int, int]]:
        """(node, stored event) of stored posts a node retells: its enterprise (or one of its
        candidates), the same district or one unknown, within RETELLING_WINDOW, at least one
        of the two about labour; for a node with no enterprise and none of its candidates
        found, a stored labour post naming one of its streets or roads within
        PLACE_RETELLING_WINDOW."""
        window = int(RETELLING_WINDOW.total_seconds())
        place_window = int(PLACE_RETELLING_WINDOW.total_seconds())
        found = []
        for node in range(len(nodes.posts)):
            enterprise = int(nodes.enterprises[node])
            named = (enterprise,) if enterprise != NO_ENTERPRISE else nodes.candidates[node]
            time, district = int(nodes.times[node]), nodes.districts[node]
            for candidate in named:
                event = latest_retold(
                    self._retellings.get(candidate, []),
                    time,
                    district,
                    window,
                    bool(nodes.labour[node]),
                )
                if event is not None:
                    found.append((node, event))
                    break
            else:
                if enterprise != NO_ENTERPRISE:
                    continue
                for place in nodes.places[node]:
                    event = latest_retold(
                        self._places.get(place, []), time, district, place_window, True
                    )
                    if event is not None:
                        found.append((node, event))
                        break
        return found


def _saved_history(
    stored: Mapping[str, np.ndarray], name: str
) -> Iterator[tuple[str, tuple[int, int, str | None, bool]]]:
    """(key, (time, event, district, about labour)) of a history EventIndex.save wrote."""
    for key, (seen, event), district, labour in zip(
        stored[f"{name}_keys"].tolist(),
        stored[f"{name}_times_events"].tolist(),
        stored[f"{name}_districts"].tolist(),
        stored[f"{name}_labour"].tolist(),
        strict=True,
    ):
        yield key, (seen, event, district or None, labour)


def _union_free(components: Components, left: np.ndarray, right: np.ndarray, count: int) -> None:
    """Join the nodes of each connected component of the (left, right) graph."""
    if len(left) == 0:
        return
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    involved = distinct(np.concatenate([left, right]))
    first_of: dict[int, int] = {}
    for node, label in zip(involved.tolist(), labels[involved].tolist(), strict=True):
        root = first_of.setdefault(label, node)
        if root != node:
            components.union(root, node)


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
