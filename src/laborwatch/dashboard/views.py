"""The home page: the command dashboard for the period and district asked for."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.models import OrgUnit
from laborwatch.dashboard.forms import DashboardForm
from laborwatch.dashboard.scope import Scope, may_choose_district, own_district
from laborwatch.dashboard.selectors import command_dashboard


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = DashboardForm(
        request.GET or None, today=timezone.localdate(), choose_district=may_choose_district(user)
    )
    district = own_district(user)
    code = form.chosen_district_code()
    if code:
        district = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT, code=code).first()
        if district is None:
            raise Http404
    dashboard = command_dashboard(scope=Scope(user, district), period=form.chosen_period())
    return render(request, "dashboard/home.html", {"form": form, "dashboard": dashboard})
