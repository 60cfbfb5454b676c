"""The daily enterprise early-warning report (企业风险预警日报): figures of one score day.

New, escalated, de-escalated and resolved warnings by grade and by district, the warnings
still active at the end of the day, the unsigned ones past their deadline, the top
enterprises with their evidence, and the public-opinion events that became 重大 that day.
`daily_report` reads; `render_html` / `render_docx` write.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.template import Context, Engine
from django.utils import timezone

from laborwatch.core.models import OrgUnit
from laborwatch.opinion.models import Event as OpinionEvent
from laborwatch.opinion.models import Grade as OpinionGrade
from laborwatch.opinion.statuses import EventStatus
from laborwatch.reports.render.issue import HTML_PAGE_CSS, IssueMark
from laborwatch.warnings import labels
from laborwatch.warnings.models import (
    ACTIVE_STATUSES,
    GRADES_HIGH_FIRST,
    Grade,
    Warning,
    WarningEvent,
    WarningRouting,
)
from laborwatch.warnings.policy import DEFAULT_CLEAN_DAYS, warning_policy
from laborwatch.warnings.selectors import grade_rank

TOP_ENTERPRISES = 10
Kind = WarningEvent.Kind
# The changes the report counts, in its column order, with their Chinese names.
CHANGES = (
    (Kind.OPENED, "新发"),
    (Kind.ESCALATED, "升级"),
    (Kind.DE_ESCALATED, "降级"),
    (Kind.RESOLVED, "自动解除"),
)
GRADE_NAMES = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}


@dataclass
class TopWarning:
    number: str
    enterprise: str
    credit_code: str
    district: str
    risk_type: str
    grade: str
    score: float
    first_seen_on: dt.date
    evidence: list[str]


@dataclass
class GraveEvent:
    """A public-opinion event that reached 重大 on the report's day."""

    number: str
    title: str
    district: str
    enterprise: str
    first_seen_at: dt.datetime
    heat: float
    status: str


@dataclass
class DailyReport:
    day: dt.date
    generated_at: dt.datetime
    # change kind → grade → count
    changes: dict[str, dict[str, int]]
    # district label → change kind / "active_<grade>" → count
    districts: list[tuple[str, dict[str, int]]]
    active: dict[str, int]
    overdue_unsigned: int
    top: list[TopWarning] = field(default_factory=list)
    # The score day before this one with any change: the figures cover the days since.
    previous_day: dt.date | None = None
    # A warning resolves itself after this many days without a signal (the policy).
    clean_days: int = DEFAULT_CLEAN_DAYS
    # 全市, or the one district the report covers.
    scope: str = "全市"
    grave_events: list[GraveEvent] = field(default_factory=list)

    @property
    def change_totals(self) -> dict[str, int]:
        return {kind: sum(by_grade.values()) for kind, by_grade in self.changes.items()}

    @property
    def active_total(self) -> int:
        return sum(self.active.values())

    def change_rows(self) -> list[tuple[str, list[int], int]]:
        """(change name, counts by grade high first, total) for the first table."""
        return [
            (
                name,
                [self.changes[kind].get(g, 0) for g in GRADES_HIGH_FIRST],
                self.change_totals[kind],
            )
            for kind, name in CHANGES
        ]

    def district_rows(self) -> list[tuple[str, list[int]]]:
        columns = [kind for kind, _ in CHANGES] + [f"active_{g}" for g in GRADES_HIGH_FIRST]
        return [(label, [counts.get(c, 0) for c in columns]) for label, counts in self.districts]


def latest_report_day() -> dt.date | None:
    return Warning.objects.aggregate(day=Max("synced_on"))["day"]


def daily_report(
    day: dt.date,
    *,
    top: int = TOP_ENTERPRISES,
    district: OrgUnit | None = None,
    now: dt.datetime | None = None,
) -> DailyReport:
    """The report of `day`, for the whole city or one district; `now` decides which
    unsigned warnings are past their deadline (the time of issue)."""
    now = now or timezone.now()
    events = WarningEvent.objects.filter(on=day, kind__in=[kind for kind, _ in CHANGES])
    warnings = Warning.objects.all()
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)
    if district is not None:
        events = events.filter(district=district)
        warnings = warnings.filter(district=district)
        units = units.filter(pk=district.pk)
    changes: dict[str, dict[str, int]] = {kind: {} for kind, _ in CHANGES}
    # The grade a resolved warning had; the grade reached for the others.
    for kind, grade, count in _grouped(events, "kind", "grade_after"):
        changes[kind][grade] = count
    by_district: dict[int, Counter[str]] = {}
    for district_id, kind, count in _grouped(events, "district_id", "kind"):
        by_district.setdefault(district_id, Counter())[kind] += count
    active_rows = warnings.filter(status__in=ACTIVE_STATUSES, first_seen_on__lte=day)
    for district_id, grade, count in _grouped(active_rows, "district_id", "grade"):
        by_district.setdefault(district_id, Counter())[f"active_{grade}"] += count
    active = {grade: count for grade, count in _grouped(active_rows, "grade")}
    districts = [
        (unit.label, dict(by_district.get(unit.pk, Counter())))
        for unit in units.order_by("sort_order")
    ]
    overdue = (
        WarningRouting.objects.filter(
            acknowledged_at=None,
            acknowledge_due__lt=now,
            warning__status__in=ACTIVE_STATUSES,
            warning__in=warnings,
        )
        .values("warning_id")
        .distinct()
        .count()
    )
    return DailyReport(
        day=day,
        generated_at=timezone.localtime(now),
        changes=changes,
        districts=districts,
        active={g: active.get(g, 0) for g in GRADES_HIGH_FIRST},
        overdue_unsigned=overdue,
        top=_top(active_rows, top),
        previous_day=WarningEvent.objects.filter(on__lt=day).aggregate(day=Max("on"))["day"],
        clean_days=warning_policy().clean_days,
        scope=district.label if district is not None else "全市",
        grave_events=grave_events(day),
    )


