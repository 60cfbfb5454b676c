"""The work-order page's actions: the generic action view (lib/action_pages.py) with the
work order's forms and services, and the views of the plan's milestones and the referrals."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.cases import services
from laborwatch.cases.access import get_case_for_user, referrals_for
from laborwatch.cases.forms_actions import (
    ACTION_FORMS,
    MilestoneDoneForm,
    ReferralReplyForm,
)
from laborwatch.cases.models import Case, Milestone
from laborwatch.cases.transitions import TABLE
from laborwatch.cases.views.detail import render_detail, reply_form_key
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.lib.action_pages import ActionPage, Perform, show_service_errors, with_fields

_with_fields = partial(with_fields, subject="case")

PERFORM: dict[str, Perform[Case]] = {
    "accept": _with_fields(services.case_accept),
    "contact": _with_fields(services.case_contact, "worker_reached", "employer_reached", "note"),
    "feedback": _with_fields(services.case_give_feedback, "note"),
    "handle": _with_fields(services.case_start_handling, "method", "note"),
    "resolve": _with_fields(
        services.case_resolve, "wages_recovered", "workers_covered", "method", "union_role", "note"
    ),
    "close": _with_fields(services.case_close, "reason_code", "note"),
    "call_back": _with_fields(services.case_call_back, "satisfaction", "note"),
    "archive": _with_fields(services.case_archive),
    "reopen": _with_fields(services.case_reopen, "reason"),
    "assign": _with_fields(services.case_assign, "handler"),
    "recategorise": _with_fields(services.case_recategorise, "category"),
    "link_employer": _with_fields(
        services.case_link_employer, renamed={"enterprise": "credit_code"}
    ),
    "merge": with_fields(services.case_merge, "target", "reason", subject="source"),
    "plan": _with_fields(services.plan_create, "goal", "deadline"),
    "refer": _with_fields(services.referral_create, "to_unit", "request", "reply_working_days"),
    "note": _with_fields(services.case_add_note, "note"),
    "instruct": _with_fields(services.case_instruct, "text", "deadline"),
    "instruction_acknowledge": _with_fields(services.instruction_acknowledge),
    "instruction_report": _with_fields(services.instruction_report, "report"),
    "instruction_close": _with_fields(services.instruction_close, "note"),
}


ACTIONS: ActionPage[Case] = ActionPage(
    table=TABLE,
    forms=ACTION_FORMS,
    perform=PERFORM,
    render=render_detail,
    done=lambda case, action, outcome: redirect("cases:detail", number=case.number),
)


@login_required
@require_POST
def case_action(request: AuthenticatedRequest, number: str, action: str) -> HttpResponse:
    return ACTIONS.post(request, get_case_for_user(request.user, number), action)


@login_required
@require_POST
def milestone_done(request: AuthenticatedRequest, number: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, number)
    if not TABLE.may_take(case, "milestone_done", request.user):
        raise PermissionDenied
    milestone = get_object_or_404(Milestone, pk=pk, plan__case=case)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return render_detail(request, case, status=400)
    try:
        services.milestone_complete(
            milestone=milestone,
            actor=request.user,
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render_detail(request, case, status=400)
    messages.success(request, _("Milestone “%(title)s” completed.") % {"title": milestone.title})
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def referral_acknowledge_view(request: AuthenticatedRequest, number: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, number)
    referral = get_object_or_404(referrals_for(request.user, case), pk=pk)
    try:
        services.referral_acknowledge(referral=referral, actor=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render_detail(request, case, status=400)
    messages.success(request, _("Referral signed for."))
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def referral_reply_view(request: AuthenticatedRequest, number: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, number)
    referral = get_object_or_404(referrals_for(request.user, case), pk=pk)
    form = ReferralReplyForm(request.POST, auto_id=f"reply{pk}-%s")
    reply = form.cleaned_data["reply"] if form.is_valid() else ""
    try:
        services.referral_reply(
            referral=referral, actor=request.user, reply=reply, now=timezone.now()
        )
    except ValidationError as error:
        show_service_errors(form, error)
        return render_detail(request, case, bound={reply_form_key(pk): form}, status=400)
    messages.success(request, _("Reply sent."))
    return redirect("cases:detail", number=case.number)
