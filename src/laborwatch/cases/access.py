"""Who sees and who may act on a work order.

City-wide roles see every case. District staff see their district's cases and the cases
referred to their district union. Department liaisons see only cases referred to their
department. Who may do what to a case is the transition table's (cases/transitions.py):
admin and centre staff on every case, district staff on their own district's cases (less
what only the centre does); receiving units only sign for and reply to their referrals;
leaders and auditors read.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laborwatch.cases.models import Case, Referral
from laborwatch.cases.transitions import HANDLERS, TABLE
from laborwatch.core.access import scope_q
from laborwatch.core.models import User
from laborwatch.core.roles import Role


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.is_city_wide:
        return Case.objects.all()
    referred = Q(pk__in=Referral.objects.filter(to_unit_id=user.org_unit_id).values("case_id"))
    if user.home_district_id is not None:
        return Case.objects.filter(scope_q(user, district_field="district") | referred)
    if user.role == Role.DEPARTMENT_LIAISON:
        return Case.objects.filter(referred)
    return Case.objects.none()


def get_case_for_user(user: User, number: str) -> Case:
    """The case if it exists and the user may see it; 404 for both other cases."""
    case = (
        cases_visible_to(user)
        .select_related("worker", "employer", "district", "handler", "group", "api_client")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


def can_handle(user: User, case: Case) -> bool:
    """Is one of the case's handlers (the centre, or the district union it belongs to)."""
    return bool(TABLE.parties(case, user) & HANDLERS)


def referrals_for(user: User, case: Case) -> QuerySet[Referral]:
    """Referrals of the case addressed to the user's unit (what a liaison may act on)."""
    if user.org_unit_id is None:
        return Referral.objects.none()
    return case.referrals.filter(to_unit_id=user.org_unit_id)