def grave_events(day: dt.date) -> list[GraveEvent]:
    """Events on the public-opinion list that became 重大 on `day` (Beijing time), hottest
    first."""
    rows = (
        OpinionEvent.objects.filter(on_list=True, grade=OpinionGrade.GRAVE, graded_at__date=day)
        .exclude(status=EventStatus.MERGED)
        .select_related("district", "enterprise")
        .order_by("-heat", "pk")
    )
    return [
        GraveEvent(
            number=event.number,
            title=event.title,
            district=event.district.label if event.district else "未明确",
            enterprise=event.enterprise.name if event.enterprise else event.enterprise_named,
            first_seen_at=timezone.localtime(event.first_seen_at),
            heat=event.heat,
            status=str(EventStatus(event.status).label),
        )
        for event in rows
    ]


def _grouped(rows: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    """(field values…, count) rows of a GROUP BY on the fields."""
    return list(rows.order_by().values_list(*fields).annotate(Count("pk")))


def _top(rows: QuerySet[Warning], limit: int) -> list[TopWarning]:
    chosen = (
        rows.filter(inhibited_by=None)
        .select_related("enterprise", "district")
        .annotate(rank=grade_rank())
        .order_by("-rank", "-score", "pk")[:limit]
    )
    result = []
    for warning in chosen:
        evidence = [
            f"{labels.indicator_label(e['indicator'])}："
            f"{labels.format_value(e['indicator'], e['value'])}（{e.get('department', '')}）"
            for e in warning.current_evidence()
        ]
        result.append(
            TopWarning(
                number=str(warning),
                enterprise=warning.enterprise.name,
                credit_code=warning.enterprise.credit_code,
                district=warning.district.label,
                risk_type=labels.rules_config().risk_types.get(
                    warning.risk_type, warning.risk_type
                ),
                grade=GRADE_NAMES[warning.grade],
                score=warning.score,
                first_seen_on=warning.first_seen_on,
                evidence=evidence,
            )
        )
    return result


def title(report: DailyReport) -> str:
    scope = "" if report.scope == "全市" else report.scope
    return f"{scope}企业风险预警日报（{report.day:%Y年%m月%d日}）"


def summary(report: DailyReport) -> str:
    totals = report.change_totals
    active = "，".join(f"{GRADE_NAMES[g]} {report.active[g]:,} 条" for g in GRADES_HIGH_FIRST)
    return (
        f"{report.day:%Y年%m月%d日}，{report.scope}新发预警 {totals[Kind.OPENED]:,} 条，"
        f"升级 {totals[Kind.ESCALATED]:,} 条，降级 {totals[Kind.DE_ESCALATED]:,} 条，"
        f"自动解除 {totals[Kind.RESOLVED]:,} 条。{period_note(report)}"
        f"截至当日在办预警 {report.active_total:,} 条"
        f"（{active}），其中超时未签收 {report.overdue_unsigned:,} 条。"
    )


def period_note(report: DailyReport) -> str:
    """Why a day's figures can be large: the days they cover, and what resolves a warning.

    A warning resolves itself after `clean_days` days without a signal, counted in days, so
    when score days are weeks apart every warning that fell silent in between resolves on
    the same score day."""
    note = f"自动解除指连续 {report.clean_days} 天无预警信号的预警。"
    if report.previous_day is not None and (report.day - report.previous_day).days > 1:
        gap = (report.day - report.previous_day).days
        note += f"上一评分日为 {report.previous_day:%Y年%m月%d日}，以上为其后 {gap} 天的累计变化。"
    return note


def grade_headers() -> list[str]:
    return [GRADE_NAMES[g] for g in GRADES_HIGH_FIRST]


def district_headers() -> list[str]:
    return [name for _, name in CHANGES] + [f"在办{GRADE_NAMES[g]}" for g in GRADES_HIGH_FIRST]


# The reports package is not a Django app: its templates are read with an engine of its own.
TEMPLATES = Engine(dirs=[str(Path(__file__).parent.parent / "templates")])


def render_html(report: DailyReport, mark: IssueMark | None = None) -> str:
    return TEMPLATES.get_template("reports/daily.html").render(
        Context(
            {
                "report": report,
                "mark_lines": mark.lines() if mark else [],
                "page_css": HTML_PAGE_CSS,
                "title": title(report),
                "summary": summary(report),
                "grade_headers": grade_headers(),
                "district_headers": district_headers(),
                "grades": [Grade(g).value for g in GRADES_HIGH_FIRST],
            }
        )
    )
