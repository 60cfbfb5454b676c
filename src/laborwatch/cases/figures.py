"""The work-order figures of the seed (受理维权件次, 24 小时反馈率, 按时办结率, 调处率, 追回欠薪),
each defined once: which cases it counts and by which of their dates.

The command dashboard counts `figure_rows(...)`, the work-order list behind each figure filters
with the same call, and the monthly report's timeliness table is made of the same counts, so a
figure always equals the length of its list. Merged cases live on in the case they were merged
into and are never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
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
    all cases resolved."""
    aggregates: dict[str, Any] = {}
    for name, period in periods.items():
        for figure in CASE_FIGURES.values() if only is None else only:
            aggregates[f"{figure.key}_{name}"] = Count("pk", filter=figure.q(period))
        if only is not None:
            continue
        wages = WAGES_RECOVERED.q(period)
        aggregates[f"amount_{name}"] = Sum("wages_recovered", filter=wages)
        aggregates[f"workers_{name}"] = Sum("workers_covered", filter=wages)
        aggregates[f"covered_{name}"] = Sum("workers_covered", filter=RESOLVED.q(period))
    return live(rows).filter(_any_date_within(periods.values())).aggregate(**aggregates)


def _any_date_within(periods: Iterable[Period]) -> Q:
    """Cases received or resolved from the first period's start to the last one's end: all
    the figures can count, so the aggregate reads those rows only."""
    bounds = [period.bounds() for period in periods]
    start, end = min(b[0] for b in bounds), max(b[1] for b in bounds)
    return Q(received_at__gte=start, received_at__lt=end) | Q(
        resolved_at__gte=start, resolved_at__lt=end
    )
