"""A scope's figures day by day, read in one grouped query per table: any period's figure is
then the sum of its days, for the period shown, the one before it and each month of the trend.

The city and one district read the day rows (dashboard.models.CaseDay, WarningDay); a user
who sees only some of a district's rows (a liaison, the cases referred to a unit) reads the
facts of the rows they see. The counts come out under the keys the tiles and charts read
(`<figure>_<name>`, `amount_<name>`, `workers_<name>`, `issued_<grade>_<name>`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, Q, QuerySet, Sum

from laborwatch.cases import figures as case_figures
from laborwatch.dashboard.facts import FUNNEL_STAGES
from laborwatch.dashboard.models import CaseDay, CaseFact, WarningDay, WarningFact
from laborwatch.dashboard.scope import Scope
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.periods import Period
from laborwatch.warnings.models import GRADES_HIGH_FIRST

Number = int | Decimal
RECEIVED = ("received", "feedback_24h")
RESOLVED = (
    "resolved",
    "resolved_on_time",
    "union_mediated",
    "wages_recovered",
    "amount",
    "workers",
)
CASE_COUNTS = (*RECEIVED, *RESOLVED)
ISSUED = ("issued", *FUNNEL_STAGES, *(f"issued_{grade}" for grade in GRADES_HIGH_FIRST))


class Days:
    """Counts per day, summed over any run of days from running totals."""

    def __init__(self, names: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
        self.names = names
        by_day: dict[dt.date, list[Number]] = {}
        for day, *counts in rows:
            sums = by_day.setdefault(day, [0] * len(names))
            for index, count in enumerate(counts):
                sums[index] += count or 0
        self.days = sorted(by_day)
        # running[i]: the sums of the days before days[i]
        self.running: list[list[Number]] = [[0] * len(names)]
        for day in self.days:
            self.running.append([a + b for a, b in zip(self.running[-1], by_day[day], strict=True)])

    def total(self, period: Period) -> dict[str, Number]:
        first = bisect.bisect_left(self.days, period.start)
        after = bisect.bisect_right(self.days, period.end)
        return {
            name: self.running[after][index] - self.running[first][index]
            for index, name in enumerate(self.names)
        }


def window(periods: Iterable[Period]) -> Period:
    chosen = list(periods)
    return Period(min(p.start for p in chosen), max(p.end for p in chosen))


def _whole_district(scope: Scope) -> tuple[bool, int | None]:
    """Whether the scope counts every row of the city (district None) or of one district."""
    user, district = scope.user, scope.district
    if user.is_city_wide:
        return True, district.pk if district else None
    home = user.home_district_id
    if home is not None and district is not None and district.pk == home:
        return True, home
    return False, None


def _in_district(rows: QuerySet[Any], district_id: int | None) -> QuerySet[Any]:
    return rows if district_id is None else rows.filter(district_id=district_id)


def _summed_days(
    rows: QuerySet[Any], district_id: int | None, days: Period, names: tuple[str, ...]
) -> QuerySet[Any]:
    """The day rows of the days, summed over the districts (or of one district)."""
    return (
        _in_district(rows, district_id)
        .filter(day__gte=days.start, day__lte=days.end)
        .order_by()
        .values_list("day")
        .annotate(**{f"sum_{name}": Sum(name) for name in names})
    )


def _case_days(scope: Scope, days: Period) -> Iterator[tuple[Any, ...]]:
    whole, district_id = _whole_district(scope)
    if whole:
        yield from _summed_days(CaseDay.objects.all(), district_id, days, CASE_COUNTS)
        return
    facts = CaseFact.objects.filter(case_id__in=scope.cases().values("pk")).order_by()
    for day, *counts in (
        facts.filter(received_on__gte=days.start, received_on__lte=days.end)
        .values_list("received_on")
        .annotate(count=Count("pk"), feedback=Count("pk", filter=Q(feedback_in_24h=True)))
    ):
        yield (day, *counts, *([0] * len(RESOLVED)))
    wages = Q(wages_recovered=True)
    for day, *counts in (
        facts.filter(resolved_on__gte=days.start, resolved_on__lte=days.end)
        .values_list("resolved_on")
        .annotate(
            count=Count("pk"),
            on_time=Count("pk", filter=Q(resolved_on_time=True)),
            mediated=Count("pk", filter=Q(union_mediated=True)),
            wages=Count("pk", filter=wages),
            amount=Sum("wages_amount", filter=wages),
            workers=Sum("workers_covered", filter=wages),
        )
    ):
        yield (day, *([0] * len(RECEIVED)), *counts)


def warning_facts_of(scope: Scope) -> QuerySet[WarningFact]:
    whole, district_id = _whole_district(scope)
    if whole:
        return _in_district(WarningFact.objects.all(), district_id)
    return WarningFact.objects.filter(warning_id__in=scope.warnings().values("pk"))


def _warning_days(scope: Scope, days: Period) -> Iterator[tuple[Any, ...]]:
    whole, district_id = _whole_district(scope)
    if whole:
        yield from _summed_days(WarningDay.objects.all(), district_id, days, ISSUED)
        return
    yield from (
        warning_facts_of(scope)
        .filter(issued_on__gte=days.start, issued_on__lte=days.end)
        .order_by()
        .values_list("issued_on")
        .annotate(
            count=Count("pk"),
            **{f"sum_{stage}": Count("pk", filter=Q(**{stage: True})) for stage in FUNNEL_STAGES},
            **{
                f"g_{grade}": Count("pk", filter=Q(peak_grade=grade)) for grade in GRADES_HIGH_FIRST
            },
        )
    )


@dataclass(frozen=True)
class Daily:
    scope: Scope
    cases: Days
    warnings: Days

    def case_counts(self, periods: dict[str, Period]) -> dict[str, Any]:
        """The work-order figures of each named period, a group case's wages and workers
        counted once (the keys of cases.figures.counts)."""
        counted: dict[str, Any] = {}
        for name, period in periods.items():
            for key, value in self.cases.total(period).items():
                counted[f"{key}_{name}"] = value
        # The days add up every case's own wages; a group counts once (cases.figures): its
        # cases, few in a city, are read as rows.
        # (`group IS NOT NULL`, unordered: the partial index of the grouped cases answers it)
        grouped = case_figures.live(self.scope.cases()).filter(group__isnull=False).order_by()
        own = grouped.aggregate(
            **{
                f"{measure}_{name}": Sum(field, filter=case_figures.WAGES_RECOVERED.q(period))
                for name, period in periods.items()
                for measure, field in (
                    ("amount", "wages_recovered"),
                    ("workers", "workers_covered"),
                )
            }
        )
        for name in periods:
            counted[f"amount_{name}"] = Decimal(counted[f"amount_{name}"]) - (
                own[f"amount_{name}"] or 0
            )
            counted[f"workers_{name}"] -= own[f"workers_{name}"] or 0
            counted[f"covered_{name}"] = 0
        start, end = window(periods.values()).bounds()
        case_figures.add_groups_once(
            grouped.filter(resolved_at__gte=start, resolved_at__lt=end), periods, counted
        )
        for name in periods:
            del counted[f"covered_{name}"]  # all resolved cases' workers: not on the dashboard
        return counted

    def warning_counts(self, periods: dict[str, Period]) -> dict[str, Any]:
        """The warnings issued by highest grade and through the funnel in each named period,
        and the major risks defused."""
        counted: dict[str, Any] = {}
        for name, period in periods.items():
            for key, value in self.warnings.total(period).items():
                counted[f"{key}_{name}"] = value
        counted.update(defused_counts(self.scope, periods))
        return counted


def daily(scope: Scope, periods: Iterable[Period]) -> Daily:
    """The scope's days from the first of `periods` to the last."""
    days = window(periods)
    return Daily(
        scope,
        Days(CASE_COUNTS, _case_days(scope, days)),
        Days(ISSUED, _warning_days(scope, days)),
    )


