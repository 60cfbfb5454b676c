"""Reads of the enterprise registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from laborwatch.core.models import User
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import normalize_code
from laborwatch.lib.filters import lookups


@dataclass(frozen=True)
class EnterpriseFilters:
    query: str = ""
    district_code: str = ""
    industry: str = ""
    size_band: str = ""
    status: str = ""


def enterprise_search(*, user: User, filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope matching any name (current, former, short) or the code."""
    rows = enterprises_visible_to(user).select_related("district")
    query = filters.query.strip()
    if query:
        code = normalize_code(query)
        if len(code) == 18 and code.isascii() and code.isalnum():
            rows = rows.filter(credit_code=code)
        else:
            rows = rows.filter(search_text__icontains=query)
    rows = rows.filter(
        **lookups(
            filters,
            district_code="district__code",
            industry="industry",
            size_band="size_band",
            status="status",
        )
    )
    return rows.order_by("name", "pk")
