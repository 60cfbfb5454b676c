"""The one near-duplicate index of posts (the engine's EventIndex) in each process.

Kept in lib.process_cache for INDEX_CACHE_SECONDS and built from the stored posts of the last
WINDOW (their stored signatures, so no text is shingled again). Before each batch the ingest
brings it up to date with the posts stored since it last looked (`catch_up`, under the cluster
lock: see models.ClusterLock), so a process never clusters against an index that misses what
another process stored. A merge or split changes the events of stored posts: it forgets the
index, and the next batch rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from laborwatch.lib.process_cache import ProcessCache
from laborwatch.opinion.engine.cluster import ClusterPost, EventIndex
from laborwatch.opinion.models import Post

INDEX_CACHE_SECONDS = 600.0
WINDOW = dt.timedelta(days=30)
_CHUNK = 5000


@dataclass
class KeptIndex:
    index: EventIndex
    # Every stored post with an event and a key up to this is in the index.
    through_pk: int = 0
    # One batch at a time uses the index of a process (it changes as posts are added).
    lock: threading.Lock = field(default_factory=threading.Lock)


_kept: ProcessCache[None, KeptIndex] = ProcessCache(
    "public-opinion event index", seconds=INDEX_CACHE_SECONDS
)


def forget_event_index() -> None:
    """After a merge or split (see ProcessCache.forget)."""
    _kept.forget()


def cluster_post(
    post: Post,
    *,
    title: str | None = None,
    text: str | None = None,
    places: tuple[str, ...] | None = None,
) -> ClusterPost:
    """The post as the index sees it; `title` and `text` as received when they are at hand
    (the stored ones have personal data masked); `places`, the streets and roads its analysis
    found (PostAnalysis.places, kept as Post.places: they join retellings naming no
    enterprise), the stored ones when not given."""
    title = post.title if title is None else title
    text = post.text if text is None else text
    return ClusterPost(
        key=post.key,
        text=f"{title}\n{text}",
        published_at=post.published_at,
        enterprise_id=post.enterprise_id,
        district=post.district.code if post.district else None,
        category=(post.category or None) if post.labour else None,
        enterprise_candidates=candidate_ids(post.enterprise_id, post.enterprise_candidates),
        places=tuple(post.places or ()) if places is None else places,
    )


def candidate_ids(enterprise_id: int | None, candidates: list[dict]) -> tuple[int, ...]:
    """The registry ids of a post's weaker link candidates, when none was linked."""
    if enterprise_id is not None:
        return ()
    return tuple(c["id"] for c in candidates or () if "id" in c)


def event_index(now: dt.datetime) -> KeptIndex:
    """This process's index (built from the stored posts when it has none)."""
    return _kept.get(None, lambda: KeptIndex(EventIndex(window=WINDOW)))


def catch_up(kept: KeptIndex, now: dt.datetime) -> int:
    """Add the posts stored (with their event) since the index last looked, and forget those
    older than the window; how many were added. Call with `kept.lock` held, inside the batch's
    cluster lock."""
    kept.index.prune(now - WINDOW)
    rows = (
        Post.objects.filter(
            pk__gt=kept.through_pk,
            event__isnull=False,
            published_at__gte=now - WINDOW,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "key",
            "published_at",
            "enterprise_id",
            "district__code",
            "labour",
            "category",
            "enterprise_candidates",
            "places",
            "signature",
            "event_id",
        )
    )
    added = 0
    batch: list[tuple[ClusterPost, bytes, int]] = []
    last = kept.through_pk
    for (
        pk,
        key,
        published_at,
        enterprise_id,
        district,
        labour,
        category,
        candidates,
        places,
        signature,
        event_id,
    ) in rows.iterator(chunk_size=_CHUNK):
        post = ClusterPost(
            key=key,
            text="",
            published_at=published_at,
            enterprise_id=enterprise_id,
            district=district,
            category=(category or None) if labour else None,
            enterprise_candidates=candidate_ids(enterprise_id, candidates),
            places=tuple(places or ()),
        )
        batch.append((post, bytes(signature), event_id))
        last = pk
        if len(batch) >= _CHUNK:
            kept.index.add_signed(batch)
            added += len(batch)
            batch = []
    if batch:
        kept.index.add_signed(batch)
        added += len(batch)
    kept.through_pk = max(kept.through_pk, last)
    return added
