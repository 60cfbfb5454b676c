"""The event page's actions: the generic action view (lib/action_pages.py) with the event's
forms and services; and the audited reveal of a post's clear text."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.lib.action_pages import ActionPage, Perform, with_fields
from laborwatch.opinion.access import get_event_for_user, get_post_for_user
from laborwatch.opinion.forms_actions import ACTION_FORMS, RevealForm
from laborwatch.opinion.models import Event
from laborwatch.opinion.services import (
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

_with_fields = partial(with_fields, subject="event")

PERFORM: dict[str, Perform[Event]] = {
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
        now=timezone.now(),
    ),
    "join_case": _with_fields(event_join_case, "case", "note"),
    "attach_warning": _with_fields(event_attach_warning, "warning", "note"),
    "respond": _with_fields(event_respond, "kind", "text", "channel", "published_at", "reason"),
    "close": _with_fields(event_close, "note"),
    "link_enterprise": _with_fields(event_link_enterprise, renamed={"enterprise": "credit_code"}),
    "merge": with_fields(event_merge, "target", "reason", subject="source"),
    "split": _with_fields(event_split, "reason", renamed={"post_ids": "posts"}),
    "note": _with_fields(event_add_note, "note"),
}


def _done(event: Event, action: str, outcome: object) -> HttpResponse:
    """Back to the event's page; a split leads to the event split off."""
    shown = outcome if action == "split" and isinstance(outcome, Event) else event
    return redirect("opinion:detail", pk=shown.pk)


ACTIONS: ActionPage[Event] = ActionPage(
    table=TABLE,
    forms=ACTION_FORMS,
    perform=PERFORM,
    render=render_detail,
    done=_done,
)


@login_required
@require_POST
def event_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    return ACTIONS.post(request, get_event_for_user(request.user, pk), action)


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
