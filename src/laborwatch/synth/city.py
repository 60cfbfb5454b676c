"""Generating a whole synthetic city: random streams, stage order, output and manifest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path

import numpy as np

from laborwatch.risk.arrivals import DELIVERIES_FILE, arrival_calendar
from laborwatch.synth.complaints import generate_complaints
from laborwatch.synth.distractors import Blips, plan_blips
from laborwatch.synth.enterprises import Enterprises, generate_enterprises
from laborwatch.synth.episodes import Episodes, plan_episodes
from laborwatch.synth.events import (
    EventSources,
    abnormal_listings,
    court_filings,
    layoff_filings,
)
from laborwatch.synth.feeds import MonthlyFeeds, draw_baseline
from laborwatch.synth.months import Window
from laborwatch.synth.posts import PLANS, PostPlan, write_posts
from laborwatch.synth.progress import Stages
from laborwatch.synth.projects import Projects, plan_projects
from laborwatch.synth.province import (
    PREFECTURES,
    Prefecture,
    prefecture_sizes,
    relabel_enterprises,
    relabel_projects,
    relabel_workers,
)
from laborwatch.synth.signals import enterprise_month, project_month
from laborwatch.synth.store import ProvinceStore, Store
from laborwatch.synth.wage_accounts import WageAccounts
from laborwatch.synth.workers import generate_workers

FORMAT_VERSION = 2  # 2: onsets at visible harm, deliveries.csv
MONTHLY_FEEDS = ("social_insurance", "tax", "utilities", "wage_account")
# A department's monthly file comes a few days after the calendar's day; some months weeks late.
DELIVERY_JITTER_DAYS = (0, 4)
LATE_DELIVERY_SHARE, LATE_DELIVERY_DAYS = 0.08, (7, 25)


@dataclass(frozen=True)
class Scale:
    enterprises: int
    workers: int


SCALES = {
    "demo": Scale(enterprises=35_000, workers=340_000),
    "city": Scale(enterprises=350_000, workers=3_400_000),
    "province": Scale(enterprises=3_500_000, workers=34_000_000),
}
WORKERS_PER_ENTERPRISE = SCALES["city"].workers / SCALES["city"].enterprises


class Stream(IntEnum):
    """Stable keys of the independent random streams: tuning one component never reshuffles
    another. Append new members; never renumber."""

    ENTERPRISES = 1
    WORKERS = 2
    PROJECTS = 3
    EPISODES = 4
    DISTRACTORS = 5
    BASELINE = 6
    MONTHLY_FEEDS = 7
    WAGE_ACCOUNTS = 8
    COURT_FILINGS = 9
    ABNORMAL_LISTINGS = 10
    LAYOFF_FILINGS = 11
    COMPLAINTS = 12
    DELIVERIES = 13
    POSTS = 14


# A prefecture's streams are keyed (component, PREFECTURE_KEY, prefecture, …): never equal to
# a city's (component) or (component, month), whose month keys are months since 1970.
PREFECTURE_KEY = 1_000_000


def stream(seed: int, component: Stream, *key: int) -> np.random.Generator:
    """The generator of one component (and optionally one month of it) for `seed`."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(component), *key)))


@dataclass(frozen=True)
class Streams:
    """The random streams of one city: the whole city's, or one prefecture's of a province."""

    seed: int
    prefix: tuple[int, ...] = ()

    def __call__(self, component: Stream, *key: int) -> np.random.Generator:
        return stream(self.seed, component, *self.prefix, *key)

    @classmethod
    def of_prefecture(cls, seed: int, prefecture: int) -> Streams:
        return cls(seed, (PREFECTURE_KEY, prefecture))


def month_key(window: Window, month: int) -> int:
    """A month's key independent of the window: months since 1970-01."""
    return int(window.months[month].astype(np.int64))


def post_plan(scale: str, enterprises: int | None, window: Window) -> PostPlan:
    """The scale's post plan; a custom city's noise in proportion to its enterprises."""
    plan = PLANS[scale]
    months = min(plan.months, window.count)
    if enterprises is None:
        return replace(plan, months=months)
    share = enterprises / SCALES["demo"].enterprises
    return replace(
        plan,
        months=months,
        noise_stories_per_day=max(1.0, plan.noise_stories_per_day * share),
        extra_incidents_per_month=plan.extra_incidents_per_month * min(1.0, share),
    )


