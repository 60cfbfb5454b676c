"""Scope rules shared by every app: who sees which district's or department's objects.

Each app's own `access.py` builds on `scope_q` to fetch and authorise an object in one call;
"missing" and "not yours" both end in 404 so a URL never reveals that something exists.
"""

from __future__ import annotations

from django.db.models import Q

from laborwatch.core.models import User

NOTHING = Q(pk__in=[])


def scope_q(user: User, *, district_field: str) -> Q:
    """Rows the user may see, for objects that belong to a district (through `district_field`).

    City-wide roles see everything; district staff and district leaders their own district;
    department liaisons nothing here — they see only what is routed to their department,
    which the routing apps (referrals, warnings) grant with their own rules.
    """
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_city_wide:
        return Q()
    if user.home_district_id is not None:
        return Q(**{f"{district_field}_id": user.home_district_id})
    return NOTHING
