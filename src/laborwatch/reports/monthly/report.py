"""The monthly hotline analysis (月度热线分析报告): the figures of one month, from plain rows.

Pure: no Django. `monthly_report(rows, month=…)` takes the `CaseRow`s of the month, of the six
months before it (the baseline of emerging issues) and of the same month a year earlier, and
returns a `MonthlyReport`. `monthly_selectors.monthly_rows` gathers the rows from the database;
monthly_docx / monthly_html / monthly_pdf write the files.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from laborwatch.cases.figures import Reported, counted_once
from laborwatch.reports.monthly.advice import suggestions
from laborwatch.reports.monthly.emerging import (
    MIN_CATEGORY_COUNT,
    MIN_TERM_COUNT,
    Rise,
    significant_rises,
    term_counts,
    terms,
)
from laborwatch.text.taxonomy import label

if TYPE_CHECKING:
    from laborwatch.reports.monthly.opinion import OpinionSection

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASELINE_MONTHS = 6
# Fewer baseline months with any demand than this, and no rise is claimed.
MIN_BASELINE_MONTHS = 2
TOP_ENTERPRISES = 10
# A group case (群体性案件) involves at least this many workers, as the provincial rules count
# them (≥10 workers from one employer); smaller groups are listed as the enterprise's demands.
GROUP_CASE_WORKERS = 10
UNKNOWN = "未明确"


@dataclass(frozen=True)
class CaseRow:
    """One work order as the report needs it; labels already in Chinese."""

    number: str
    received_at: dt.datetime
    request_type: str
    channel: str
    category: str
    district: str = ""
    employer: str = ""
    industry: str = ""
    group: str = ""
    workers_involved: int = 1
    description: str = ""
    employer_as_told: str = ""
    feedback_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    resolve_due: dt.datetime | None = None
    wages_recovered: Decimal = Decimal("0")
    workers_covered: int = 0


def month_start(moment: dt.datetime) -> dt.date:
    local = moment.astimezone(SHANGHAI)
    return dt.date(local.year, local.month, 1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) in Shanghai time."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    following = add_months(month, 1)
    return start, dt.datetime(following.year, following.month, 1, tzinfo=SHANGHAI)


def change(now: int, before: int) -> float | None:
    """Relative change; None when there is nothing to compare with."""
    return (now - before) / before if before else None


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class CategoryChange:
    code: str
    label: str
    count: int
    previous: int
    last_year: int

    @property
    def month_on_month(self) -> float | None:
        return change(self.count, self.previous)

    @property
    def year_on_year(self) -> float | None:
        return change(self.count, self.last_year)


@dataclass(frozen=True)
class DistrictRow:
    label: str
    count: int
    previous: int
    on_time_rate: float | None
    previous_on_time_rate: float | None

    @property
    def month_on_month(self) -> float | None:
        return change(self.count, self.previous)


@dataclass(frozen=True)
class EnterpriseRow:
    name: str
    district: str
    industry: str
    cases: int
    workers: int
    group_cases: int
    top_category: str


@dataclass(frozen=True)
class GroupRow:
    number: str
    employer: str
    district: str
    category: str
    cases: int
    workers: int


@dataclass(frozen=True)
class Sla:
    received: int
    feedback_in_24h: int
    resolved: int
    resolved_on_time: int
    wages_recovered: Decimal
    workers_covered: int
    median_days_to_resolve: float | None = None
    # Resolved with the union leading or joining the mediation (调处).
    union_mediated: int = 0

    @property
    def feedback_rate(self) -> float | None:
        return rate(self.feedback_in_24h, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.resolved_on_time, self.resolved)

    @property
    def mediation_rate(self) -> float | None:
        return rate(self.union_mediated, self.resolved)


@dataclass(frozen=True)
class Emerging:
    label: str
    rise: Rise


@dataclass
class MonthlyReport:
    month: dt.date
    scope: str
    generated_at: dt.datetime
    total: int
    previous_total: int
    last_year_total: int
    request_types: list[Count]
    channels: list[Count]
    categories: list[CategoryChange]
    districts: list[DistrictRow]
    industries: list[Count]
    enterprises: list[EnterpriseRow]
    groups: list[GroupRow]
    sla: Sla
    previous_sla: Sla
    trend: list[tuple[dt.date, int]]
    baseline_months: list[dt.date]
    emerging_categories: list[Emerging] = field(default_factory=list)
    emerging_terms: list[Emerging] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    # The 舆情 section (reports.monthly.opinion), when the caller gathered the events.
    opinion: OpinionSection | None = None

    @property
    def title(self) -> str:
        return f"{self.scope}12351职工服务热线{self.month.year}年{self.month.month}月分析报告"

    @property
    def has_baseline(self) -> bool:
        return len(self.baseline_months) >= MIN_BASELINE_MONTHS

    @property
    def month_on_month(self) -> float | None:
        return change(self.total, self.previous_total)

    @property
    def year_on_year(self) -> float | None:
        return change(self.total, self.last_year_total)


def category_group(code: str) -> str:
    """Categories are compared at the second level (工资报酬 / 拖欠工资), where counts are
    large enough to mean something and the names still say what the demand is about."""
    return ".".join(code.split(".")[:2])


def _counts(values: Iterable[str], order: Sequence[str] = ()) -> list[Count]:
    counted = Counter(values)
    total = sum(counted.values())
    keys = [key for key in order if counted[key]] + sorted(
        (key for key in counted if key not in order), key=lambda key: (-counted[key], key)
    )
    return [Count(key, counted[key], counted[key] / total) for key in keys]


def median_days(resolved_rows: Sequence[CaseRow]) -> float | None:
    """The median time from receipt to resolution, in days."""
    days = sorted(
        (row.resolved_at - row.received_at).total_seconds() / 86400
        for row in resolved_rows
        if row.resolved_at is not None
    )
    if not days:
        return None
    middle = len(days) // 2
    return days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2


def _district_rows(
    this: Sequence[CaseRow],
    previous: Sequence[CaseRow],
    on_time: Mapping[str, tuple[float | None, float | None]],
) -> list[DistrictRow]:
    now = Counter(row.district or UNKNOWN for row in this)
    before = Counter(row.district or UNKNOWN for row in previous)
    return [
        DistrictRow(
            label=district,
            count=now[district],
            previous=before[district],
            on_time_rate=on_time.get(district, (None, None))[0],
            previous_on_time_rate=on_time.get(district, (None, None))[1],
        )
        for district in sorted(now, key=lambda district: (-now[district], district))
    ]


def _enterprise_rows(this: Sequence[CaseRow]) -> list[EnterpriseRow]:
    by_employer: dict[str, list[CaseRow]] = defaultdict(list)
    for row in this:
        if row.employer:
            by_employer[row.employer].append(row)
    ranked = sorted(
        by_employer.items(),
        key=lambda item: (-len(item[1]), -_workers(item[1]), item[0]),
    )
    return [
        EnterpriseRow(
            name=name,
            district=rows[0].district or UNKNOWN,
            industry=rows[0].industry or UNKNOWN,
            cases=len(rows),
            workers=_workers(rows),
            group_cases=len({row.group for row in rows if row.group}),
            top_category=label(
                Counter(category_group(row.category) for row in rows).most_common(1)[0][0]
            ),
        )
        for name, rows in ranked[:TOP_ENTERPRISES]
    ]


def _workers(rows: Sequence[CaseRow]) -> int:
    """Workers behind these work orders, a group case counted once."""
    return counted_once(Reported(row.group or None, row.workers_involved) for row in rows).workers


def _group_rows(this: Sequence[CaseRow]) -> list[GroupRow]:
    by_group: dict[str, list[CaseRow]] = defaultdict(list)
    for row in this:
        if row.group:
            by_group[row.group].append(row)
    groups = [
        GroupRow(
            number=number,
            employer=rows[0].employer or rows[0].employer_as_told or UNKNOWN,
            district=rows[0].district or UNKNOWN,
            category=label(
                Counter(category_group(row.category) for row in rows).most_common(1)[0][0]
            ),
            cases=len(rows),
            workers=_workers(rows),
        )
        for number, rows in by_group.items()
    ]
    large = [group for group in groups if group.workers >= GROUP_CASE_WORKERS]
    return sorted(large, key=lambda group: (-group.workers, -group.cases, group.number))


def _category_changes(
    this: Sequence[CaseRow], previous: Sequence[CaseRow], last_year: Sequence[CaseRow]
) -> list[CategoryChange]:
    now, before, year = (
        Counter(category_group(row.category) for row in rows)
        for rows in (this, previous, last_year)
    )
    return [
        CategoryChange(code, label(code) or code, now[code], before[code], year[code])
        for code in sorted(now, key=lambda code: (-now[code], code))
    ]


def _emerging(
    this: Sequence[CaseRow], baseline: Sequence[CaseRow]
) -> tuple[list[Emerging], list[Emerging]]:
    totals = {"total_now": len(this), "total_baseline": len(baseline)}
    categories = significant_rises(
        Counter(category_group(row.category) for row in this),
        Counter(category_group(row.category) for row in baseline),
        min_count=MIN_CATEGORY_COUNT,
        **totals,
    )

    def words(rows: Sequence[CaseRow]) -> Counter[str]:
        return term_counts(
            terms(row.description, names=(row.employer, row.employer_as_told)) for row in rows
        )

    term_rises = significant_rises(words(this), words(baseline), min_count=MIN_TERM_COUNT, **totals)
    return (
        [Emerging(label(rise.key) or rise.key, rise) for rise in categories],
        [Emerging(rise.key, rise) for rise in term_rises],
    )


def monthly_report(
    rows: Iterable[CaseRow],
    *,
    month: dt.date,
    scope: str = "",
    generated_at: dt.datetime,
    sla: Sla,
    previous_sla: Sla,
    district_on_time: Mapping[str, tuple[float | None, float | None]] | None = None,
    request_types: Sequence[str] = (),
    channels: Sequence[str] = (),
) -> MonthlyReport:
    """The report of `month` from rows covering it, its six months before and a year earlier.

    `sla` and `previous_sla`: the timeliness figures of the month and the month before, and
    `district_on_time` each district's on-time rate in both, counted by the caller with the
    dashboard's own definitions (cases/figures.py); the median time to resolution is taken
    here from the rows. `request_types` and `channels`: the labels in the order the report
    lists them (the work order's choices, given by the caller); others follow by count."""
    by_month: dict[dt.date, list[CaseRow]] = defaultdict(list)
    resolved: dict[dt.date, list[CaseRow]] = defaultdict(list)
    for row in rows:
        by_month[month_start(row.received_at)].append(row)
        if row.resolved_at is not None:
            resolved[month_start(row.resolved_at)].append(row)
    this = by_month.get(month, [])
    previous_month, last_year_month = add_months(month, -1), add_months(month, -12)
    previous, last_year = by_month.get(previous_month, []), by_month.get(last_year_month, [])
    baseline_months = [
        add_months(month, -back)
        for back in range(BASELINE_MONTHS, 0, -1)
        if by_month.get(add_months(month, -back))
    ]
    report = MonthlyReport(
        month=month,
        scope=scope,
        generated_at=generated_at,
        total=len(this),
        previous_total=len(previous),
        last_year_total=len(last_year),
        request_types=_counts((row.request_type for row in this), request_types),
        channels=_counts((row.channel for row in this), channels),
        categories=_category_changes(this, previous, last_year),
        districts=_district_rows(this, previous, district_on_time or {}),
        industries=_counts(row.industry or UNKNOWN for row in this if row.employer),
        enterprises=_enterprise_rows(this),
        groups=_group_rows(this),
        sla=replace(sla, median_days_to_resolve=median_days(resolved.get(month, []))),
        previous_sla=replace(
            previous_sla, median_days_to_resolve=median_days(resolved.get(previous_month, []))
        ),
        trend=[
            (add_months(month, -back), len(by_month.get(add_months(month, -back), [])))
            for back in range(12, -1, -1)
        ],
        baseline_months=baseline_months,
    )
    if this and len(baseline_months) >= MIN_BASELINE_MONTHS:
        baseline = [row for m in baseline_months for row in by_month[m]]
        report.emerging_categories, report.emerging_terms = _emerging(this, baseline)
    report.suggestions = suggestions(report)
    return report