def city_size(scale: str, enterprises: int | None) -> Scale:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)} / 未知规模")
    if enterprises is None:
        return SCALES[scale]
    if enterprises < 1:
        raise ValueError(f"enterprises must be at least 1 / 企业数至少为 1: {enterprises}")
    if scale == "province" and enterprises < len(PREFECTURES):
        raise ValueError(
            f"a province needs at least one enterprise per prefecture ({len(PREFECTURES)}) "
            f"/ 省级规模每个地级市至少一家企业: {enterprises}"
        )
    return Scale(enterprises, round(enterprises * WORKERS_PER_ENTERPRISE))


def generate(
    out_dir: Path,
    *,
    scale: str = "demo",
    seed: int = 1,
    enterprises: int | None = None,
    end_month: str = "2026-10",
    months: int = 24,
    progress: bool = True,
    posts: bool = True,
) -> dict:
    """Write a synthetic city (or province) into `out_dir` and return its manifest.

    The same arguments always give byte-identical files. `enterprises` overrides the
    scale's enterprise count (workers follow, ~9.7 per enterprise). A province is generated
    prefecture by prefecture (synth.province), each streamed to the same files. Without
    `posts` no post stream is written (four fifths of a city's generation time, and nothing
    the risk engine reads).
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer / 种子须为非负整数: {seed!r}")
    size = city_size(scale, enterprises)
    window = Window.ending(end_month, months)
    metadata = {
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "scale": scale if enterprises is None else "custom",
        "enterprises": size.enterprises,
        "workers": size.workers,
        "end_month": end_month,
        "months": window.labels,
    }
    if not posts:
        metadata["posts"] = False
    with Stages(progress) as stages:
        if scale == "province":
            province = ProvinceStore.prepare(Path(out_dir))
            counts = prefecture_sizes(size.enterprises)
            prefectures: dict[str, dict[str, object]] = {}
            for index, (prefecture, count) in enumerate(zip(PREFECTURES, counts, strict=True)):
                code = prefecture.prefix.decode("ascii") + "00"
                shard = Scale(count, round(count * WORKERS_PER_ENTERPRISE))
                province.begin_shard(f"prefectures/{code}")
                with stages.stage(f"{prefecture.name} {code} ({index + 1}/{len(counts)})"):
                    generate_city(
                        province,
                        Streams.of_prefecture(seed, index),
                        shard,
                        window,
                        prefecture_post_plan(count, window) if posts else None,
                        prefecture,
                        stages=None,
                    )
                prefectures[code] = {"name": prefecture.name, "enterprises": count}
            metadata["prefectures"] = prefectures
            store: Store = province
        else:
            store = Store.prepare(Path(out_dir))
            plan = post_plan(scale, enterprises, window) if posts else None
            generate_city(store, Streams(seed), size, window, plan, None, stages=stages)
        with stages.stage("送达 deliveries"):
            store.write_csv(DELIVERIES_FILE, delivery_days(stream(seed, Stream.DELIVERIES), window))
        with stages.stage("清单 manifest"):
            return store.finish(metadata)


def prefecture_post_plan(enterprises: int, window: Window) -> PostPlan:
    """A prefecture's post stream: the city's, its noise and extra incidents in proportion."""
    share = enterprises / SCALES["city"].enterprises
    plan = PLANS["city"]
    return replace(
        plan,
        months=min(plan.months, window.count),
        noise_stories_per_day=max(1.0, plan.noise_stories_per_day * share),
        extra_incidents_per_month=plan.extra_incidents_per_month * share,
    )


def generate_city(
    store: Store,
    streams: Streams,
    size: Scale,
    window: Window,
    plan: PostPlan | None,
    prefecture: Prefecture | None,
    *,
    stages: Stages | None,
) -> None:
    """Every file of one city (all but deliveries and the manifest), stage by stage; a
    prefecture of a province is relabelled as that prefecture (synth.province). Without a
    post `plan`, no post stream."""
    stage = stages.stage if stages is not None else quiet_stage
    with stage("企业 enterprises"):
        firms = generate_enterprises(
            streams(Stream.ENTERPRISES),
            count=size.enterprises,
            total_workers=size.workers,
            window=window,
        )
        if prefecture is not None:
            firms = relabel_enterprises(firms, prefecture)
        store.write("enterprises.parquet", firms.table())
    with stage("职工 workers"):
        workers = generate_workers(streams(Stream.WORKERS), firms, window)
        if prefecture is not None:
            workers = relabel_workers(workers, prefecture)
        store.write("workers.parquet", workers)
        del workers
    with stage("风险事件 episodes"):
        projects = plan_projects(streams(Stream.PROJECTS), firms, window)
        if prefecture is not None:
            projects = relabel_projects(projects, prefecture)
        episodes, projects = plan_episodes(streams(Stream.EPISODES), firms, projects, window)
        blips = plan_blips(streams(Stream.DISTRACTORS), firms, episodes, projects, window)
        store.write("episodes.parquet", episodes.table(firms, projects, window))
        store.write("distractors.parquet", blips.table(firms, projects, window))
    with stage("月度数据 monthly feeds", total=window.count) as advance:
        write_monthly_feeds(store, streams, firms, projects, episodes, blips, window, advance)
    with stage("事件 event feeds", total=3) as advance:
        write_event_feeds(store, streams, EventSources(firms, episodes, blips, window), advance)
    with stage("投诉 complaints"):
        complaints = generate_complaints(
            streams(Stream.COMPLAINTS), firms, episodes, projects, window
        )
        store.write("complaints.parquet", complaints)
        del complaints
    if plan is not None:
        with stage("舆情 posts"):
            write_posts(store, streams(Stream.POSTS), firms, episodes, window, plan)


@contextmanager
def quiet_stage(description: str, total: int = 1) -> Iterator[Callable[[], None]]:
    """A stage without a progress line (a prefecture's stages inside the province's line)."""
    yield lambda: None


def write_monthly_feeds(
    store: Store,
    streams: Streams,
    firms: Enterprises,
    projects: Projects,
    episodes: Episodes,
    blips: Blips,
    window: Window,
    advance: Callable[[], None],
) -> None:
    """Social insurance, tax, utilities and wage accounts, one month at a time (bounded
    memory: a month of the city is about a million rows)."""
    feeds = MonthlyFeeds(firms, draw_baseline(streams(Stream.BASELINE), firms), window)
    wage_accounts = WageAccounts(firms, projects, window)
    for month, label in enumerate(window.labels):
        key = month_key(window, month)
        effects = enterprise_month(month, firms.count, episodes, blips)
        tables = feeds.build(streams(Stream.MONTHLY_FEEDS, key), month, effects)
        tables["wage_account"] = wage_accounts.build(
            streams(Stream.WAGE_ACCOUNTS, key),
            month,
            project_month(month, projects.count, episodes, blips),
        )
        for feed, table in tables.items():
            store.write(f"feeds/{feed}/{label}.parquet", table)
        advance()


def write_event_feeds(
    store: Store, streams: Streams, sources: EventSources, advance: Callable[[], None]
) -> None:
    """Court filings, abnormal listings and layoff filings, split by month of their date."""
    events = {
        "court_filings": (court_filings, Stream.COURT_FILINGS),
        "abnormal_listings": (abnormal_listings, Stream.ABNORMAL_LISTINGS),
        "layoff_filings": (layoff_filings, Stream.LAYOFF_FILINGS),
    }
    for feed, (build, seed_stream) in events.items():
        store.write_monthly(feed, build(streams(seed_stream), sources), sources.window.labels)
        advance()


def delivery_days(rng: np.random.Generator, window: Window) -> list[dict[str, str]]:
    """The day each monthly feed file arrived: the arrival calendar's day (risk/data/
    arrivals.csv) plus a few days, or weeks for a late delivery. Event feeds and complaints
    are not listed: their rows arrive as the calendar says (laborwatch ingest --arrived
    calendar reads this file for the rest)."""
    calendar = arrival_calendar()
    rows = []
    for feed in MONTHLY_FEEDS:
        for label in window.labels:
            due = calendar[feed].due_on(dt.date.fromisoformat(f"{label}-01"))
            late = rng.random() < LATE_DELIVERY_SHARE
            low, high = LATE_DELIVERY_DAYS if late else DELIVERY_JITTER_DAYS
            day = due + dt.timedelta(days=int(rng.integers(low, high + 1)))
            rows.append({"path": f"feeds/{feed}/{label}.parquet", "arrived_on": day.isoformat()})
    return rows
