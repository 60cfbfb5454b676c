"""The event page's actions: each POST parses one form, calls one service, redirects; and the
audited reveal of a post's clear text.

Refusals re-render the page: a stale version with the "reload" message (409), any other
service error next to its field (400). Users who may see but not act on the event get 403;
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
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.models import User
from laborwatch.opinion.access import get_event_for_user, get_post_for_user
from laborwatch.opinion.forms_actions import ACTION_FORMS, RevealForm
from laborwatch.opinion.models import Event
from laborwatch.opinion.services import (
    StaleEvent,
    event_acknowledge,
    event_add_note,
    event_assign,
    event_attach_warning,
    event_close,
    event_join_case,
    event_link_enterprise,
    event_merge,
    event_open_case,
    event_respond,
    event_split,
    event_verify,
    post_reveal,
)
from laborwatch.opinion.transitions import TABLE
from laborwatch.opinion.views.detail import render_detail

Perform = Callable[[Event, User, dict[str, Any]], object]


def _with_fields(service: Callable[..., object], *fields: str) -> Perform:
    """Call `service` on the event for the actor with the version the user saw and the form's
    `fields`, each under the same name."""
    return lambda event, actor, data: service(
        event=event,
        actor=actor,
        expected_version=data["version"],
        **{name: data[name] for name in fields},
    )


PERFORM: dict[str, Perform] = {
    "assign": _with_fields(event_assign, "org_unit", "request"),
    "acknowledge": _with_fields(event_acknowledge),
    "verify": _with_fields(event_verify, "result", "checks", "note"),
    "open_case": lambda event, actor, d: event_open_case(
        event=event,
        actor=actor,
        caller_name=d["caller_name"],
        caller_phone=d["caller_phone"],
        caller_id_number=d["caller_id_number"],
        employer_name=d.get("employer_name", ""),
        description=d["description"],
        category=d["category"],
        workers_involved=d["workers_involved"],
        note=d["note"],
        expected_version=d["version"],
    ),
    "join_case": _with_fields(event_join_case, "case", "note"),
    "attach_warning": _with_fields(event_attach_warning, "warning", "note"),
    "respond": _with_fields(event_respond, "kind", "text", "channel", "published_at", "reason"),
    "close": _with_fields(event_close, "note"),
    "link_enterprise": lambda event, actor, d: event_link_enterprise(
        event=event, actor=actor, enterprise=d["credit_code"], expected_version=d["version"]
    ),
    "merge": lambda event, actor, d: event_merge(
        source=event,
        target=d["target"],
        actor=actor,
        reason=d["reason"],
        expected_version=d["version"],
    ),
    "split": lambda event, actor, d: event_split(
        event=event,
        actor=actor,
        post_ids=d["posts"],
        reason=d["reason"],
        expected_version=d["version"],
    ),
    "note": _with_fields(event_add_note, "note"),
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
def event_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    perform = PERFORM.get(action)
    if perform is None:
        raise Http404
    event = get_event_for_user(request.user, pk)
    spec = ACTION_FORMS[action]
    if not TABLE.may_take(event, spec.action, request.user):
        raise PermissionDenied
    form = spec.form(request.POST, event=event, user=request.user, name=action)
    if not form.is_valid():
        return render_detail(request, event, bound={action: form}, status=400)
    try:
        outcome = perform(event, request.user, form.cleaned_data)
    except ValidationError as error:
        show_service_errors(form, error)
        if isinstance(error, StaleEvent):
            messages.error(request, error.messages[0])
            return render_detail(request, event, bound={action: form}, status=409)
        return render_detail(request, event, bound={action: form}, status=400)
    messages.success(request, _("%(action)s: done.") % {"action": spec.title})
    if action == "split" and isinstance(outcome, Event):
        return redirect("opinion:detail", pk=outcome.pk)
    return redirect("opinion:detail", pk=event.pk)


@login_required
@require_POST
def post_reveal_view(request: AuthenticatedRequest, pk: int, post_pk: int) -> HttpResponse:
    """The clear title and text of one post, shown once on the event's page; audited."""
    event = get_event_for_user(request.user, pk)
    post = get_post_for_user(request.user, event, post_pk)
    form = RevealForm(request.POST, auto_id="reveal-%s")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        clear = post_reveal(actor=request.user, post=post, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render_detail(request, event, status=400)
    response = render_detail(request, event, revealed={post.pk: clear})
    response["Cache-Control"] = "no-store"
    return response
