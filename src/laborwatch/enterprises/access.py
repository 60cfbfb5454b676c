"""Fetch-and-authorise for enterprises."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from laborwatch.core.access import scope_q
from laborwatch.core.models import User
from laborwatch.enterprises.models import Enterprise


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(scope_q(user, district_field="district"))


def may_register_enterprise(user: User) -> bool:
    """The registry is kept city-wide: administrators and centre staff add to it."""
    return user.can_write and user.is_city_wide


def get_enterprise_for_user(user: User, credit_code: str) -> Enterprise:
    """The enterprise if it exists and the user may see it; 404 for both other cases."""
    enterprise = (
        enterprises_visible_to(user)
        .select_related("district")
        .filter(credit_code=credit_code)
        .first()
    )
    if enterprise is None:
        raise Http404
    return enterprise
