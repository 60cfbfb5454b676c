"""Who sees and who may act on a warning.

City-wide roles see every warning. District staff see the warnings of their district.
Department liaisons see the warnings routed to their department. "Missing" and "not yours"
both end in 404. Who may do what, at which status, is the transition table's
(warnings/transitions.py): a receiving unit's members sign for their routing; the district's
staff, the centre staff and administrators take the loop steps and open work orders;
liaisons of a routed department, once signed for, verify and report joint handling; leaders
and auditors read.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.warnings.models import Warning, WarningRouting


def warnings_visible_to(user: User) -> QuerySet[Warning]:
    if not user.is_authenticated or not user.is_active:
        return Warning.objects.none()
    if user.is_city_wide:
        return Warning.objects.all()
    if user.home_district_id is not None:
        return Warning.objects.filter(district_id=user.home_district_id)
    if user.role == Role.DEPARTMENT_LIAISON and user.org_unit_id is not None:
        routed = WarningRouting.objects.filter(org_unit_id=user.org_unit_id)
        return Warning.objects.filter(Q(pk__in=routed.values("warning_id")))
    return Warning.objects.none()


def get_warning_for_user(user: User, pk: int) -> Warning:
    """The warning if it exists and the user may see it; 404 for both other cases."""
    warning = (
        warnings_visible_to(user)
        .select_related("enterprise", "district", "case", "inhibited_by")
        .filter(pk=pk)
        .first()
    )
    if warning is None:
        raise Http404
    return warning


def routing_for(user: User, warning: Warning) -> WarningRouting | None:
    """The routing of the warning addressed to the user's unit, if the user may sign for it."""
    if not user.can_write or user.org_unit_id is None:
        return None
    return warning.routings.filter(org_unit_id=user.org_unit_id).first()
