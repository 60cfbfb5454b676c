"""The warning figures of the seed (发布预警信息, 联动处置化解重大集体争议风险隐患) and the
stages of the warning funnel (发布 → 签收 → 核实 → 处置 → 办结), each defined once: which
warnings it counts and by which date.

The dashboard counts `figure_rows(...)` and the warning board behind each figure filters with
the same call, so a figure always equals the length of its list. The funnel follows the
warnings issued in the period through the loop: each stage counts those of them that reached
it, whenever they did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laborwatch.lib.periods import Period
from laborwatch.warnings.models import Grade, Warning, WarningRouting, WarningStep
from laborwatch.warnings.statuses import WarningStatus

Step = WarningStep.Kind
# Steps that dispose of a verified risk (处置): joint handling, service matching, root causes.
MEASURE_STEPS = (Step.JOINT_HANDLING, Step.SERVICE, Step.ROOT_CAUSE)
# A "major" risk reached one of these grades.
MAJOR_GRADES = (Grade.RED, Grade.ORANGE)


# The loop's records are matched with `pk__in` an uncorrelated subquery, which the database
# reads once per figure (a hashed semi-join), not once per warning as a correlated EXISTS is.
def _step(*kinds: str, within: Period | None = None) -> Q:
    steps = WarningStep.objects.filter(kind__in=kinds)
    if within is not None:
        start, end = within.bounds()
        steps = steps.filter(at__gte=start, at__lt=end)
    return Q(pk__in=steps.values("warning_id"))


def _signed() -> Q:
    return Q(
        pk__in=WarningRouting.objects.filter(acknowledged_at__isnull=False).values("warning_id")
    )


def _issued(period: Period) -> Q:
    return Q(first_seen_on__gte=period.start, first_seen_on__lte=period.end)


def _defused(period: Period) -> Q:
    """The risk ended in the period: the signal went away (auto-resolution) in it, or, for a
    warning closed while its signal lasted, the closing step was taken in it."""
    resolved = Q(resolved_on__gte=period.start, resolved_on__lte=period.end)
    closed_while_signalled = Q(resolved_on=None, status=WarningStatus.CLOSED) & Q(
        _step(Step.CLOSURE, within=period)
    )
    return (resolved | closed_while_signalled) & (_step(Step.JOINT_HANDLING))


@dataclass(frozen=True)
class WarningFigure:
    key: str
    label: Promise
    definition: Promise
    # The figure's step in the loop, as the funnel names it.
    stage: Promise
    # The warnings counted in a period.
    condition: Callable[[Period], Q]

    def q(self, period: Period) -> Q:
        return self.condition(period)


ISSUED = WarningFigure(
    "issued",
    _("Warnings issued"),
    _(
        "Warnings first issued in the period, by the highest grade they reached (a warning "
        "that rose from yellow to red counts once, as red)."
    ),
    pgettext_lazy("warning loop", "Issued"),
    _issued,
)
SIGNED = WarningFigure(
    "signed",
    _("Warnings signed for"),
    _("Warnings issued in the period that a receiving unit has signed for."),
    pgettext_lazy("warning loop", "Signed for"),
    lambda period: _issued(period) & _signed(),
)
VERIFIED = WarningFigure(
    "verified",
    _("Warnings verified"),
    _("Warnings issued in the period whose verification (核实) is recorded."),
    pgettext_lazy("warning loop", "Verified"),
    lambda period: _issued(period) & (_step(Step.VERIFICATION)),
)
HANDLED = WarningFigure(
    "handled",
    _("Warnings handled"),
    _(
        "Warnings issued in the period with a measure recorded: joint handling, service "
        "matching or a root-cause measure."
    ),
    pgettext_lazy("warning loop", "Handled"),
    lambda period: _issued(period) & (_step(*MEASURE_STEPS)),
)
CLOSED = WarningFigure(
    "closed",
    _("Warnings closed"),
    _("Warnings issued in the period whose loop is closed (办结)."),
    pgettext_lazy("warning loop", "Closed"),
    lambda period: _issued(period) & Q(status=WarningStatus.CLOSED),
)
MAJOR_DEFUSED = WarningFigure(
    "major_defused",
    _("Major collective-dispute risks defused by joint handling"),
    _(
        "Warnings that reached orange or red, were handled jointly with the departments (联动"
        "处置), and whose risk ended in the period: the signal went away, or the loop was "
        "closed. Workers involved: the employees of those enterprises in the registry, each "
        "enterprise once."
    ),
    pgettext_lazy("warning loop", "Defused"),
    lambda period: Q(peak_grade__in=MAJOR_GRADES) & _defused(period),
)

FUNNEL = (ISSUED, SIGNED, VERIFIED, HANDLED, CLOSED)
WARNING_FIGURES: dict[str, WarningFigure] = {
    figure.key: figure for figure in (*FUNNEL, MAJOR_DEFUSED)
}


def any_within(periods: Iterable[Period]) -> Q:
    """A cheap superset of what the figures count in the periods (issued or resolved in one
    of them, or closed while signalled), so an aggregate reads those rows only."""
    within = Q(resolved_on=None, status=WarningStatus.CLOSED)
    for period in periods:
        within |= _issued(period) | Q(resolved_on__gte=period.start, resolved_on__lte=period.end)
    return within


def figure_rows(
    rows: QuerySet[Warning], figure: WarningFigure, period: Period
) -> QuerySet[Warning]:
    """The warnings among `rows` that `figure` counts in `period`."""
    return rows.filter(figure.q(period))
