"""The work-order figures of the seed (受理维权件次, 24 小时反馈率, 按时办结率, 调处率, 追回欠薪),
each defined once: which cases it counts and by which of their dates.

The command dashboard counts `figure_rows(...)`, the work-order list behind each figure filters
with the same call, and the monthly report's timeliness table is made of the same counts, so a
figure always equals the length of its list. Merged cases live on in the case they were merged
into and are never counted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.models import Case, UnionRole
from laborwatch.cases.statuses import Status
from laborwatch.lib.periods import Period

FEEDBACK_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class CaseFigure:
    key: str
    label: Promise
    # What it counts, in a leader's words (the dashboard's tooltip, the list's caption).
    definition: Promise
    # The case's date that places it in a period.
    date_field: str
    condition: Q

    def q(self, period: Period) -> Q:
        """The cases counted in `period`, among live (not merged) cases."""
        start, end = period.bounds()
        return self.condition & Q(
            **{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end}
        )


RECEIVED = CaseFigure(
    "received",
    _("Cases received"),
    _("Work orders received in the period from every channel (merged duplicates not counted)."),
    "received_at",
    Q(),
)
FEEDBACK_IN_24H = CaseFigure(
    "feedback_24h",
    _("Feedback within 24 hours"),
    _("Work orders received in the period whose worker had feedback within 24 hours."),
    "received_at",
    Q(feedback_at__isnull=False, feedback_at__lte=F("received_at") + FEEDBACK_WINDOW),
)
RESOLVED = CaseFigure(
    "resolved",
    _("Cases resolved"),
    _("Work orders resolved in the period, whenever they were received."),
    "resolved_at",
    Q(),
)
RESOLVED_ON_TIME = CaseFigure(
    "resolved_on_time",
    _("Resolved on time"),
    _("Work orders resolved in the period by their resolution deadline."),
    "resolved_at",
    Q(resolved_at__lte=F("resolve_due")),
)
UNION_MEDIATED = CaseFigure(
    "union_mediated",
    _("Union-led or joint mediation"),
    _("Work orders resolved in the period where the union led or joined the mediation."),
    "resolved_at",
    Q(union_role__in=[UnionRole.LED, UnionRole.JOINED]),
)
WAGES_RECOVERED = CaseFigure(
    "wages_recovered",
    _("Wage arrears recovered"),
    _(
        "Work orders resolved in the period with wages recovered: the amount recovered and "
        "the workers it reached, as recorded at resolution."
    ),
    "resolved_at",
    Q(wages_recovered__gt=0),
)

CASE_FIGURES: dict[str, CaseFigure] = {
    figure.key: figure
    for figure in (
        RECEIVED,
        FEEDBACK_IN_24H,
        RESOLVED,
        RESOLVED_ON_TIME,
        UNION_MEDIATED,
        WAGES_RECOVERED,
    )
}


def figure_rows(rows: QuerySet[Case], figure: CaseFigure, period: Period) -> QuerySet[Case]:
    """The cases among `rows` that `figure` counts in `period`."""
    return live(rows).filter(figure.q(period))


def live(rows: QuerySet[Case]) -> QuerySet[Case]:
    """Every case but the merged ones, which live on in the case they were merged into."""
    return rows.exclude(status=Status.MERGED)


def counts(
    rows: QuerySet[Case],
    periods: dict[str, Period],
    *,
    only: Iterable[CaseFigure] | None = None,
) -> dict[str, Any]:
    """Every figure (or those `only` names) of every named period over `rows`, in one query:
    `<figure>_<name>` the count; unless `only` is given, `amount_<name>` and `workers_<name>`
    the wages recovered and the workers they reached, `covered_<name>` the workers covered by
    all cases resolved — a group case counted once in these (`counted_once`)."""
    aggregates: dict[str, Any] = {}
    alone = Q(group=None)
    for name, period in periods.items():
        for figure in CASE_FIGURES.values() if only is None else only:
            aggregates[f"{figure.key}_{name}"] = Count("pk", filter=figure.q(period))
        if only is not None:
            continue
        wages = WAGES_RECOVERED.q(period) & alone
        aggregates[f"amount_{name}"] = Sum("wages_recovered", filter=wages)
        aggregates[f"workers_{name}"] = Sum("workers_covered", filter=wages)
        aggregates[f"covered_{name}"] = Sum("workers_covered", filter=RESOLVED.q(period) & alone)
    within = live(rows).filter(_any_date_within(periods.values()))
    result = within.aggregate(**aggregates)
    if only is None:
        add_groups_once(within.exclude(group=None), periods, result)
    return result


def add_groups_once(grouped: QuerySet[Case], periods: dict[str, Period], result: dict) -> None:
    """The wages, workers reached and workers covered of the grouped cases resolved in each
    period, each group counted once; a city has few group cases, so they are read as rows."""
    resolved = list(
        grouped.filter(resolved_at__isnull=False).values_list(
            "group_id", "resolved_at", "workers_covered", "wages_recovered"
        )
    )
    for name, period in periods.items():
        start, end = period.bounds()
        inside = [row for row in resolved if row[1] is not None and start <= row[1] < end]
        covered = counted_once(Reported(group, workers) for group, _, workers, _ in inside)
        wages = counted_once(
            Reported(group, workers, recovered=recovered)
            for group, _, workers, recovered in inside
            if recovered and recovered > 0
        )
        result[f"amount_{name}"] = (result[f"amount_{name}"] or Decimal("0")) + wages.recovered
        result[f"workers_{name}"] = (result[f"workers_{name}"] or 0) + wages.workers
        result[f"covered_{name}"] = (result[f"covered_{name}"] or 0) + covered.workers


def _any_date_within(periods: Iterable[Period]) -> Q:
    """Cases received or resolved from the first period's start to the last one's end: all
    the figures can count, so the aggregate reads those rows only."""
    bounds = [period.bounds() for period in periods]
    start, end = min(b[0] for b in bounds), max(b[1] for b in bounds)
    return Q(received_at__gte=start, received_at__lt=end) | Q(
        resolved_at__gte=start, resolved_at__lt=end
    )


# How work orders add up in an amount or a headcount: a group case counts once, not once
# per caller.
#
# Callers of a group case (群体性) often speak for the whole group: each reports the group's
# workers and amount ("我们12名职工被拖欠工资共计30万元"). Summing their work orders would count
# the group as many times as it called. A group therefore counts, in each measure (workers,
# amount claimed, wages recovered), as its largest report, or as the sum of its single-worker
# reports where these add up to more (five workers who each called about their own wages).
# Work orders outside a group add up as they are.


@dataclass(frozen=True)
class Reported:
    """What one work order says: its group (None outside a group), the workers, the amount
    claimed and the wages recovered."""

    group: Hashable | None
    workers: int
    amount: Decimal = Decimal("0")
    recovered: Decimal = Decimal("0")


@dataclass(frozen=True)
class Counted:
    workers: int
    amount: Decimal
    recovered: Decimal


ZERO = Counted(0, Decimal("0"), Decimal("0"))


def counted_once(reports: Iterable[Reported]) -> Counted:
    by_group: dict[Hashable, list[Reported]] = defaultdict(list)
    parts: list[Counted] = []
    for report in reports:
        if report.group is None:
            parts.append(Counted(report.workers, report.amount, report.recovered))
        else:
            by_group[report.group].append(report)
    parts.extend(_group(members) for members in by_group.values())
    return Counted(
        workers=sum(part.workers for part in parts),
        amount=sum((part.amount for part in parts), Decimal("0")),
        recovered=sum((part.recovered for part in parts), Decimal("0")),
    )


def _group(members: list[Reported]) -> Counted:
    singles = [member for member in members if member.workers <= 1]
    return Counted(
        workers=max(max(member.workers for member in members), sum(m.workers for m in singles)),
        amount=max(
            max(member.amount for member in members),
            sum((m.amount for m in singles), Decimal("0")),
        ),
        recovered=max(
            max(member.recovered for member in members),
            sum((m.recovered for m in singles), Decimal("0")),
        ),
    )