def received_by_category(scope: Scope, period: Period) -> Counter[str]:
    """The work orders received in the period by category of demand."""
    whole, district_id = _whole_district(scope)
    facts = (
        _in_district(CaseFact.objects.all(), district_id)
        if whole
        else CaseFact.objects.filter(case_id__in=scope.cases().values("pk"))
    )
    return Counter(
        dict(
            facts.filter(received_on__gte=period.start, received_on__lte=period.end)
            .order_by()
            .values_list("category")
            .annotate(count=Count("pk"))
        )
    )


def by_district(scope: Scope, period: Period) -> tuple[Counter[int | None], Counter[int | None]]:
    """The scope's work orders received and warnings issued in the period, by district."""
    whole, district_id = _whole_district(scope)
    if whole:
        cases: QuerySet[Any] = _in_district(CaseDay.objects.all(), district_id).filter(
            day__gte=period.start, day__lte=period.end
        )
        warnings: QuerySet[Any] = _in_district(WarningDay.objects.all(), district_id).filter(
            day__gte=period.start, day__lte=period.end
        )
        received: Aggregate = Sum("received")
        issued: Aggregate = Sum("issued")
    else:
        cases = CaseFact.objects.filter(
            case_id__in=scope.cases().values("pk"),
            received_on__gte=period.start,
            received_on__lte=period.end,
        )
        warnings = warning_facts_of(scope).filter(
            issued_on__gte=period.start, issued_on__lte=period.end
        )
        received = issued = Count("pk")
    return tuple(  # type: ignore[return-value]
        Counter(dict(rows.order_by().values_list("district_id").annotate(total=count)))
        for rows, count in ((cases, received), (warnings, issued))
    )


def defused_counts(scope: Scope, periods: dict[str, Period]) -> dict[str, Any]:
    """The major risks defused in each period, and the workers they involved (each
    enterprise's employees once, however many of its warnings count)."""
    counted: dict[str, Any] = {}
    for name, period in periods.items():
        defused = warning_facts_of(scope).filter(
            defused_on__gte=period.start, defused_on__lte=period.end
        )
        counted[f"major_defused_{name}"] = defused.count()
        counted[f"major_workers_{name}"] = Enterprise.objects.filter(
            pk__in=defused.values("enterprise_id")
        ).aggregate(workers=Sum("employee_count"))["workers"]
    return counted
