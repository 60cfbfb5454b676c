"""Measuring the engine against a synthetic city's injected episodes (backtest).

The city is scored on a date every `step_days`; a (enterprise, risk type) at or above the
chosen grade is a warning. A warning opens when it was not on at the previous date.

- precision: warnings opened in [event_on − horizon, event_on + grace] of an injected
  episode of that enterprise and kind, over all warnings opened;
- recall: episodes with a warning on some date in [event_on − horizon, event_on], over all
  episodes whose event falls in the scored period;
- lead time: event_on − the first such date, in days (median over detected episodes).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from rich.progress import Progress

from laborwatch.risk import store
from laborwatch.risk.definitions import RISK_SCORES, months_read
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.rules import GRADE_LEVEL, GRADES, RulesConfig, load_rules
from laborwatch.risk.scoring import run_definitions

GRACE_DAYS = 30


@dataclass(frozen=True)
class Episode:
    episode_id: str
    credit_code: str
    kind: str
    event_on: dt.date


@dataclass(frozen=True)
class Flag:
    """A (enterprise, risk type) at or above the grade on a scored date."""

    on: dt.date
    credit_code: str
    risk_type: str


@dataclass
class KindResult:
    warnings: int = 0
    true_warnings: int = 0
    episodes: int = 0
    detected: int = 0
    lead_days: list[int] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_warnings / self.warnings if self.warnings else 0.0

    @property
    def recall(self) -> float:
        return self.detected / self.episodes if self.episodes else 0.0

    @property
    def median_lead_days(self) -> float | None:
        return statistics.median(self.lead_days) if self.lead_days else None


@dataclass
class Evaluation:
    grade: str
    dates: list[dt.date]
    horizon_days: int
    overall: KindResult
    by_kind: dict[str, KindResult]


def measure(
    flags: Iterable[Flag],
    episodes: Sequence[Episode],
    dates: Sequence[dt.date],
    *,
    horizon_days: int,
    grace_days: int = GRACE_DAYS,
) -> tuple[KindResult, dict[str, KindResult]]:
    """Precision, recall and lead times of the flags against the episodes (pure)."""
    dates = sorted(dates)
    previous = {day: dates[index - 1] for index, day in enumerate(dates) if index}
    flagged: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for flag in flags:
        flagged[(flag.credit_code, flag.risk_type)].add(flag.on)
    by_code_kind: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_code_kind[(episode.credit_code, episode.kind)].append(episode)
    horizon = dt.timedelta(days=horizon_days)
    grace = dt.timedelta(days=grace_days)
    by_kind: dict[str, KindResult] = defaultdict(KindResult)
    for (code, kind), days in flagged.items():
        for day in days:
            if previous.get(day) in days:
                continue  # still open from the previous date
            result = by_kind[kind]
            result.warnings += 1
            if any(
                e.event_on - horizon <= day <= e.event_on + grace
                for e in by_code_kind[(code, kind)]
            ):
                result.true_warnings += 1
    first, last = dates[0], dates[-1]
    for episode in episodes:
        if not first <= episode.event_on <= last:
            continue
        result = by_kind[episode.kind]
        result.episodes += 1
        days = flagged.get((episode.credit_code, episode.kind), set())
        early = [d for d in days if episode.event_on - horizon <= d <= episode.event_on]
        if early:
            result.detected += 1
            result.lead_days.append((episode.event_on - min(early)).days)
    overall = KindResult()
    for result in by_kind.values():
        overall.warnings += result.warnings
        overall.true_warnings += result.true_warnings
        overall.episodes += result.episodes
        overall.detected += result.detected
        overall.lead_days += result.lead_days
    return overall, dict(by_kind)


def read_episodes(city_dir: Path) -> list[Episode]:
    table = pq.read_table(city_dir / "episodes.parquet")
    return [
        Episode(str(row["episode_id"]), row["credit_code"], row["kind"], _as_date(row["event_on"]))
        for row in table.select(["episode_id", "credit_code", "kind", "event_on"]).to_pylist()
    ]


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def backtest_flags(
    root: Path,
    dates: Sequence[dt.date],
    grade: str,
    *,
    config: RulesConfig | None = None,
    progress: Progress | None = None,
) -> list[Flag]:
    """Score the feed store on every date (nothing written) and keep the warnings."""
    config = config or load_rules()
    wanted = ", ".join(f"'{g}'" for g in GRADES if GRADE_LEVEL[g] >= GRADE_LEVEL[grade])
    task = progress.add_task("回测评分", total=len(dates)) if progress else None
    flags: list[Flag] = []
    con = store.connect()
    try:
        for day in dates:
            store.create_feed_views(con, root, months_read(config, day))
            run_definitions(con, config, day)
            rows = con.sql(
                f"SELECT credit_code, risk_type FROM {RISK_SCORES} WHERE grade IN ({wanted})"
            ).fetchall()
            flags += [Flag(day, code, risk_type) for code, risk_type in rows]
            if progress is not None and task is not None:
                progress.advance(task)
    finally:
        con.close()
    return flags


def evaluate_city(
    root: Path,
    city_dir: Path,
    *,
    grade: str = "yellow",
    step_days: int = 7,
    horizon_days: int = 120,
    start: dt.date | None = None,
    end: dt.date | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Ingest the city (a no-op when already loaded), backtest, and measure."""
    from laborwatch.risk.ingest import ingest_folder

    ingest_folder(root, city_dir, progress=progress)
    store.upgrade_store(root)  # a scratch store an earlier version loaded
    config = load_rules()
    latest = store.latest_feed_date(root)
    if latest is None:
        raise ValueError(f"数据源库为空：{store.feeds_dir(root)}")
    end = end or latest
    months = store.stored_months(root, FEEDS["social_insurance"])
    earliest = dt.date.fromisoformat(months[0] + "-01") if months else end
    # Start once the lookback window is full, so early scores are not starved of history.
    start = start or min(end, _add_months(earliest, int(config.windows["trailing_months"]) + 1))
    dates = []
    day = start
    while day <= end:
        dates.append(day)
        day += dt.timedelta(days=step_days)
    flags = backtest_flags(root, dates, grade, config=config, progress=progress)
    overall, by_kind = measure(flags, read_episodes(city_dir), dates, horizon_days=horizon_days)
    return Evaluation(grade, dates, horizon_days, overall, by_kind)


def _add_months(day: dt.date, count: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def format_evaluation(result: Evaluation) -> str:
    def line(name: str, r: KindResult) -> str:
        lead = f"{r.median_lead_days:.0f} 天" if r.median_lead_days is not None else "—"
        return (
            f"  {name:<20} 精确率 {r.precision:6.1%}（{r.true_warnings}/{r.warnings}）"
            f"  召回率 {r.recall:6.1%}（{r.detected}/{r.episodes}）  提前期中位数 {lead}"
        )

    lines = [
        f"预警阈值：{result.grade} 及以上；回测 {result.dates[0]} 至 {result.dates[-1]}，"
        f"共 {len(result.dates)} 个评分日；有效提前期 {result.horizon_days} 天",
        line("overall", result.overall),
    ]
    lines += [line(kind, r) for kind, r in sorted(result.by_kind.items())]
    return "\n".join(lines)
