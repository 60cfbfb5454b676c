"""The backtest: the engine replayed over a synthetic city's labelled episodes, without lookahead.

The feed store is scored on a day every `step_days`. Point in time (the default), each day
reads only the rows that had arrived by then (definitions.known views: the arrival calendar,
or the city's own delivery days); "all files up front" reads every stored row whatever the
day, as a backtest that ingests everything first does. Both are measured the same way:

- Warnings live as the app's do (warnings.services.sync): one opens on a day an enterprise
  and risk type reaches the grade and none is open; it stays open while the enterprise and
  type have any grade (the app's warning lives on at a lower grade, de-escalated, not
  resolved) and resolves after `clean_days` without any; the next signal opens a new one.
- An episode's onset is the day its harm became visible to workers (the missed payday, the
  layoff, the gathering), as the synthetic city labels it.
- precision: warnings that are the first for an episode of their enterprise and type,
  opened from `horizon_days` before its onset to `grace_days` after it, over all warnings
  opened; a warning that re-opens on an episode already warned counts against precision.
- recall: episodes with onset in the period that had a warning on a scored day from
  `horizon_days` before to `grace_days` after the onset, over all such episodes.
- lead: onset − the first such day (negative: the warning came after the onset); median.
- flicker: a warning that resolved and re-opened within `FLICKER_DAYS` on the same
  enterprise and type, counted as a defect.

The scoring starts `WARM_UP_DAYS` before the period measured, so that what was already
warned before the period is not counted as opening on its first day (the app would have
opened those warnings earlier); only warnings opened in the period count.
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
from laborwatch.risk.definitions import INDICATOR_VALUES, RISK_SCORES, months_read
from laborwatch.risk.fitting import Fit, Sample, fit_rules
from laborwatch.risk.rules import GRADE_LEVEL, GRADES, RulesConfig, load_rules
from laborwatch.risk.scoring import run_definitions

HORIZON_DAYS = 90
GRACE_DAYS = 30
CLEAN_DAYS = 42  # the app's default (LABORWATCH_WARNINGS clean_days; warnings.policy)
FLICKER_DAYS = 14
WARM_UP_DAYS = 91
MODES = ("up_front", "point_in_time")
# The commands' --mode choices: which modes they replay.
MODE_CHOICES = {"both": MODES, "point-in-time": ("point_in_time",), "up-front": ("up_front",)}
REPORTED_GRADES = ("yellow", "orange", "red")


@dataclass(frozen=True)
class Goal:
    """A goal of issue 13 for one risk type at a lowest grade, point in time."""

    risk_type: str
    grade: str
    recall: float  # at least
    precision: float  # at least
    lead_days: float  # median lead at least

    def met_by(self, result: KindResult) -> bool:
        lead = result.median_lead_days
        return (
            result.recall >= self.recall
            and result.precision >= self.precision
            and lead is not None
            and lead >= self.lead_days
        )


GOALS = (
    Goal("wage_arrears", "yellow", recall=0.80, precision=0.50, lead_days=0),
    Goal("collective_dispute", "orange", recall=0.80, precision=0.70, lead_days=7),
    Goal("mass_layoff", "yellow", recall=0.70, precision=0.50, lead_days=0),
)


@dataclass(frozen=True)
class Episode:
    episode_id: str
    credit_code: str
    kind: str
    onset_on: dt.date  # the first day the harm is visible to workers


@dataclass(frozen=True)
class Graded:
    """An enterprise and risk type with a grade on a scored day."""

    on: dt.date
    credit_code: str
    risk_type: str
    level: int  # rules.GRADE_LEVEL of its grade


@dataclass(frozen=True)
class Opened:
    """A warning of the backtest: when it opened and, if it did, resolved."""

    credit_code: str
    risk_type: str
    opened_on: dt.date
    resolved_on: dt.date | None


@dataclass
class KindResult:
    warnings: int = 0
    true_warnings: int = 0
    reopened: int = 0  # warnings opened again on an episode already warned
    flickers: int = 0
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

    def add(self, other: KindResult) -> None:
        self.warnings += other.warnings
        self.true_warnings += other.true_warnings
        self.reopened += other.reopened
        self.flickers += other.flickers
        self.episodes += other.episodes
        self.detected += other.detected
        self.lead_days += other.lead_days


@dataclass
class Evaluation:
    dates: list[dt.date]
    horizon_days: int
    grace_days: int
    clean_days: int
    # (mode, grade) → risk type → result
    results: dict[tuple[str, str], dict[str, KindResult]]


def warnings_from(
    graded: Iterable[Graded], dates: Sequence[dt.date], *, level: int, clean_days: int
) -> list[Opened]:
    """The warnings the app would have had at a lowest grade `level`, from the scored days:
    opened on reaching `level`, kept while any grade remains (hysteresis: a warning that
    falls to blue is de-escalated, not resolved, so it cannot flicker on the threshold),
    resolved after `clean_days` with none."""
    on_days: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    signal_days: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for item in graded:
        key = (item.credit_code, item.risk_type)
        if item.level >= 1:
            signal_days[key].add(item.on)
        if item.level >= level:
            on_days[key].add(item.on)
    dates = sorted(dates)
    opened: list[Opened] = []
    for (code, risk_type), days in on_days.items():
        signals = signal_days[(code, risk_type)]
        start: dt.date | None = None
        clean_since: dt.date | None = None
        for day in dates:
            if start is None:
                if day in days:
                    start, clean_since = day, None
            elif day in signals:
                clean_since = None
            else:
                clean_since = clean_since or day
                if (day - clean_since).days + 1 >= clean_days:
                    opened.append(Opened(code, risk_type, start, day))
                    start = clean_since = None
        if start is not None:
            opened.append(Opened(code, risk_type, start, None))
    return sorted(opened, key=lambda w: (w.credit_code, w.risk_type, w.opened_on))


def measure(
    warnings: Sequence[Opened],
    episodes: Sequence[Episode],
    dates: Sequence[dt.date],
    *,
    horizon_days: int = HORIZON_DAYS,
    grace_days: int = GRACE_DAYS,
    start: dt.date | None = None,
) -> dict[str, KindResult]:
    """Precision, recall, lead and flicker per risk type (pure; see the module docstring).

    `dates` are all the scored days; the period measured starts at `start` (default: the
    first of them): warnings opened before it only mark their episodes as warned.
    """
    horizon, grace = dt.timedelta(days=horizon_days), dt.timedelta(days=grace_days)
    dates = sorted(dates)
    start = start or dates[0]
    results: dict[str, KindResult] = defaultdict(KindResult)
    previous: dict[tuple[str, str], Opened] = {}
    outcomes = label_warnings(warnings, episodes, horizon_days=horizon_days, grace_days=grace_days)
    for warning, outcome in zip(warnings, outcomes, strict=True):  # by enterprise, type, day
        key = (warning.credit_code, warning.risk_type)
        counted = warning.opened_on >= start
        result = results[warning.risk_type] if counted else KindResult()
        result.warnings += 1
        before = previous.get(key)
        if (
            before is not None
            and before.resolved_on is not None
            and (warning.opened_on - before.resolved_on).days <= FLICKER_DAYS
        ):
            result.flickers += 1
        previous[key] = warning
        result.true_warnings += outcome == TRUE
        result.reopened += outcome == REOPENED
    active = _active_days(warnings, dates)
    for episode in episodes:
        if not start <= episode.onset_on <= dates[-1]:
            continue
        result = results[episode.kind]
        result.episodes += 1
        days = [
            day
            for day in active.get((episode.credit_code, episode.kind), ())
            if episode.onset_on - horizon <= day <= episode.onset_on + grace
        ]
        if days:
            result.detected += 1
            result.lead_days.append((episode.onset_on - min(days)).days)
    return dict(results)


TRUE, REOPENED, FALSE = "true", "reopened", "false"


def label_warnings(
    warnings: Sequence[Opened],
    episodes: Sequence[Episode],
    *,
    horizon_days: int = HORIZON_DAYS,
    grace_days: int = GRACE_DAYS,
) -> list[str]:
    """Each warning's outcome (warnings sorted by enterprise, type, day): TRUE, the first for
    an episode of its enterprise and type opened from `horizon_days` before its onset to
    `grace_days` after it; REOPENED, one more for an episode already warned; else FALSE."""
    horizon, grace = dt.timedelta(days=horizon_days), dt.timedelta(days=grace_days)
    by_code_kind: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_code_kind[(episode.credit_code, episode.kind)].append(episode)
    warned: set[str] = set()
    outcomes = []
    for warning in warnings:
        matches = [
            e
            for e in by_code_kind.get((warning.credit_code, warning.risk_type), [])
            if e.onset_on - horizon <= warning.opened_on <= e.onset_on + grace
        ]
        fresh = [e for e in matches if e.episode_id not in warned]
        if fresh:
            warned.add(min(fresh, key=lambda e: e.onset_on).episode_id)
            outcomes.append(TRUE)
        else:
            outcomes.append(REOPENED if matches else FALSE)
    return outcomes


def _active_days(
    warnings: Sequence[Opened], dates: Sequence[dt.date]
) -> dict[tuple[str, str], list[dt.date]]:
    """The scored days on which each enterprise and type had a warning open."""
    active: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for warning in warnings:
        end = warning.resolved_on or dt.date.max
        active[(warning.credit_code, warning.risk_type)] += [
            day for day in dates if warning.opened_on <= day < end
        ]
    return active


def read_episodes(city_dir: Path) -> list[Episode]:
    table = pq.read_table(city_dir / "episodes.parquet")
    return [
        Episode(str(row["episode_id"]), row["credit_code"], row["kind"], _as_date(row["onset_on"]))
        for row in table.select(["episode_id", "credit_code", "kind", "onset_on"]).to_pylist()
    ]


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def backtest_grades(
    root: Path,
    dates: Sequence[dt.date],
    *,
    point_in_time: bool,
    config: RulesConfig | None = None,
    progress: Progress | None = None,
    values: dict[tuple[dt.date, str], dict[str, float | None]] | None = None,
) -> list[Graded]:
    """Score the feed store on every date (nothing written); every graded row. With
    `values`, each graded enterprise's indicator values of the day are put in it."""
    config = config or load_rules()
    label = "逐日按到达回放评分" if point_in_time else "全部文件预先载入评分"
    task = progress.add_task(label, total=len(dates)) if progress else None
    levels = " ".join(f"WHEN '{grade}' THEN {GRADE_LEVEL[grade]}" for grade in GRADES)
    graded: list[Graded] = []
    con = store.connect()
    try:
        for day in dates:
            store.create_feed_views(con, root, months_read(config, day))
            run_definitions(con, config, day, point_in_time=point_in_time)
            rows = con.sql(
                f"SELECT credit_code, risk_type, CASE grade {levels} ELSE 0 END AS level"
                f" FROM {RISK_SCORES} WHERE grade <> 'none'"
            ).fetchall()
            graded += [Graded(day, code, risk_type, level) for code, risk_type, level in rows]
            if values is not None:
                table = con.sql(
                    f"SELECT * FROM {INDICATOR_VALUES} WHERE credit_code IN"
                    f" (SELECT credit_code FROM {RISK_SCORES} WHERE grade <> 'none')"
                ).to_arrow_table()
                for row in table.to_pylist():
                    values[(day, row["credit_code"])] = row
            if progress is not None and task is not None:
                progress.advance(task)
    finally:
        con.close()
    return graded


