"""The work-order page's actions: each POST parses one form, calls one service, redirects.

Refusals re-render the page: a stale version with the "reload" message (409), any other
service error next to its field (400). Users who may see but not handle the case get 403;
users who may not see it get 404 — and in every refused case nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.cases import services
from laborwatch.cases.access import get_case_for_user, referrals_for
from laborwatch.cases.errors import StaleCase
from laborwatch.cases.forms_actions import (
    ACTION_FORMS,
    MilestoneDoneForm,
    ReferralReplyForm,
)
from laborwatch.cases.models import Case, Milestone
from laborwatch.cases.transitions import TABLE
from laborwatch.cases.views.detail import render_detail, reply_form_key
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.models import User

Perform = Callable[[Case, User, dict[str, Any]], object]


def _with_fields(service: Callable[..., object], *fields: str) -> Perform:
    """Call `service` on the case for the actor with the version the user saw and the form's
    `fields`, each under the same name."""
    return lambda case, actor, data: service(
        case=case,
        actor=actor,
        expected_version=data["version"],
        now=timezone.now(),
        **{name: data[name] for name in fields},
    )


PERFORM: dict[str, Perform] = {
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
    "link_employer": lambda case, actor, d: services.case_link_employer(
        case=case,
        actor=actor,
        enterprise=d["credit_code"],
        expected_version=d["version"],
        now=timezone.now(),
    ),
    "merge": lambda case, actor, d: services.case_merge(
        source=case,
        target=d["target"],
        actor=actor,
        reason=d["reason"],
        expected_version=d["version"],
        now=timezone.now(),
    ),
    "plan": _with_fields(services.plan_create, "goal", "deadline"),
    "refer": _with_fields(services.referral_create, "to_unit", "request", "reply_working_days"),
    "note": _with_fields(services.case_add_note, "note"),
    "instruct": _with_fields(services.case_instruct, "text", "deadline"),
    "instruction_acknowledge": _with_fields(services.instruction_acknowledge),
    "instruction_report": _with_fields(services.instruction_report, "report"),
    "instruction_close": _with_fields(services.instruction_close, "note"),
}


def show_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they name, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field_name, messages_ in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def case_action(request: AuthenticatedRequest, number: str, action: str) -> HttpResponse:
    perform = PERFORM.get(action)
    if perform is None:
        raise Http404
    case = get_case_for_user(request.user, number)
    if not TABLE.may_take(case, action, request.user):
        raise PermissionDenied
    form = ACTION_FORMS[action].form(request.POST, case=case, user=request.user, name=action)
    if not form.is_valid():
        return render_detail(request, case, bound={action: form}, status=400)
    try:
        perform(case, request.user, form.cleaned_data)
    except ValidationError as error:
        show_service_errors(form, error)
        if isinstance(error, StaleCase):
            messages.error(request, error.messages[0])
            return render_detail(request, case, bound={action: form}, status=409)
        return render_detail(request, case, bound={action: form}, status=400)
    messages.success(request, _("%(action)s: done.") % {"action": ACTION_FORMS[action].title})
    return redirect("cases:detail", number=case.number)


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
