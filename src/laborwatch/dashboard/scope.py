"""What a dashboard counts: the rows a user may see, narrowed to one district when asked (a
district union's staff always see their own), and the links to the lists behind the figures,
which filter the same rows the same way."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.models import Case
from laborwatch.core.models import OrgUnit, User
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.periods import Period
from laborwatch.warnings.access import warnings_visible_to
from laborwatch.warnings.models import Warning


def own_district(user: User) -> OrgUnit | None:
    """The district a user is held to on the dashboard: a district union's staff or leader,
    their own."""
    if user.home_district_id is not None:
        return user.org_unit
    return None


def may_choose_district(user: User) -> bool:
    return user.is_city_wide


@dataclass(frozen=True)
class Scope:
    user: User
    district: OrgUnit | None = None

    def cases(self) -> QuerySet[Case]:
        rows = cases_visible_to(self.user)
        return rows.filter(district=self.district) if self.district else rows

    def warnings(self) -> QuerySet[Warning]:
        rows = warnings_visible_to(self.user)
        return rows.filter(district=self.district) if self.district else rows

    def enterprises(self) -> QuerySet[Enterprise]:
        rows = enterprises_visible_to(self.user)
        return rows.filter(district=self.district) if self.district else rows

    def _query(self, **params: str) -> str:
        if self.district is not None:
            params["district"] = self.district.code
        return urlencode({key: value for key, value in params.items() if value})

    def case_list(self, figure: str, period: Period, **extra: str) -> str:
        query = self._query(figure=figure, **_period_params(period), **extra)
        return f"{reverse('cases:list')}?{query}"

    def warning_board(self, figure: str, period: Period, **extra: str) -> str:
        query = self._query(figure=figure, **_period_params(period), **extra)
        return f"{reverse('warnings:board')}?{query}"

    def active_warnings(self, district: OrgUnit | None = None, **extra: str) -> str:
        params = {**extra, "district": district.code} if district else extra
        return f"{reverse('warnings:board')}?{self._query(**params)}"

    def supervised_cases(self, which: str) -> str:
        """The work orders under a leader's open instruction (督办): "open" or "overdue"."""
        return f"{reverse('cases:list')}?{self._query(supervised=which)}"

    def opinion_list(self, period: Period, **extra: str) -> str:
        """The verification list of the events first seen in the period."""
        query = self._query(
            seen_from=period.start.isoformat(), seen_to=period.end.isoformat(), **extra
        )
        return f"{reverse('opinion:list')}?{query}"

    def enterprise_list(self) -> str:
        query = self._query()
        return reverse("enterprises:list") + (f"?{query}" if query else "")


def _period_params(period: Period) -> dict[str, str]:
    return {"period_from": period.start.isoformat(), "period_to": period.end.isoformat()}
