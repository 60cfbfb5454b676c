"""The seed's headline figures for a period and a scope, beside the previous period's, each
with its definition and the list behind it.

Every count is the figure's own definition (cases/figures.py, warnings/figures.py) applied to
the scope's rows, summed over the period's days from the dashboard's facts (dashboard.daily);
the registry's totals are counted on the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases import figures as case_figures
from laborwatch.cases.selectors import supervised_case_ids
from laborwatch.dashboard.scope import Scope, own_district
from laborwatch.lib.periods import Period
from laborwatch.lib.process_cache import ProcessCache
from laborwatch.opinion.models import Grade as OpinionGrade
from laborwatch.opinion.selectors import EventFilters, event_list
from laborwatch.warnings import figures as warning_figures
from laborwatch.warnings.models import GRADES_HIGH_FIRST, Grade


@dataclass(frozen=True)
class Part:
    """A secondary line of a tile: a number with its own list."""

    text: str
    url: str = ""
    css: str = ""


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    definition: str
    value: str
    url: str
    # "较上期 …": the change against the previous period; "" when nothing compares.
    change: str = ""
    direction: str = ""  # up / down / ""
    parts: list[Part] = field(default_factory=list)


def _count_tile(
    figure: case_figures.CaseFigure | warning_figures.WarningFigure,
    *,
    key: str,
    now: int | Decimal,
    before: int | Decimal,
    url: str,
    value: str = "",
    parts: list[Part] | None = None,
) -> Tile:
    """A figure's tile: its count now (`value`, else the count itself), against the previous
    period."""
    change, direction = count_change(now, before)
    return Tile(
        key=key,
        label=str(figure.label),
        definition=str(figure.definition),
        value=value or f"{now:,}",
        url=url,
        change=change,
        direction=direction,
        parts=parts or [],
    )


def percent(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def count_change(now: int | Decimal, before: int | Decimal) -> tuple[str, str]:
    if not before:
        return _("none in the previous period"), ""
    relative = float((now - before) / before)
    return _("%(change)+.1f%% on the previous period (%(before)s)") % {
        "change": relative * 100,
        "before": f"{before:,}",
    }, _direction(relative)


def rate_change(now: float | None, before: float | None) -> tuple[str, str]:
    if now is None or before is None:
        return (_("none in the previous period") if before is None else ""), ""
    points = (now - before) * 100
    return _("%(points)+.1f points on the previous period (%(before).1f%%)") % {
        "points": points,
        "before": before * 100,
    }, _direction(points)


def _direction(change: float) -> str:
    return "up" if change > 0 else "down" if change < 0 else ""


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def yuan_text(amount: Decimal) -> str:
    """Amounts as leaders read them: in 万元 from ten thousand yuan on."""
    if amount >= 10_000:
        return _("%(amount)s ten-thousand yuan") % {"amount": f"{amount / 10_000:,.2f}"}
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


def _count(counts: dict[str, Any], key: str) -> int:
    return int(counts.get(key) or 0)


# The headline rates of the work orders: key, label, numerator, denominator.
RATE_TILES = (
    (
        "mediation_rate",
        gettext_lazy("Union-led or joint mediation rate"),
        case_figures.UNION_MEDIATED,
        case_figures.RESOLVED,
    ),
    (
        "feedback_rate",
        gettext_lazy("24-hour feedback rate"),
        case_figures.FEEDBACK_IN_24H,
        case_figures.RECEIVED,
    ),
    (
        "on_time_rate",
        gettext_lazy("On-time resolution rate"),
        case_figures.RESOLVED_ON_TIME,
        case_figures.RESOLVED,
    ),
)


def _rate_tile(
    scope: Scope,
    period: Period,
    counts: dict[str, Any],
    *,
    key: str,
    label: str,
    numerator: case_figures.CaseFigure,
    denominator: case_figures.CaseFigure,
) -> Tile:
    top, bottom = _count(counts, f"{numerator.key}_now"), _count(counts, f"{denominator.key}_now")
    before = percent(
        _count(counts, f"{numerator.key}_before"), _count(counts, f"{denominator.key}_before")
    )
    change, direction = rate_change(percent(top, bottom), before)
    return Tile(
        key=key,
        label=label,
        definition=_("%(numerator)s divided by %(denominator)s")
        % {
            "numerator": numerator.definition,
            "denominator": denominator.definition,
        },
        value=rate_text(percent(top, bottom)),
        url=scope.case_list(numerator.key, period),
        change=change,
        direction=direction,
        parts=[
            Part(f"{top:,}", scope.case_list(numerator.key, period)),
            Part("/"),
            Part(
                _("%(count)s work orders") % {"count": f"{bottom:,}"},
                scope.case_list(denominator.key, period),
            ),
        ],
    )


def case_tiles(scope: Scope, period: Period, counts: dict[str, Any]) -> list[Tile]:
    received = _count(counts, "received_now")
    amount = counts.get("amount_now") or Decimal("0")
    wages = case_figures.WAGES_RECOVERED
    return [
        _count_tile(
            case_figures.RECEIVED,
            key="received",
            now=received,
            before=_count(counts, "received_before"),
            url=scope.case_list("received", period),
        ),
        *(
            _rate_tile(
                scope,
                period,
                counts,
                key=key,
                label=str(label),
                numerator=numerator,
                denominator=denominator,
            )
            for key, label, numerator, denominator in RATE_TILES
        ),
        _count_tile(
            wages,
            key="wages_recovered",
            now=amount,
            before=counts.get("amount_before") or Decimal("0"),
            value=yuan_text(amount),
            url=scope.case_list(wages.key, period),
            parts=[
                Part(
                    _("%(count)s workers") % {"count": f"{_count(counts, 'workers_now'):,}"},
                    scope.case_list(wages.key, period),
                )
            ],
        ),
    ]


def warning_tiles(scope: Scope, period: Period, counts: dict[str, Any]) -> list[Tile]:
    issued = _count(counts, "issued_now")
    defused = _count(counts, "major_defused_now")
    major = warning_figures.MAJOR_DEFUSED
    return [
        _count_tile(
            warning_figures.ISSUED,
            key="warnings_issued",
            now=issued,
            before=_count(counts, "issued_before"),
            url=scope.warning_board("issued", period),
            parts=[
                Part(
                    f"{Grade(grade).label} {_count(counts, f'issued_{grade}_now'):,}",
                    scope.warning_board("issued", period, peak_grade=grade),
                    f"grade-{grade}",
                )
                for grade in GRADES_HIGH_FIRST
            ],
        ),
        _count_tile(
            major,
            key="major_defused",
            now=defused,
            before=_count(counts, "major_defused_before"),
            url=scope.warning_board(major.key, period),
            parts=[
                Part(
                    _("%(count)s workers involved")
                    % {"count": f"{_count(counts, 'major_workers_now'):,}"},
                    scope.warning_board(major.key, period),
                )
            ],
        ),
    ]


def supervision_tile(scope: Scope) -> Tile:
    """督办: the work orders under a leader's instruction not yet closed, and those of them
    not reported on by the leader's deadline; a stock figure of now."""
    now = timezone.now()
    supervised = scope.cases().filter(pk__in=supervised_case_ids("open", now)).count()
    overdue = scope.cases().filter(pk__in=supervised_case_ids("overdue", now)).count()
    return Tile(
        key="supervised",
        label=_("Work orders under supervision (督办)"),
        definition=_(
            "Work orders under a leader's instruction that the leader has not closed; overdue: "
            "not reported on by the leader's deadline. A count of now, not of the period."
        ),
        value=f"{supervised:,}",
        url=scope.supervised_cases("open"),
        parts=[
            Part(
                _("%(count)s overdue") % {"count": f"{overdue:,}"},
                scope.supervised_cases("overdue"),
                "grade-red" if overdue else "",
            )
        ],
    )


