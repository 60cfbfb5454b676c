"""Who reads and who issues reports.

City-wide roles read every report; a district union's staff read the reports of their own
district; department liaisons read none (a report names enterprises of every district). The
centre staff and administrators issue reports and corrections; leaders and auditors read.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.reports.models import IssuedReport


def reports_visible_to(user: User) -> QuerySet[IssuedReport]:
    if not user.is_authenticated or not user.is_active:
        return IssuedReport.objects.none()
    if user.is_city_wide:
        return IssuedReport.objects.all()
    if user.home_district_id is not None:
        return IssuedReport.objects.filter(district_id=user.home_district_id)
    return IssuedReport.objects.none()


def may_read_reports(user: User) -> bool:
    return user.is_city_wide or user.home_district_id is not None


def may_issue(user: User) -> bool:
    return user.is_active and user.role in (Role.ADMIN, Role.CENTRE_STAFF)


def get_report_for_user(user: User, pk: int) -> IssuedReport:
    """The report if it exists and the user may read it; 404 for both other cases."""
    report = reports_visible_to(user).select_related("district", "corrects").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
