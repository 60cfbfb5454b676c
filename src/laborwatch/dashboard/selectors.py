"""The command dashboard of one user for one period: tiles and charts, counted in the user's
scope (a district union's staff in their own district)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from laborwatch.cases import figures as case_figures
from laborwatch.dashboard import charts, figures
from laborwatch.dashboard.figures import Tile
from laborwatch.dashboard.scope import Scope
from laborwatch.lib.periods import Period


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: Period
    previous: Period
    tiles: list[Tile]
    # name → ECharts option
    charts: dict[str, dict[str, Any]]


def command_dashboard(*, scope: Scope, period: Period) -> Dashboard:
    previous = period.previous()
    periods = {"now": period, "before": previous}
    case_counts = case_figures.counts(scope.cases(), periods)
    warning_counts = figures.warning_counts(scope, periods)
    chosen: dict[str, dict[str, Any]] = {
        "trend": charts.trend_chart(scope, period),
        "funnel": charts.funnel_chart(scope, period, warning_counts),
        "categories": charts.categories_chart(scope, period),
    }
    if scope.district is None:
        chosen["districts"] = charts.districts_chart(scope, period)
        chosen["risk"] = charts.risk_ranking_chart(scope)
    return Dashboard(
        scope=scope,
        period=period,
        previous=previous,
        tiles=[
            *figures.case_tiles(scope, period, case_counts),
            *figures.warning_tiles(scope, period, warning_counts),
            *figures.registry_tiles(scope),
        ],
        charts=chosen,
    )
