"""The list filters the loops' selectors share: a filter value to its queryset lookup, the
"open" status, a category with its subcategories."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q


def lookups(filters: object, **lookup_of: str) -> dict[str, Any]:
    """The lookups of the filters given: `lookup_of` maps a filter field to its lookup
    (`district_code="district__code"`); a filter left empty is left out."""
    given = {name: getattr(filters, name) for name in lookup_of}
    return {lookup_of[name]: value for name, value in given.items() if value}


def status_q(status: str, open_statuses: Collection[str]) -> Q:
    """A status, "open" (any of `open_statuses`), or "" for every one."""
    if status == "open":
        return Q(status__in=open_statuses)
    return Q(status=status) if status else Q()


def within_q(category: str) -> Q:
    """A demand category with its subcategories ("WAGE" takes "WAGE.ARREARS"); "" for all."""
    if not category:
        return Q()
    return Q(category=category) | Q(category__startswith=category + ".")
