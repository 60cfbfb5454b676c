"""The command dashboard of one user for one period: tiles and charts, counted in the user's
scope (a district union's staff in their own district)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from laborwatch.dashboard import charts, figures
from laborwatch.dashboard.daily import daily
from laborwatch.dashboard.facts import facts_follow
from laborwatch.dashboard.figures import Tile
from laborwatch.dashboard.scope import Scope
from laborwatch.lib.periods import Period
from laborwatch.lib.process_cache import ProcessCache


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: Period
    previous: Period
    tiles: list[Tile]
    # name → ECharts option
    charts: dict[str, dict[str, Any]]


# A dashboard of the city or of one union's district for a month or a year is kept in the
# process (lib.process_cache) for DASHBOARD_SECONDS: leaders open and refresh the home page
# many times an hour, and a figure a minute old reads the same to them; a custom range, or a
# user who sees only what is routed to them, is counted at every request.
DASHBOARD_SECONDS = 60.0
Counted = tuple[list[Tile], dict[str, dict[str, Any]]]
dashboard_cache: ProcessCache[tuple[str, str, int | None, Period], Counted] = ProcessCache(
    "command dashboards", seconds=DASHBOARD_SECONDS
)


def command_dashboard(*, scope: Scope, period: Period) -> Dashboard:
    previous = period.previous()
    key = _cache_key(scope, period)

    def count() -> Counted:
        facts_follow()
        return _count(scope, period, previous)

    tiles, chosen = count() if key is None else dashboard_cache.get(key, count)
    return Dashboard(scope=scope, period=period, previous=previous, tiles=tiles, charts=chosen)


def _cache_key(scope: Scope, period: Period) -> tuple[str, str, int | None, Period] | None:
    """Which rows the dashboard counts: the city's, or those of a district union (its staff
    and its leaders see the same rows); None when it is not kept."""
    if period.kind not in ("month", "year"):
        return None
    user = scope.user
    if user.is_city_wide:
        sees = "city"
    elif user.home_district_id is not None:
        sees = f"unit:{user.org_unit_id}"
    else:
        return None
    district = scope.district.pk if scope.district else None
    return (sees, get_language(), district, period)


def _count(scope: Scope, period: Period, previous: Period) -> Counted:
    periods = {"now": period, "before": previous}
    days = daily(scope, [*periods.values(), *charts.trend_months(period)])
    case_counts = days.case_counts(periods)
    warning_counts = days.warning_counts(periods)
    chosen: dict[str, dict[str, Any]] = {
        "trend": charts.trend_chart(scope, period, days),
        "funnel": charts.funnel_chart(scope, period, warning_counts),
        "categories": charts.categories_chart(scope, period),
    }
    if scope.district is None:
        chosen["districts"] = charts.districts_chart(scope, period)
        chosen["risk"] = charts.risk_ranking_chart(scope)
    tiles = [
        *figures.case_tiles(scope, period, case_counts),
        *figures.warning_tiles(scope, period, warning_counts),
        figures.supervision_tile(scope),
        figures.opinion_tile(scope, period, previous),
        *figures.registry_tiles(scope),
    ]
    return tiles, chosen
