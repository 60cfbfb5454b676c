"""The demo's public-opinion list: the synthetic post stream ingested as the vendor would have
pushed it, and the verification loop worked on its events by the real services, each step
given the moment it happens.

The stream (`posts.jsonl` of the demo city, six months in push order, a post pushed again with
grown counts) is thinned to every labour story and NOISE_SHARE of the noise stories (by the
stream's own labels, `posts_labels.jsonl`: the app still triages every post it is given),
moved so that its newest labour post appears NEWEST_LABOUR_AGE before the demo starts (later
lines dropped), and cut into batches of BATCH_HOURS: each batch is ingested at the end of its
window, as a vendor pushing every few hours would deliver it, so posts have an engagement
history. Between batches the centre and the units work on the events on the list: the
centre assigns each to the union of its district (or verifies it itself), the union signs for
it and verifies it within its deadlines (demo.pace), the centre disposes of what was found
true (a work order for the enterprise, or the work order already open about it), answers in
public (or records why it does not) and closes it days later. Steps that would fall after
the demo's `now` are left undone, so the list holds events in every state, the newest still
to verify.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rich.progress import Progress

from laborwatch.cases.models import Case
from laborwatch.cases.statuses import OPEN_STATUSES as OPEN_CASE_STATUSES
from laborwatch.core.models import OrgUnit, User
from laborwatch.demo.history import Staff, work_case
from laborwatch.demo.pace import when_done
from laborwatch.opinion import services
from laborwatch.opinion.engine.read import parse_records
from laborwatch.opinion.engine.records import normalise_url, platform_code, post_id_of, post_key
from laborwatch.opinion.models import Event, EventAssignment, ResponseKind
from laborwatch.opinion.statuses import EventStatus, VerificationResult

POSTS_FILE, LABELS_FILE = "posts.jsonl", "posts_labels.jsonl"
BATCH_HOURS = 6
NEWEST_LABOUR_AGE = dt.timedelta(hours=3)
# The share of noise stories (ads, local news, other complaints) the demo loads: enough that
# most posts are still not about labour (the triage's work shows), few enough that the first
# start stays within minutes.
NOISE_SHARE = 0.15
SOURCE = "舆情监测服务商"
# What verification finds, and how often.
FINDINGS = {
    VerificationResult.TRUE: 50,
    VerificationResult.PARTLY_TRUE: 20,
    VerificationResult.UNTRUE: 20,
    VerificationResult.UNVERIFIABLE: 10,
}
# Events without a district the centre verifies itself.
CHECKS = {
    VerificationResult.TRUE: ["enterprise_contacted", "site_visit"],
    VerificationResult.PARTLY_TRUE: ["enterprise_contacted", "poster_contacted"],
    VerificationResult.UNTRUE: ["enterprise_contacted", "department_reply"],
    VerificationResult.UNVERIFIABLE: ["poster_contacted"],
}
NOTES = {
    VerificationResult.TRUE: "属地工会实地走访，企业承认存在拖欠工资问题",
    VerificationResult.PARTLY_TRUE: "经核实，企业确有拖欠，但涉及人数和金额与帖文所述不符",
    VerificationResult.UNTRUE: "经联系企业和人社部门核实，企业工资按月足额发放，帖文不属实",
    VerificationResult.UNVERIFIABLE: "发帖人未回复，帖文所述企业无法确认",
}
# How soon the centre assigns an event by its grade (hours after it came on the list): a
# 重大 one at once, an 一般 one often only the next morning.
ASSIGN_HOURS = {"grave": (0.1, 1.0), "major": (0.5, 4.0), "general": (1.0, 20.0)}
# How long the steps after signing take (hours): the union's verification (a visit, calls),
# the centre's disposal, and closing once the response is out and the work order runs.
VERIFY_HOURS, DISPOSE_HOURS, CLOSE_HOURS = (12.0, 96.0), (24.0, 120.0), (120.0, 480.0)
# Deciding whether to answer a post found untrue or unverifiable in public.
WEIGH_HOURS = (24.0, 96.0)
# The public response once the finding is known and the deadline has already passed.
LATE_RESPONSE_HOURS = (2.0, 24.0)
# Now and then a step waits: a busy union, a disposal that needs a meeting, a response held
# for the leaders' approval. Such a step takes SLOW_FACTOR times as long; it is what leaves
# some events in every state of the list, and their lights yellow or red.
SLOW_SHARE, SLOW_FACTOR = 0.2, (3.0, 8.0)
# And now and then an event stalls before one of its steps and waits there still: nobody
# assigned it, the union has not reported, the disposal or the response is pending a
# decision. The backlog a centre has, and what the sweep urges and escalates.
STALL_SHARE = 0.15
STALLED_STEPS = ("assign", "verify", "dispose", "respond", "close")
# A new event about an enterprise already being verified, this recent, is merged into it.
MERGE_DAYS = 7
# Share of unverifiable events the centre still disposes of (a work order to follow it up).
UNVERIFIABLE_DISPOSED = 0.5
# Share of events found untrue or unverifiable the centre decides not to answer in public.
DECLINED_SHARE = 0.5


def stream_batches(
    records: list[dict[str, Any]], *, now: dt.datetime, newest: dt.datetime | None = None
) -> Iterator[tuple[dt.datetime, list[dict[str, Any]]]]:
    """(delivery time, records) of each batch of the stream moved so that `newest` (the latest
    publication time, by default) falls NEWEST_LABOUR_AGE before `now`; lines moved past `now`
    are left out.

    The stream gives no push times: a line is taken as pushed once the stream has reached
    its publication time (lines come in push order, every push after its publication)."""
    times = [dt.datetime.fromisoformat(str(record["published_at"])) for record in records]
    if not times:
        return
    shift = now - NEWEST_LABOUR_AGE - (newest or max(times))
    window = dt.timedelta(hours=BATCH_HOURS)
    clock = times[0] + shift
    batch_end = _window_end(clock, window)
    batch: list[dict[str, Any]] = []
    for record, published in zip(records, times, strict=True):
        moved = published + shift
        clock = max(clock, moved)
        if clock >= now:
            break
        if clock >= batch_end and batch:
            yield batch_end, batch
            batch, batch_end = [], _window_end(clock, window)
        batch.append({**record, "published_at": moved.isoformat()})
    if batch:
        yield min(batch_end, now), batch


def demo_stream(folder: Path, *, seed: int) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """The stream's lines the demo loads (every labour story, NOISE_SHARE of the others, drawn
    by story) and the publication time of its newest labour post."""
    with (folder / POSTS_FILE).open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    labels_path = folder / LABELS_FILE
    if not labels_path.exists():
        return records, None
    with labels_path.open(encoding="utf-8") as handle:
        labels = {row["key"]: row for row in map(json.loads, handle) if row}
    rng = random.Random(seed)
    stories = sorted({str(row["story"]) for row in labels.values() if not row["labour"]})
    kept_noise = {story for story in stories if rng.random() < NOISE_SHARE}
    kept: list[dict[str, Any]] = []
    newest: dt.datetime | None = None
    for record in records:
        label = labels.get(_key(record))
        if label is None or not (label["labour"] or label["story"] in kept_noise):
            continue
        kept.append(record)
        if label["labour"]:
            published = dt.datetime.fromisoformat(str(record["published_at"]))
            newest = published if newest is None else max(newest, published)
    return kept, newest


def _key(record: dict[str, Any]) -> str:
    """The post's identity as the engine reads it (records.post_key)."""
    url = normalise_url(record.get("url"))
    return post_key(
        platform_code(record.get("platform"), url), post_id_of(record.get("post_id")), url
    )


