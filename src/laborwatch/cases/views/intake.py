"""Web intake: walk-in, online and superior-assignment (督办) forms, one service call each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from laborwatch.cases.forms import WEB_INTAKE_CHANNELS, IntakeForm
from laborwatch.cases.models import Channel
from laborwatch.cases.services import case_intake
from laborwatch.cases.views.actions import show_service_errors
from laborwatch.cases.views.lists import intake_links, may_take_in
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.roles import Role


@login_required
def case_new(request: AuthenticatedRequest) -> HttpResponse:
    channel = request.GET.get("channel", Channel.WALK_IN)
    if not may_take_in(request.user) or channel not in WEB_INTAKE_CHANNELS:
        raise Http404
    form = IntakeForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        # District staff take in for their own district, so the new case stays theirs.
        district = request.user.org_unit if request.user.role == Role.DISTRICT_STAFF else None
        try:
            result = case_intake(actor=request.user, district=district, **form.intake_arguments())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request, _("Work order %(number)s registered.") % {"number": result.case.number}
            )
            return redirect("cases:detail", number=result.case.number)
    return render(
        request,
        "cases/intake.html",
        {"form": form, "channel_label": Channel(channel).label, "intake_links": intake_links()},
    )
