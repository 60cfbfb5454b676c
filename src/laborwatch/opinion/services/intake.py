"""Intake of monitored posts: one service for the vendor file (`laborwatch opinion ingest`) and
the API batch (`POST /api/v1/opinion/posts`).

read/parse (engine; a file PIECE posts at a time) → analyse in bulk (engine: labour, category,
district, workers, cues, organisations) → link enterprises as the engine's evaluation measured
it (engine.linking over the registry's one linker, enterprises.linker) → store posts and
engagement snapshots (a post pushed again updates its counts and keeps the history) → cluster
the new posts into events (engine EventIndex, kept in the process cache and brought up to date
from the stored posts; stored events the new posts bridge are joined) → the figures, heat and
grade of every event touched → events whose posts are mostly not about labour stay off the
list.

Bad rows are refused with their row, field and reason and the valid rows are kept; a file that
cannot be read as a whole is refused whole, before any piece is stored. Posts are stored in
chunks of CHUNK, each in one transaction holding the cluster lock: a chunk is stored whole or
not at all, and loading the same file again changes nothing but the counts that moved.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.linking import LINKER_KINDS
from laborwatch.core.audit import record_event
from laborwatch.core.crypto import digest
from laborwatch.core.masking import mask_personal_data_in_text
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.services import DEFAULT_CITY_FILE
from laborwatch.enterprises.linker import registry_linker
from laborwatch.enterprises.models import Enterprise
from laborwatch.opinion.engine.analyse import (
    OrganisationMentions,
    Places,
    PostAnalysis,
    analyse_posts,
)
from laborwatch.opinion.engine.cluster import ClusterPost, central_key
from laborwatch.opinion.engine.linking import (
    MAX_CANDIDATES,
    full_names_told,
    link_posts,
    link_text,
)
from laborwatch.opinion.engine.read import ReadResult, parse_records, read_posts_in_pieces
from laborwatch.opinion.engine.records import PostIn, RowError
from laborwatch.opinion.grading import engagement
from laborwatch.opinion.index import catch_up, cluster_post, event_index
from laborwatch.opinion.models import ClusterLock, Event, Post, PostEngagement
from laborwatch.opinion.services.clusters import absorb
from laborwatch.opinion.services.figures import refresh_figures, refresh_heat
from laborwatch.opinion.statuses import OPEN_STATUSES, EventStatus

CHUNK = 5000
# Posts of a file read, analysed and stored at a time (bounded memory).
PIECE = 20_000
# Counts beyond this are typing slips (and would overflow the column).
MAX_COUNT = 10**12
# A post dated a little ahead of the server is a clock difference, not the future.
CLOCK_TOLERANCE = dt.timedelta(hours=1)
# Registry rows read at a time (a query's parameters stay within the database's limit).
LOOKUP_CHUNK = 5000
COUNT_FIELDS = ("reposts", "comments", "likes", "views")


@dataclass
class IngestReport:
    rows: int = 0  # rows read (kept and refused)
    stored: int = 0  # new posts
    updated: int = 0  # known posts whose counts moved
    unchanged: int = 0  # known posts pushed again with the same counts
    events_created: int = 0
    events_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None
    file_error_detail: str = ""

    @property
    def refused(self) -> int:
        return len({error.row for error in self.errors})

    def outcome(self) -> dict[str, int]:
        """What became of the posts, as the audit row and the API's answer give it."""
        return {
            "stored": self.stored,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "events_created": self.events_created,
            "events_updated": self.events_updated,
        }


@cache
def places() -> Places:
    """District, street and landmark names of the city file (package data, read once)."""
    return Places.from_city(json.loads(DEFAULT_CITY_FILE.read_text(encoding="utf-8")))


@cache
def organisation_mentions() -> OrganisationMentions:
    """The engine's memo of organisation names by sentence piece, one per process: reposts
    and copies share most pieces (it bounds its own size)."""
    return OrganisationMentions()