def opinion_tile(scope: Scope, period: Period, previous: Period) -> Tile:
    """舆情: the events on the verification list first seen in the period, counted as the list
    filtered to the same period and district counts them, with the 重大 and 较大 among them."""

    def events(chosen: Period, grade: str = "") -> int:
        return event_list(
            user=scope.user,
            filters=EventFilters(
                grade=grade,
                district_code=scope.district.code if scope.district else "",
                seen_from=chosen.start,
                seen_to=chosen.end,
            ),
        ).count()

    now, before = events(period), events(previous)
    change, direction = count_change(now, before)
    return Tile(
        key="opinion_events",
        label=_("Public-opinion events"),
        definition=_(
            "Labour events on the public-opinion verification list (舆情核实清单) first seen "
            "in the period, merged events not counted; by heat grade."
        ),
        value=f"{now:,}",
        url=scope.opinion_list(period),
        change=change,
        direction=direction,
        parts=[
            Part(
                f"{grade.label} {events(period, grade):,}",
                scope.opinion_list(period, grade=grade),
                css,
            )
            for grade, css in (
                (OpinionGrade.GRAVE, "grade-red"),
                (OpinionGrade.MAJOR, "grade-orange"),
            )
        ],
    )


# The registry's totals by district (None: the whole city). Counting a city's 350,000
# enterprises takes longer than the rest of the dashboard; the registry changes by daily loads,
# and a stock figure ten minutes old reads the same to a leader.
REGISTRY_TOTALS_SECONDS = 600.0
_registry_totals: ProcessCache[int | None, dict[str, Any]] = ProcessCache(
    "registry totals", seconds=REGISTRY_TOTALS_SECONDS
)


def _totals(scope: Scope) -> dict[str, Any]:
    def count() -> dict[str, Any]:
        return scope.enterprises().aggregate(count=Count("pk"), workers=Sum("employee_count"))

    sees_all = scope.user.is_city_wide or own_district(scope.user) is not None
    if not sees_all:
        return count()
    return _registry_totals.get(scope.district.pk if scope.district else None, count)


def registry_tiles(scope: Scope) -> list[Tile]:
    """Stock figures: what is under monitoring now, with nothing to compare."""
    totals = _totals(scope)
    url = scope.enterprise_list()
    return [
        Tile(
            key="enterprises",
            label=_("Market entities under monitoring"),
            definition=_(
                "Enterprises in the registry, every one of which the daily run scores; a "
                "count of today, not of the period."
            ),
            value=f"{totals['count'] or 0:,}",
            url=url,
        ),
        Tile(
            key="workers",
            label=_("Workers under monitoring"),
            definition=_(
                "The employees of the enterprises under monitoring, as the registry records "
                "them; a count of today, not of the period."
            ),
            value=f"{totals['workers'] or 0:,}",
            url=url,
        ),
    ]