def scoring_days(start: dt.date, end: dt.date, step_days: int) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=step_days)
    return days


@dataclass(frozen=True)
class Replay:
    """Which days a backtest scores and how it judges the warnings they open.

    Default period: the last eight months of the city, scored weekly, after a warm-up.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    step_days: int = 7
    horizon_days: int = HORIZON_DAYS
    grace_days: int = GRACE_DAYS
    clean_days: int = CLEAN_DAYS
    warm_up_days: int = WARM_UP_DAYS

    def days(self, root: Path) -> tuple[dt.date, dt.date, list[dt.date]]:
        """The period's first and last day and every day scored, the warm-up's first."""
        latest = store.latest_feed_date(root)
        if latest is None:
            raise ValueError(f"数据源库为空：{store.feeds_dir(root)}")
        end = self.end or latest
        start = self.start or end - dt.timedelta(days=243)
        scored = scoring_days(start - dt.timedelta(days=self.warm_up_days), end, self.step_days)
        return start, end, scored

    def measure_grades(
        self,
        graded: Iterable[Graded],
        scored: list[dt.date],
        episodes: list[Episode],
        *,
        start: dt.date,
    ) -> dict[str, dict[str, KindResult]]:
        """Each reported grade's warnings, as the app would open them, measured from `start`."""
        results = {}
        for grade in REPORTED_GRADES:
            opened = warnings_from(
                graded, scored, level=GRADE_LEVEL[grade], clean_days=self.clean_days
            )
            results[grade] = measure(
                opened,
                episodes,
                scored,
                horizon_days=self.horizon_days,
                grace_days=self.grace_days,
                start=start,
            )
        return results

    def evaluation(
        self, dates: list[dt.date], results: dict[tuple[str, str], dict[str, KindResult]]
    ) -> Evaluation:
        return Evaluation(dates, self.horizon_days, self.grace_days, self.clean_days, results)