def _window_end(moment: dt.datetime, window: dt.timedelta) -> dt.datetime:
    local = timezone.localtime(moment)
    start = local.replace(minute=0, second=0, microsecond=0)
    start -= dt.timedelta(hours=start.hour % (window.seconds // 3600))
    return start + window


@dataclass(order=True)
class _Step:
    at: dt.datetime
    order: int
    run: Callable[[dt.datetime], None] = field(compare=False)


class _Desk:
    """The steps due, earliest first; each step may schedule the next."""

    def __init__(self) -> None:
        self._steps: list[_Step] = []
        self._order = itertools.count()

    def schedule(self, at: dt.datetime, run: Callable[[dt.datetime], None]) -> None:
        heapq.heappush(self._steps, _Step(at, next(self._order), run))

    def run_until(self, moment: dt.datetime) -> None:
        while self._steps and self._steps[0].at < moment:
            step = heapq.heappop(self._steps)
            step.run(step.at)


class _Loop:
    """The verification loop of each event on the list, step by step, until `now`."""

    def __init__(self, desk: _Desk, staff: Staff, rng: random.Random, now: dt.datetime) -> None:
        self.desk, self.staff, self.rng, self.now = desk, staff, rng, now
        self.started: set[int] = set()
        # The step each stalled event waits before (STALL_SHARE of them).
        self.stalls: dict[int, str] = {}
        self.centre_unit = OrgUnit.objects.get(kind=OrgUnit.Kind.CENTRE)

    def take_up(self, moment: dt.datetime) -> None:
        """Schedule the assignment of the events that came on the list by `moment`."""
        waiting = Event.objects.filter(on_list=True, status=EventStatus.PENDING).exclude(
            pk__in=self.started
        )
        for event in waiting.order_by("pk"):
            self.started.add(event.pk)
            if self._merged_by_hand(event, moment):
                continue
            if event.pk not in self.stalls and self.rng.random() < STALL_SHARE:
                self.stalls[event.pk] = self.rng.choice(STALLED_STEPS)
            at = moment + _hours(self.rng, *ASSIGN_HOURS[event.grade])
            self.desk.schedule(at, partial(self.assign, event.pk))

    def _merged_by_hand(self, event: Event, moment: dt.datetime) -> bool:
        """A new event about the enterprise of an event still being verified, seen within
        MERGE_DAYS: the centre merges it into that one (the clustering keeps apart what it
        cannot tell is one incident; the centre can)."""
        if event.enterprise_id is None:
            return False
        earlier = (
            Event.objects.filter(
                enterprise_id=event.enterprise_id,
                on_list=True,
                status__in=[EventStatus.PENDING, EventStatus.VERIFYING],
                first_seen_at__gte=event.first_seen_at - dt.timedelta(days=MERGE_DAYS),
                pk__lt=event.pk,
            )
            .order_by("pk")
            .first()
        )
        if earlier is None:
            return False
        services.event_merge(
            source=event,
            target=earlier,
            actor=self._centre(),
            reason="同一企业同一事项，合并核实",
            now=moment + _hours(self.rng, 0.5, 4),
        )
        return True

    def _event(self, pk: int, step: str, *statuses: str) -> Event | None:
        """The event, when it is in one of `statuses` and has not stalled before `step`."""
        if self.stalls.get(pk) == step:
            return None
        event = Event.objects.filter(pk=pk).first()
        return event if event is not None and event.status in statuses else None

    def _centre(self) -> User:
        return self.rng.choice(self.staff.centre)

    def _later(self, at: dt.datetime, run: Callable[[dt.datetime], None]) -> None:
        if at < self.now:
            self.desk.schedule(at, run)

    def assign(self, pk: int, at: dt.datetime) -> None:
        event = self._event(pk, "assign", EventStatus.PENDING)
        if event is None:
            return
        if not event.on_list:  # its later posts were mostly not about labour
            self.started.discard(pk)
            return
        unit = self.centre_unit
        if event.district is not None and event.district.pk in self.staff.by_unit:
            unit = event.district
        event = services.event_assign(
            event=event,
            actor=self._centre(),
            org_unit=unit,
            request="请核实帖文所述情况，联系涉事企业和发帖人",
            now=at,
        )
        assignment = EventAssignment.objects.get(event=event, ended_at=None)
        actor = self.staff.by_unit.get(unit.pk)
        if assignment.acknowledged_at is None and actor is not None:
            signed = when_done(at, assignment.acknowledge_due, self.rng)
            self._later(signed, lambda when: self.sign(pk, actor, when))
        else:
            self._later(
                at + _hours(self.rng, *VERIFY_HOURS), lambda when: self.verify(pk, None, when)
            )

    def sign(self, pk: int, actor: User, at: dt.datetime) -> None:
        event = self._event(pk, "sign", EventStatus.VERIFYING)
        if event is None:
            return
        services.event_acknowledge(event=event, actor=actor, now=at)
        self._later(at + _hours(self.rng, *VERIFY_HOURS), lambda when: self.verify(pk, actor, when))

    def verify(self, pk: int, actor: User | None, at: dt.datetime) -> None:
        event = self._event(pk, "verify", EventStatus.VERIFYING)
        if event is None:
            return
        finding = self.rng.choices(list(FINDINGS), weights=list(FINDINGS.values()))[0]
        if event.enterprise_id is None and not event.enterprise_named:
            # Nobody could say which employer the posts speak of.
            finding = VerificationResult.UNVERIFIABLE
        event = services.event_verify(
            event=event,
            actor=actor or self._centre(),
            result=finding,
            checks=CHECKS[finding],
            note=NOTES[finding],
            now=at,
        )
        known = event.enterprise_id is not None or bool(event.enterprise_named)
        disposes = finding in (VerificationResult.TRUE, VerificationResult.PARTLY_TRUE) or (
            finding == VerificationResult.UNVERIFIABLE
            and known
            and self.rng.random() < UNVERIFIABLE_DISPOSED
        )
        if disposes:
            self._later(at + _hours(self.rng, *DISPOSE_HOURS), lambda when: self.dispose(pk, when))
        else:
            # Whether to clarify a rumour in public is weighed with the leaders: days.
            self._later(at + _hours(self.rng, *WEIGH_HOURS), lambda when: self.respond(pk, when))

    def dispose(self, pk: int, at: dt.datetime) -> None:
        event = self._event(
            pk, "dispose", EventStatus.TRUE, EventStatus.PARTLY_TRUE, EventStatus.UNVERIFIABLE
        )
        if event is None:
            return
        open_case = (
            Case.objects.filter(employer_id=event.enterprise_id, status__in=OPEN_CASE_STATUSES)
            .order_by("-received_at")
            .first()
            if event.enterprise_id is not None
            else None
        )
        if open_case is not None and open_case.received_at <= at:
            services.event_join_case(
                event=event, actor=self._centre(), case=open_case, note="同一事项", now=at
            )
        else:
            case = services.event_open_case(
                event=event,
                actor=self._centre(),
                caller_name="职工代表",
                caller_phone=f"139{self.rng.randrange(10**8):08d}",
                description=f"舆情事件{event.number}：{event.title}",
                category=event.category,
                now=at,
            )
            work_case(case, self.staff, self.rng, self.now)
        self._respond_later(Event.objects.get(pk=pk), at)

    def _respond_later(self, event: Event, at: dt.datetime) -> None:
        due = event.response_due
        if due is None or due <= at:
            responded = at + _hours(self.rng, *LATE_RESPONSE_HOURS)
        else:
            responded = when_done(at, due, self.rng)
        self._later(responded, lambda when: self.respond(event.pk, when))

    def respond(self, pk: int, at: dt.datetime) -> None:
        event = self._event(pk, "respond", *EventStatus.values)
        if event is None or event.responded_at is not None:
            return
        if not event.can("respond", self.staff.centre[0]):
            return
        quiet = event.verification_result in (
            VerificationResult.UNTRUE,
            VerificationResult.UNVERIFIABLE,
        )
        if quiet and self.rng.random() < DECLINED_SHARE:
            services.event_respond(
                event=event,
                actor=self._centre(),
                kind=ResponseKind.DECLINED,
                reason="帖文传播范围小，已删除，经研判不作公开回应",
                now=at,
            )
        else:
            services.event_respond(
                event=event,
                actor=self._centre(),
                kind=ResponseKind.PUBLISHED,
                text=_response_text(event),
                channel=self.rng.choice(["青岛工会官方微博", "青岛工会微信公众号"]),
                published_at=at,
                now=at,
            )
        self._later(at + _hours(self.rng, *CLOSE_HOURS), lambda when: self.close(pk, when))

    def close(self, pk: int, at: dt.datetime) -> None:
        event = self._event(pk, "close", EventStatus.RESPONDED)
        if event is None or not event.can("close", self.staff.centre[0]):
            return
        services.event_close(event=event, actor=self._centre(), note="处置完毕，予以办结", now=at)


def _response_text(event: Event) -> str:
    if event.verification_result == VerificationResult.UNTRUE:
        return "经核实，网传情况不属实，企业工资已按时足额发放。"
    return "市总工会已会同属地工会和人社部门介入，督促企业依法支付工资，维护职工合法权益。"


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    """A step's duration: between `low` and `high` hours, SLOW_FACTOR times that now and then."""
    hours = rng.uniform(low, high)
    if rng.random() < SLOW_SHARE:
        hours *= rng.uniform(*SLOW_FACTOR)
    return dt.timedelta(hours=hours)


def replay_opinion(folder: Path, *, now: dt.datetime, seed: int = 1, progress: bool = True) -> int:
    """Ingest the demo city's post stream batch by batch and work the events' loop up to
    `now`; returns the number of posts stored. Nothing when the city has no post stream."""
    if not (folder / POSTS_FILE).exists():
        return 0
    records, newest = demo_stream(folder, seed=seed)
    batches = list(stream_batches(records, now=now, newest=newest))
    desk = _Desk()
    loop = _Loop(desk, Staff.load(), random.Random(seed), now)
    stored = 0
    with Progress(disable=not progress) as bar:
        task = bar.add_task(
            _("Public-opinion posts"), total=sum(len(rows) for _at, rows in batches)
        )
        for delivered, batch in batches:
            desk.run_until(delivered)
            report = services.opinion_ingest(
                read=parse_records(batch), source=SOURCE, now=delivered
            )
            stored += report.stored
            loop.take_up(delivered)
            bar.advance(task, len(batch))
        desk.run_until(now)
    return stored
