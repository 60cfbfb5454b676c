"""A scope's figures day by day, read from the facts (dashboard.models) in one grouped query
per kind of day: any period's figure is then the sum of its days, for the period shown, the one
before it, each month of the trend and each district.

The counts come out under the keys the live aggregates used (`<figure>_<name>`, `amount_<name>`,
`workers_<name>`, `issued_<grade>_<name>`), so tiles and charts read them the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from laborwatch.cases import figures as case_figures
from laborwatch.dashboard.models import CaseFact, WarningFact
from laborwatch.dashboard.scope import Scope
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.periods import Period
from laborwatch.warnings import figures as warning_figures
from laborwatch.warnings.models import GRADES_HIGH_FIRST

Number = int | Decimal


@dataclass
class Days:
    """Counts per day and district: `names` the counts, each row one day and district."""

    names: tuple[str, ...]
    rows: dict[dt.date, list[tuple[int | None, tuple[Number, ...]]]] = field(default_factory=dict)

    def add(self, day: dt.date, district_id: int | None, counts: tuple[Number, ...]) -> None:
        self.rows.setdefault(day, []).append((district_id, counts))

    def _days(self, period: Period) -> Iterable[list[tuple[int | None, tuple[Number, ...]]]]:
        if period.days <= len(self.rows):
            day = period.start
            while day <= period.end:
                if day in self.rows:
                    yield self.rows[day]
                day += dt.timedelta(days=1)
        else:
            yield from (
                rows for day, rows in self.rows.items() if period.start <= day <= period.end
            )

    def total(self, period: Period) -> dict[str, Number]:
        sums: list[Number] = [0] * len(self.names)
        for rows in self._days(period):
            for _district, counts in rows:
                for index, count in enumerate(counts):
                    sums[index] += count
        return dict(zip(self.names, sums, strict=True))

    def by_district(self, period: Period, name: str) -> Counter[int | None]:
        index = self.names.index(name)
        counted: Counter[int | None] = Counter()
        for rows in self._days(period):
            for district_id, counts in rows:
                counted[district_id] += int(counts[index])
        return counted


def _window(periods: Iterable[Period]) -> Period:
    chosen = list(periods)
    return Period(min(p.start for p in chosen), max(p.end for p in chosen))


def case_facts_of(scope: Scope) -> QuerySet[CaseFact]:
    """The facts of the cases the scope counts: by district when the scope is the city or one
    district, else of the cases it sees."""
    user, district = scope.user, scope.district
    facts = CaseFact.objects.all()
    if user.is_city_wide:
        return facts.filter(district=district) if district else facts
    if district is not None and district.pk == user.home_district_id:
        return facts.filter(district=district)
    return facts.filter(case_id__in=scope.cases().values("pk"))


def warning_facts_of(scope: Scope) -> QuerySet[WarningFact]:
    user, district = scope.user, scope.district
    facts = WarningFact.objects.all()
    if user.is_city_wide:
        return facts.filter(district=district) if district else facts
    if user.home_district_id is not None and district in (None, user.org_unit):
        return facts.filter(district_id=user.home_district_id)
    return facts.filter(warning_id__in=scope.warnings().values("pk"))


RECEIVED = ("received", "feedback_24h")
RESOLVED = (
    "resolved",
    "resolved_on_time",
    "union_mediated",
    "wages_recovered",
    "amount",
    "workers",
)
FUNNEL_STAGES = ("signed", "verified", "handled", "closed")
ISSUED = ("issued", *FUNNEL_STAGES, *(f"issued_{grade}" for grade in GRADES_HIGH_FIRST))


@dataclass(frozen=True)
class Daily:
    scope: Scope
    received: Days
    resolved: Days
    issued: Days

    def case_counts(self, periods: dict[str, Period]) -> dict[str, Any]:
        """The work-order figures of each named period, a group case's wages and workers
        counted once (cases.figures.counts's keys)."""
        counted: dict[str, Any] = {}
        for name, period in periods.items():
            for key, value in (
                *self.received.total(period).items(),
                *self.resolved.total(period).items(),
            ):
                counted[f"{key}_{name}"] = value
        grouped = case_figures.live(self.scope.cases()).exclude(group=None)
        for name, period in periods.items():
            # The facts add up every case's own wages; a group counts once (cases.figures).
            own = grouped.filter(case_figures.WAGES_RECOVERED.q(period)).aggregate(
                amount=Sum("wages_recovered"), workers=Sum("workers_covered")
            )
            counted[f"amount_{name}"] -= own["amount"] or 0
            counted[f"workers_{name}"] -= own["workers"] or 0
            counted[f"covered_{name}"] = 0
        case_figures.add_groups_once(
            grouped.filter(_resolved_within(periods.values())), periods, counted
        )
        for name in periods:
            counted[f"amount_{name}"] = Decimal(counted[f"amount_{name}"])
            del counted[f"covered_{name}"]
        return counted

    def warning_counts(self, periods: dict[str, Period]) -> dict[str, Any]:
        """The warnings issued by highest grade and through the funnel in each named period,
        and the major risks defused (counted on the warnings: few, and ended by any day's
        step)."""
        counted: dict[str, Any] = {}
        for name, period in periods.items():
            for key, value in self.issued.total(period).items():
                counted[f"{key}_{name}"] = value
        counted.update(defused_counts(self.scope, periods))
        return counted


def _resolved_within(periods: Iterable[Period]) -> Q:
    start, end = _window(periods).bounds()
    return Q(resolved_at__gte=start, resolved_at__lt=end)


def daily(scope: Scope, periods: Iterable[Period]) -> Daily:
    """The scope's days from the first of `periods` to the last, read from the facts."""
    window = _window(periods)
    cases = case_facts_of(scope)
    received = Days(RECEIVED)
    for day, district_id, count, feedback in (
        cases.filter(received_on__gte=window.start, received_on__lte=window.end)
        .order_by()
        .values_list("received_on", "district_id")
        .annotate(Count("pk"), Count("pk", filter=Q(feedback_in_24h=True)))
    ):
        received.add(day, district_id, (count, feedback))
    resolved = Days(RESOLVED)
    wages = Q(wages_recovered=True)
    for day, district_id, *counts in (
        cases.filter(resolved_on__gte=window.start, resolved_on__lte=window.end)
        .order_by()
        .values_list("resolved_on", "district_id")
        .annotate(
            Count("pk"),
            Count("pk", filter=Q(resolved_on_time=True)),
            Count("pk", filter=Q(union_mediated=True)),
            Count("pk", filter=wages),
            Sum("wages_amount", filter=wages),
            Sum("workers_covered", filter=wages),
        )
    ):
        resolved.add(day, district_id, tuple(count or 0 for count in counts))
    issued = Days(ISSUED)
    for day, district_id, grade, count, *stages in (
        warning_facts_of(scope)
        .filter(issued_on__gte=window.start, issued_on__lte=window.end)
        .order_by()
        .values_list("issued_on", "district_id", "peak_grade")
        .annotate(
            Count("pk"),
            *(Count("pk", filter=Q(**{stage: True})) for stage in FUNNEL_STAGES),
        )
    ):
        by_grade = tuple(count if grade == other else 0 for other in GRADES_HIGH_FIRST)
        issued.add(day, district_id, (count, *stages, *by_grade))
    return Daily(scope, received, resolved, issued)


def received_by_category(scope: Scope, period: Period) -> Counter[str]:
    """The work orders received in the period by category of demand."""
    return Counter(
        dict(
            case_facts_of(scope)
            .filter(received_on__gte=period.start, received_on__lte=period.end)
            .order_by()
            .values_list("category")
            .annotate(Count("pk"))
        )
    )


def defused_counts(scope: Scope, periods: dict[str, Period]) -> dict[str, Any]:
    """The major risks defused in each period, and the workers they involved (each
    enterprise's employees once, however many of its warnings count)."""
    counted: dict[str, Any] = {}
    for name, period in periods.items():
        defused = warning_figures.figure_rows(
            scope.warnings(), warning_figures.MAJOR_DEFUSED, period
        )
        counted[f"major_defused_{name}"] = defused.count()
        # The defused warnings' enterprises as a subquery, each once, their rows found by key.
        counted[f"major_workers_{name}"] = Enterprise.objects.filter(
            pk__in=defused.values("enterprise_id")
        ).aggregate(workers=Sum("employee_count"))["workers"]
    return counted