def _ingest_city(root: Path, city_dir: Path, progress: Progress | None) -> None:
    """The city as it was delivered, each file on its arrival day (a no-op when loaded)."""
    from laborwatch.risk.ingest import ARRIVAL_CALENDAR, ingest_folder

    ingest_folder(root, city_dir, arrived=ARRIVAL_CALENDAR, progress=progress)


def evaluate_city(
    root: Path,
    city_dir: Path,
    *,
    replay: Replay = Replay(),
    modes: Sequence[str] = MODES,
    config: RulesConfig | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Ingest the city as it was delivered (a no-op when already loaded), replay, measure."""
    _ingest_city(root, city_dir, progress)
    config = config or load_rules()
    start, _end, scored = replay.days(root)
    dates = [day for day in scored if day >= start]
    episodes = read_episodes(city_dir)
    results: dict[tuple[str, str], dict[str, KindResult]] = {}
    for mode in modes:
        graded = backtest_grades(
            root, scored, point_in_time=mode == "point_in_time", config=config, progress=progress
        )
        for grade, kinds in replay.measure_grades(graded, scored, episodes, start=dates[0]).items():
            results[(mode, grade)] = kinds
    return replay.evaluation(dates, results)


@dataclass
class CityFit:
    fit: Fit
    samples: int  # verified warnings the weights were fitted on (the first half)
    evaluation: Evaluation  # modes "before" and "after", on the second half only


def fit_on_city(
    root: Path,
    city_dir: Path,
    *,
    version: str,
    replay: Replay = Replay(),
    config: RulesConfig | None = None,
    progress: Progress | None = None,
) -> CityFit:
    """Rules fitted on the first half of the period, checked on the second, point in time.

    The warnings the rules open before the second half (the warm-up's and the first half's,
    any grade, as the app routes them) are verified as the city's labels say (属实: its
    enterprise had that episode, within the horizon of the day it opened); the weights are
    fitted on them (`fitting`); both rule sets are then replayed and measured on the second
    half only, which the fit never saw.
    """
    _ingest_city(root, city_dir, progress)
    config = config or load_rules()
    start, end, scored = replay.days(root)
    split = start + (end - start) / 2
    held_out = [day for day in scored if day >= split]
    episodes = read_episodes(city_dir)
    values: dict[tuple[dt.date, str], dict[str, float | None]] = {}
    before = backtest_grades(
        root, scored, point_in_time=True, config=config, progress=progress, values=values
    )
    opened = warnings_from(before, scored, level=GRADE_LEVEL["blue"], clean_days=replay.clean_days)
    outcomes = label_warnings(
        opened, episodes, horizon_days=replay.horizon_days, grace_days=replay.grace_days
    )
    samples = [
        Sample(w.risk_type, w.credit_code, w.opened_on, values[(w.opened_on, w.credit_code)],
               outcome != FALSE)
        for w, outcome in zip(opened, outcomes, strict=True)
        if w.opened_on < split  # the warm-up's warnings too: more verified history
    ]  # fmt: skip
    fit = fit_rules(samples, config, version=version, held_out_share=0.0)
    after = backtest_grades(root, scored, point_in_time=True, config=fit.config, progress=progress)
    results: dict[tuple[str, str], dict[str, KindResult]] = {}
    for mode, graded in (("before", before), ("after", after)):
        for grade, kinds in replay.measure_grades(
            graded, scored, episodes, start=held_out[0]
        ).items():
            results[(mode, grade)] = kinds
    return CityFit(fit, len(samples), replay.evaluation(held_out, results))


RISK_TYPE_NAMES = {
    "wage_arrears": "欠薪",
    "collective_dispute": "群体性纠纷",
    "mass_layoff": "规模性裁员",
}
GRADE_NAMES = {"blue": "蓝", "yellow": "黄", "orange": "橙", "red": "红"}
MODE_NAMES = {
    "up_front": "全部文件预先载入",
    "point_in_time": "按到达时点（无前视）",
    "before": "拟合前（按到达时点）",
    "after": "按核实拟合后（按到达时点）",
}


def _cell(result: KindResult) -> str:
    lead = result.median_lead_days
    lead_text = f"{lead:+.0f} 天" if lead is not None else "—"
    return f"{result.precision:.2f} / {result.recall:.2f} / {lead_text} / {result.flickers}"


def format_evaluation(evaluation: Evaluation) -> str:
    """The issue's table: per risk type and lowest grade, P / R / median lead in each mode,
    then the counts behind each cell and the flicker defects."""
    modes = list(dict.fromkeys(mode for mode, _ in evaluation.results))
    dates = evaluation.dates
    lines = [
        f"回测 {dates[0]} 至 {dates[-1]}，每 {(dates[1] - dates[0]).days if len(dates) > 1 else 0}"
        f" 天评分一次，共 {len(dates)} 个评分日"
        f"（此前 {WARM_UP_DAYS} 天起预热，其间开出的预警不计）；"
        f"提前期窗口 {evaluation.horizon_days} 天，"
        f"发生后 {evaluation.grace_days} 天内的预警计入召回；连续 {evaluation.clean_days} 天"
        "无任何等级信号的预警消除（降到蓝色仍在）；提前期为正表示预警早于发生日（职工可见的损害："
        f"欠薪发薪日、裁员日、聚集日）；闪烁：消除后 {FLICKER_DAYS} 天内又重开的预警数（缺陷）。"
        "合成城市上的回测：开发辅助，不是真实数据上的测量",
        "",
        "| 类型，等级 ≥ | "
        + " | ".join(f"{MODE_NAMES[m]}：精确率 / 召回率 / 提前期中位数 / 闪烁" for m in modes)
        + " |",
        "|---|" + "---|" * len(modes),
    ]
    details = []
    for risk_type, name in RISK_TYPE_NAMES.items():
        for grade in REPORTED_GRADES:
            cells = [evaluation.results[(m, grade)].get(risk_type, KindResult()) for m in modes]
            lines.append(
                f"| {name}，{GRADE_NAMES[grade]} | " + " | ".join(_cell(c) for c in cells) + " |"
            )
            for mode, result in zip(modes, cells, strict=True):
                details.append(
                    f"  {name}，{GRADE_NAMES[grade]}，{MODE_NAMES[mode]}：预警 {result.warnings}"
                    f"（命中 {result.true_warnings}，同一事件重复预警 {result.reopened}，"
                    f"14 天内消除又重开 {result.flickers}），"
                    f"事件 {result.episodes}（提前或及时发现 {result.detected}）"
                )
    return "\n".join([*lines, "", *details, "", *format_goals(evaluation)])


def format_goals(evaluation: Evaluation) -> list[str]:
    """Each goal of the issue against each mode's cell: met or not, and what falls short."""
    lines = []
    for mode in dict.fromkeys(mode for mode, _ in evaluation.results):
        lines.append(f"目标（{MODE_NAMES[mode]}）：")
        for goal in GOALS:
            result = evaluation.results[(mode, goal.grade)].get(goal.risk_type, KindResult())
            lead = result.median_lead_days
            lead_text = f"{lead:+.0f} 天" if lead is not None else "—"
            verdict = "达成" if goal.met_by(result) else "未达成"
            lines.append(
                f"  {RISK_TYPE_NAMES[goal.risk_type]}，{GRADE_NAMES[goal.grade]}及以上："
                f"召回率 {result.recall:.2f}（目标 ≥ {goal.recall:.2f}），"
                f"精确率 {result.precision:.2f}（目标 ≥ {goal.precision:.2f}），"
                f"提前期中位数 {lead_text}（目标 ≥ {goal.lead_days:+.0f} 天）：{verdict}"
            )
    return lines