def opinion_ingest_file(
    *,
    path: Path,
    source: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """A vendor export (JSONL, CSV in UTF-8 or GBK, XLSX), told by its content, read and
    stored PIECE posts at a time (engine.read.read_posts_in_pieces: a large JSON-lines export
    never sits in memory whole); `on_progress(bytes read, file size)` after each chunk."""
    return _ingest_pieces(
        read_posts_in_pieces(path, PIECE),
        source=source,
        actor=actor,
        now=now,
        on_progress=on_progress,
        size=Path(path).stat().st_size,
    )


def opinion_ingest_records(
    *,
    records: Iterable[Mapping[str, object]],
    source: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> IngestReport:
    """An API batch: the records numbered from 1 in their order."""
    return opinion_ingest(read=parse_records(records), source=source, actor=actor, now=now)


def opinion_ingest(
    *,
    read: ReadResult,
    source: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Store what was read, chunk by chunk; `on_progress(done, total)` after each chunk."""
    read.consumed = len(read.posts)
    return _ingest_pieces(
        [read], source=source, actor=actor, now=now, on_progress=on_progress, size=len(read.posts)
    )


def _ingest_pieces(
    pieces: Iterable[ReadResult],
    *,
    source: str,
    actor: User | None,
    now: dt.datetime | None,
    on_progress: Callable[[int, int], None] | None,
    size: int,
) -> IngestReport:
    """Store the pieces one after another, each chunk by chunk; a refusal stops the intake (a
    piece refused after others only when they kept nothing: see read_posts_in_pieces)."""
    now = now or timezone.now()
    report = IngestReport()
    previous = 0  # bytes (or posts) read before this piece
    for read in pieces:
        report.rows += read.rows
        report.errors.extend(read.errors)
        if read.file_error is not None:
            report.file_error, report.file_error_detail = read.file_error, read.file_error_detail
            return report
        posts = _checked(read.posts, report, now)
        for start in range(0, len(posts), CHUNK):
            _store_chunk(posts[start : start + CHUNK], report, source=source, actor=actor, now=now)
            if on_progress is not None:
                end = min(start + CHUNK, len(posts))
                on_progress(previous + (read.consumed - previous) * end // len(posts), size)
        previous = read.consumed
    report.errors.sort(key=lambda error: (error.row, error.field))
    record_event(
        actor=actor,
        actor_label="" if actor else source[:150],
        action="opinion_post.ingest",
        target_type="opinion.post",
        target_label=source,
        after={"rows": report.rows, **report.outcome()},
        at=now,
    )
    return report


def _checked(posts: Sequence[PostIn], report: IngestReport, now: dt.datetime) -> list[PostIn]:
    """The app's own row checks (times ahead of now, absurd counts); one post per identity,
    the last row of a repeated one winning (a later export of the same post)."""
    kept: dict[str, PostIn] = {}
    for post in posts:
        problems = []
        if post.published_at > now + CLOCK_TOLERANCE:
            problems.append(RowError(post.row, "published_at", "in_future", str(post.published_at)))
        for name in COUNT_FIELDS:
            if getattr(post, name) > MAX_COUNT:
                problems.append(RowError(post.row, name, "too_large", str(getattr(post, name))))
        if problems:
            report.errors.extend(problems)
            continue
        kept.pop(post.key, None)
        kept[post.key] = post
    return list(kept.values())


def _post_engagement(post: PostIn | Post) -> float:
    return engagement(
        reposts=post.reposts, comments=post.comments, likes=post.likes, views=post.views
    )


def _store_chunk(
    posts: Sequence[PostIn],
    report: IngestReport,
    *,
    source: str,
    actor: User | None,
    now: dt.datetime,
) -> None:
    digests = {post.key: digest(post.key) for post in posts}
    with transaction.atomic():
        # Batches are clustered one after another (models.ClusterLock).
        ClusterLock.objects.get_or_create(name="events")
        ClusterLock.objects.select_for_update().get(name="events")
        known = {
            row["key_digest"]: row
            for row in Post.objects.filter(key_digest__in=list(digests.values())).values(
                "pk", "key_digest", "event_id", *COUNT_FIELDS
            )
        }
        fresh = [post for post in posts if digests[post.key] not in known]
        recounted = _update_counts(
            [post for post in posts if digests[post.key] in known], known, digests, report, now
        )
        stored = _store_new(fresh, digests, source=source, now=now)
        report.stored += len(stored)
        created, joined = _cluster(stored, now, actor=actor, source=source)
        new_ids = {event.pk for event in created}
        report.events_created += len(created)
        report.events_updated += len((recounted | joined) - new_ids)
        for event in created:
            _refresh(event, now, central=_central(event))
            record_event(
                actor=actor,
                actor_label="" if actor else source[:150],
                action="opinion_event.create",
                target=event,
                org_unit=event.district,
                after={"posts": event.post_count, "on_list": event.on_list, "grade": event.grade},
                at=now,
            )
        for event in Event.objects.filter(pk__in=joined - new_ids):
            _refresh(event, now, actor=actor, source=source)
        # Known posts with new counts only: the heat moves, the rest stays.
        for event in Event.objects.filter(pk__in=recounted - joined - new_ids):
            _refresh(event, now, actor=actor, source=source, counts_only=True)


def _update_counts(
    posts: Sequence[PostIn],
    known: dict[str, dict],
    digests: dict[str, str],
    report: IngestReport,
    now: dt.datetime,
) -> set[int]:
    """New counts of known posts, each change a snapshot; the events whose figures moved."""
    changed: list[Post] = []
    snapshots: list[PostEngagement] = []
    events: set[int] = set()
    for post in posts:
        row = known[digests[post.key]]
        if all(row[name] == getattr(post, name) for name in COUNT_FIELDS):
            report.unchanged += 1
            continue
        value = _post_engagement(post)
        changed.append(
            Post(
                pk=row["pk"],
                reposts=post.reposts,
                comments=post.comments,
                likes=post.likes,
                views=post.views,
                engagement=value,
                updated_at=now,
            )
        )
        snapshots.append(_snapshot(row["pk"], post, value, now))
        if row["event_id"] is not None:
            events.add(row["event_id"])
    Post.objects.bulk_update(changed, [*COUNT_FIELDS, "engagement", "updated_at"], batch_size=1000)
    PostEngagement.objects.bulk_create(snapshots, batch_size=1000)
    report.updated += len(changed)
    return events


def _snapshot(post_id: int, post: PostIn, value: float, now: dt.datetime) -> PostEngagement:
    return PostEngagement(
        post_id=post_id,
        at=now,
        reposts=post.reposts,
        comments=post.comments,
        likes=post.likes,
        views=post.views,
        engagement=value,
    )


def _store_new(
    posts: Sequence[PostIn], digests: dict[str, str], *, source: str, now: dt.datetime
) -> list[tuple[Post, ClusterPost]]:
    """The new posts, analysed, linked, masked and stored with their first snapshot, each
    with what the index is to see of it."""
    if not posts:
        return []
    analyses = analyse_posts(posts, places=places(), organisations=organisation_mentions())
    districts = {unit.code: unit for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)}
    links = _link(posts, analyses)
    rows: list[tuple[Post, ClusterPost]] = []
    index = event_index(now).index
    for post, analysis in zip(posts, analyses, strict=True):
        enterprise, candidates = links.get(post.key, (None, []))
        title = mask_personal_data_in_text(post.title)
        text = mask_personal_data_in_text(post.text)
        title_masked, text_masked = title != post.title, text != post.text
        row = Post(
            key=post.key,
            key_digest=digests[post.key],
            platform=post.platform,
            post_id=post.post_id or "",
            url=post.url or "",
            author=post.author,
            published_at=post.published_at,
            title=title,
            text=text,
            sealed=(
                json.dumps({"title": post.title, "text": post.text}, ensure_ascii=False)
                if title_masked or text_masked
                else ""
            ),
            ip_region=post.ip_region,
            reposts=post.reposts,
            comments=post.comments,
            likes=post.likes,
            views=post.views,
            engagement=_post_engagement(post),
            labour=analysis.labour,
            labour_probability=analysis.labour_probability,
            category=analysis.category or "",
            district=districts.get(analysis.district or ""),
            workers=analysis.workers,
            cues=list(analysis.cues),
            escalation=analysis.escalation,
            organisations=list(analysis.organisations),
            places=list(analysis.places),
            enterprise=enterprise,
            enterprise_candidates=candidates,
            source=source[:200],
            stored_at=now,
            updated_at=now,
        )
        # Signed and clustered on the text as received (masking would move the shingles).
        clustered = cluster_post(row, title=post.title, text=post.text, places=analysis.places)
        row.signature = index.signature(clustered)
        rows.append((row, clustered))
    Post.objects.bulk_create([row for row, _ in rows], batch_size=1000)
    PostEngagement.objects.bulk_create(
        (
            _snapshot(row.pk, post, row.engagement, now)
            for (row, _), post in zip(rows, posts, strict=True)
        ),
        batch_size=1000,
    )
    return rows


def _link(
    posts: Sequence[PostIn], analyses: Sequence[PostAnalysis]
) -> dict[str, tuple[Enterprise | None, list[dict]]]:
    """Post key → (the enterprise it names, or None with the weaker candidates as stored on the
    post: with the registry id the clustering compares them by), for the posts worth linking:
    the engine's rule (engine.linking, the one the evaluation measures) over the registry's
    one linker; each proposal checked against the registry as it is now."""
    index = registry_linker()
    if index is None:
        return _link_by_full_name(posts, analyses)
    links = link_posts(posts, analyses, index.link)
    codes = {
        candidate.credit_code
        for link in links.values()
        for candidate in (link.candidates if link.linked is None else (link.linked,))
    }
    registered: dict[str, Enterprise] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        registered.update(
            (enterprise.credit_code, enterprise)
            for enterprise in Enterprise.objects.filter(
                credit_code__in=ordered[start : start + LOOKUP_CHUNK]
            )
        )
    found: dict[str, tuple[Enterprise | None, list[dict]]] = {}
    for key, link in links.items():
        shown = link.candidates if link.linked is None else (link.linked,)
        stored = [
            {
                "id": registered[c.credit_code].pk,
                "credit_code": c.credit_code,
                "name": registered[c.credit_code].name,
                "method": LINKER_KINDS.get(c.match_kind, "text"),
                "confidence": c.confidence,
            }
            for c in shown
            if c.credit_code in registered
        ]
        linked = registered.get(link.linked.credit_code) if link.linked is not None else None
        found[key] = (linked, stored)
    return found


def _link_by_full_name(
    posts: Sequence[PostIn], analyses: Sequence[PostAnalysis]
) -> dict[str, tuple[Enterprise | None, list[dict]]]:
    """Without the linking index (LABORWATCH_TEXT_LINKING off): the registered full names a
    post worth linking says as written (engine.linking.full_names_told, looked up in the
    registry). One enterprise named links the post; several are kept as its candidates."""
    told = {
        post.key: full_names_told(link_text(post))
        for post, analysis in zip(posts, analyses, strict=True)
        if analysis.worth_linking
    }
    names = sorted({name for places in told.values() for endings in places for name in endings})
    registered: dict[str, list[Enterprise]] = {}
    for start in range(0, len(names), LOOKUP_CHUNK):
        for enterprise in Enterprise.objects.filter(
            name__in=names[start : start + LOOKUP_CHUNK]
        ).order_by("pk"):
            registered.setdefault(enterprise.name, []).append(enterprise)
    found: dict[str, tuple[Enterprise | None, list[dict]]] = {}
    for key, places in told.items():
        named: list[Enterprise] = []
        for endings in places:
            # The longest registered name ending here (青岛海岸电子有限公司, not 电子有限公司).
            longest = next((registered[name] for name in endings if name in registered), [])
            named.extend(enterprise for enterprise in longest if enterprise not in named)
        if not named:
            continue
        stored = [
            {
                "id": enterprise.pk,
                "credit_code": enterprise.credit_code,
                "name": enterprise.name,
                "method": "name",
                "confidence": 1.0,
            }
            for enterprise in named[:MAX_CANDIDATES]
        ]
        found[key] = (named[0], stored) if len(named) == 1 else (None, stored)
    return found


def _cluster(
    stored: Sequence[tuple[Post, ClusterPost]],
    now: dt.datetime,
    *,
    actor: User | None,
    source: str,
) -> tuple[list[Event], set[int]]:
    """Assign the new posts to events: existing ones, or new events of their own; returns the
    new events and the ids of the existing events that gained posts. A post of an incident
    whose event is closed starts a new event: a flare-up after closure is verified anew.
    Stored events the new posts bridge are joined (_join_bridged)."""
    if not stored:
        return [], set()
    kept = event_index(now)
    by_key = {post.key: post for post, _ in stored}
    with kept.lock:
        catch_up(kept, now)
        assignment = kept.index.assign([clustered for _, clustered in stored])
        merged = _join_bridged(assignment.merged, now, actor=actor, source=source)
        kept.index.merge_events(merged)
    new_groups = [list(group) for group in assignment.new_events]
    joined: set[int] = set(merged.values())
    for key, event_id in assignment.to_existing.items():
        target = _live_event(event_id)
        if target is None:
            new_groups.append([key])
            continue
        by_key[key].event_id = target
        joined.add(target)
    created: list[Event] = []
    for group in new_groups:
        first = min((by_key[key] for key in group), key=lambda post: post.published_at)
        event = Event.begun_by(first, now=now)
        for key in group:
            by_key[key].event_id = event.pk
        created.append(event)
    Post.objects.bulk_update(list(by_key.values()), ["event"], batch_size=1000)
    return created, joined


def _join_bridged(
    bridged: Mapping[int, int], now: dt.datetime, *, actor: User | None, source: str
) -> dict[int, int]:
    """Join the stored events a batch bridges (Assignment.merged: posts of one incident that
    arrived in different batches), as one batch would have made them one event. Only an event
    nobody has acted on yet (待核实) is merged away, into the other; two events both worked
    on stay apart for the centre to merge by hand. Returns the events merged (gone → kept)."""
    done: dict[int, int] = {}
    for gone_id, kept_id in bridged.items():
        gone, kept = _live_event(gone_id), _live_event(kept_id)
        if gone is None or kept is None or gone == kept:
            continue
        rows = {
            event.pk: event
            for event in Event.objects.select_for_update()
            .filter(pk__in=[gone, kept])
            .order_by("pk")
        }
        if rows[gone].status != EventStatus.PENDING:
            gone, kept = kept, gone
        if rows[gone].status != EventStatus.PENDING:
            continue
        absorb(
            rows[gone],
            rows[kept],
            actor=actor,
            actor_label="" if actor else source[:150],
            reason=_("Posts that arrived later tell the incidents of both events as one."),
            now=now,
        )
        done[gone] = kept
    return done


def _live_event(event_id: int) -> int | None:
    """The open event that posts clustered with event `event_id` join: itself, or the event
    it was (in turn) merged into; None when that one is closed or gone."""
    seen: set[int] = set()
    current: int | None = event_id
    while current is not None and current not in seen:
        seen.add(current)
        row = Event.objects.filter(pk=current).values_list("status", "merged_into_id").first()
        if row is None:
            return None
        status, merged_into = row
        if status == EventStatus.MERGED:
            current = merged_into
            continue
        return current if status in OPEN_STATUSES else None
    return None


def _central(event: Event) -> str | None:
    posts = list(event.posts.select_related("district"))
    return central_key([cluster_post(post) for post in posts]) if len(posts) > 1 else None


def _refresh(
    event: Event,
    now: dt.datetime,
    *,
    central: str | None = None,
    actor: User | None = None,
    source: str = "",
    counts_only: bool = False,
) -> None:
    """New figures for an event whose posts changed; a grade reached is audited (it moves the
    response clock). Figures are the system's: no new version for the users' pages."""
    grade_before = event.grade
    if counts_only:
        refresh_heat(event, now=now)
    else:
        refresh_figures(event, now=now, central_key=central)
    event.updated_at = now
    event.save()
    if event.grade != grade_before and event.pk is not None:
        record_event(
            actor=actor,
            actor_label="" if actor else source[:150],
            action="opinion_event.grade",
            target=event,
            org_unit=event.district,
            before={"grade": grade_before},
            after={
                "grade": event.grade,
                "heat": round(event.heat, 2),
                "response_due": event.response_due.isoformat() if event.response_due else None,
            },
            at=now,
        )
