"""Reads for the monthly report: the work orders of a month, of its baseline months and of the
same month a year earlier, as plain `CaseRow`s for the pure computation in `monthly`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Choices, Count, Q, QuerySet
from django.utils import timezone, translation

from laborwatch.cases import figures
from laborwatch.cases.models import Case, Channel, RequestType, Status
from laborwatch.core.models import OrgUnit
from laborwatch.enterprises.models import Industry
from laborwatch.lib.periods import Period
from laborwatch.opinion.models import Event as OpinionEvent
from laborwatch.opinion.models import Grade as OpinionGrade
from laborwatch.opinion.models import ResponseKind as OpinionResponseKind
from laborwatch.opinion.statuses import EventStatus, VerificationResult
from laborwatch.reports.monthly.opinion import OpinionRow, opinion_section
from laborwatch.reports.monthly.report import (
    BASELINE_MONTHS,
    UNKNOWN,
    CaseRow,
    MonthlyReport,
    Sla,
    add_months,
    month_bounds,
    monthly_report,
)
from laborwatch.text.taxonomy import label

FIELDS = (
    "number",
    "received_at",
    "request_type",
    "channel",
    "category",
    "district__name",
    "district__short_name",
    "employer__name",
    "employer__industry",
    "employer_name_as_told",
    "group__number",
    "workers_involved",
    "description",
    "feedback_at",
    "resolved_at",
    "resolve_due",
    "wages_recovered",
    "workers_covered",
)


def _labels(choices: type[Choices]) -> dict[str, str]:
    """The Chinese label of each value of a model's choices, in their order."""
    with translation.override("zh-hans"):
        return {str(value): str(name) for value, name in choices.choices}


def monthly_rows(*, month: dt.date, district: OrgUnit | None = None) -> Iterator[CaseRow]:
    """Cases received from a year before `month` to its end, or resolved within `month` (for
    its SLA and wages figures), merged duplicates left out; one district's when given."""
    first = min(add_months(month, -12), add_months(month, -BASELINE_MONTHS))
    start, _ = month_bounds(first)
    previous_start, _ = month_bounds(add_months(month, -1))
    _, end = month_bounds(month)
    rows = Case.objects.exclude(status=Status.MERGED).filter(
        Q(received_at__gte=start, received_at__lt=end)
        | Q(resolved_at__gte=previous_start, resolved_at__lt=end)
    )
    if district is not None:
        rows = rows.filter(district=district)
    industries = _labels(Industry)
    request_types, channels = _labels(RequestType), _labels(Channel)
    for values in rows.order_by("received_at", "pk").values(*FIELDS).iterator(chunk_size=2000):
        yield CaseRow(
            number=values["number"],
            received_at=values["received_at"],
            request_type=request_types.get(values["request_type"], values["request_type"]),
            channel=channels.get(values["channel"], values["channel"]),
            category=values["category"],
            district=values["district__short_name"] or values["district__name"] or "",
            employer=values["employer__name"] or "",
            industry=industries.get(values["employer__industry"] or "", ""),
            group=values["group__number"] or "",
            workers_involved=values["workers_involved"],
            description=values["description"],
            employer_as_told=values["employer_name_as_told"],
            feedback_at=values["feedback_at"],
            resolved_at=values["resolved_at"],
            resolve_due=values["resolve_due"],
            wages_recovered=values["wages_recovered"],
            workers_covered=values["workers_covered"],
        )


def month_sla(rows: QuerySet[Case], month: dt.date) -> tuple[Sla, Sla]:
    """The timeliness figures of `month` and of the month before, as the dashboard counts
    them (cases/figures.py)."""
    names = {"now": Period.month(month), "before": Period.month(add_months(month, -1))}
    counted = figures.counts(rows, names)

    def sla(name: str) -> Sla:
        return Sla(
            received=counted[f"received_{name}"],
            feedback_in_24h=counted[f"feedback_24h_{name}"],
            resolved=counted[f"resolved_{name}"],
            resolved_on_time=counted[f"resolved_on_time_{name}"],
            wages_recovered=counted[f"amount_{name}"] or Decimal("0"),
            workers_covered=counted[f"covered_{name}"] or 0,
            union_mediated=counted[f"union_mediated_{name}"],
        )

    return sla("now"), sla("before")


def district_on_time(month: dt.date) -> dict[str, tuple[float | None, float | None]]:
    """Each district's on-time resolution rate in `month` and in the month before."""
    now, before = Period.month(month), Period.month(add_months(month, -1))
    rows = (
        figures.live(Case.objects.all())
        .order_by()
        .values("district__short_name", "district__name")
        .annotate(
            **{
                f"{figure.key}_{name}": Count("pk", filter=figure.q(period))
                for figure in (figures.RESOLVED, figures.RESOLVED_ON_TIME)
                for name, period in (("now", now), ("before", before))
            }
        )
    )

    def rate(row: dict, name: str) -> float | None:
        resolved = row[f"resolved_{name}"]
        return row[f"resolved_on_time_{name}"] / resolved if resolved else None

    return {
        row["district__short_name"] or row["district__name"] or UNKNOWN: (
            rate(row, "now"),
            rate(row, "before"),
        )
        for row in rows
    }


def opinion_rows(*, month: dt.date, district: OrgUnit | None = None) -> Iterator[OpinionRow]:
    """The public-opinion events on the list first seen in `month`, merged ones left out;
    one district's when given."""
    start, end = month_bounds(month)
    rows = (
        OpinionEvent.objects.filter(on_list=True, first_seen_at__gte=start, first_seen_at__lt=end)
        .exclude(status=EventStatus.MERGED)
        .select_related("district")
    )
    if district is not None:
        rows = rows.filter(district=district)
    grades, statuses = _labels(OpinionGrade), _labels(EventStatus)
    findings = _labels(VerificationResult)
    for event in rows.order_by("first_seen_at", "pk").iterator(chunk_size=2000):
        yield OpinionRow(
            number=event.number,
            first_seen_at=event.first_seen_at,
            title=event.title,
            grade=grades[event.grade],
            district=event.district.label if event.district else "",
            topic=label(event.category) or "" if event.category else "",
            status=statuses[event.status],
            finding=findings.get(event.verification_result, ""),
            response_due=event.response_due,
            responded_at=event.responded_at,
            declined=event.response_kind == OpinionResponseKind.DECLINED,
        )


def city_monthly_report(*, month: dt.date, district: OrgUnit | None = None) -> MonthlyReport:
    scope = district.label if district is not None else "全市"
    cases = Case.objects.filter(district=district) if district is not None else Case.objects.all()
    sla, previous_sla = month_sla(cases, month)
    report = monthly_report(
        monthly_rows(month=month, district=district),
        month=month,
        scope=scope,
        sla=sla,
        previous_sla=previous_sla,
        district_on_time=district_on_time(month),
        generated_at=timezone.localtime(),
        request_types=list(_labels(RequestType).values()),
        channels=list(_labels(Channel).values()),
    )
    _, end = month_bounds(month)
    report.opinion = opinion_section(
        opinion_rows(month=month, district=district), month=month, month_end=end
    )
    return report
