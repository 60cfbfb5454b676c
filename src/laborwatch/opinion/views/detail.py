"""An event's page: its facts, the response clock, the posts as a timeline, the engagement
curve, assignments and disposals, the audit timeline, and every action the transition table
allows this user now.

`render_detail` is shared with the action views, which re-render the page with their bound
form (and its errors) when a service refuses a change.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from laborwatch.cases.access import cases_visible_to
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.lib.action_pages import action_forms
from laborwatch.opinion.access import get_event_for_user, may_reveal_posts
from laborwatch.opinion.charts import engagement_svg
from laborwatch.opinion.export import response_text
from laborwatch.opinion.forms_actions import ACTION_FORMS, RevealForm, offered_forms
from laborwatch.opinion.models import Event, ResponseKind, VerificationCheck
from laborwatch.opinion.selectors import engagement_curve, event_posts, event_timeline
from laborwatch.opinion.transitions import TABLE


def enterprise_candidates(event: Event, user: Any) -> list[dict[str, Any]]:
    """The registry candidates the linker proposed for the event's posts, within the user's
    scope, most confident first (to confirm one)."""
    best: dict[str, dict[str, Any]] = {}
    for candidates in event.posts.values_list("enterprise_candidates", flat=True):
        for candidate in candidates or []:
            known = best.get(candidate["credit_code"])
            if known is None or candidate["confidence"] > known["confidence"]:
                best[candidate["credit_code"]] = candidate
    visible = set(
        enterprises_visible_to(user)
        .filter(credit_code__in=list(best))
        .values_list("credit_code", flat=True)
    )
    ranked = sorted(
        (c for c in best.values() if c["credit_code"] in visible),
        key=lambda c: (-c["confidence"], c["credit_code"]),
    )
    return ranked[:5]


def render_detail(
    request: AuthenticatedRequest,
    event: Event,
    *,
    bound: dict[str, Form] | None = None,
    revealed: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; `bound` holds a submitted form by its name, `revealed` the clear text of a
    post just revealed (by post id)."""
    user = request.user
    now = timezone.now()
    offered = offered_forms(event, user)
    forms = action_forms(ACTION_FORMS, event, user, offered=offered, bound=bound or {})
    panel = [
        (name, ACTION_FORMS[name], form)
        for name, form in forms.items()
        if ACTION_FORMS[name].section == "panel"
    ]
    disposals = event.disposals.select_related("case", "warning", "actor").order_by("at", "pk")
    visible_cases = set(
        cases_visible_to(user)
        .filter(pk__in=[d.case_id for d in disposals if d.case_id])
        .values_list("pk", flat=True)
    )
    context = {
        "event": event,
        "now": now,
        "light": event.response_light(now),
        "response_summary": response_text(event),
        "check_labels": [
            VerificationCheck(check).label
            for check in event.verification_checks
            if check in VerificationCheck.values
        ],
        "posts": event_posts(event),
        "chart": engagement_svg(engagement_curve(event)),
        "assignments": event.assignments.select_related(
            "org_unit", "assigned_by", "acknowledged_by"
        ).order_by("assigned_at", "pk"),
        "disposals": disposals,
        "visible_cases": visible_cases,
        "merged_events": event.merged_events.order_by("pk"),
        "response_published": event.response_kind == ResponseKind.PUBLISHED,
        "timeline": event_timeline(event),
        "forms": forms,
        "panel": panel,
        "candidates": enterprise_candidates(event, user) if "link_enterprise" in forms else [],
        "may_act": bool(TABLE.parties(event, user)),
        "may_reveal": may_reveal_posts(user),
        "reveal_form": RevealForm(auto_id="reveal-%s"),
        "revealed": revealed or {},
        "enterprise_visible": event.enterprise_id is not None
        and enterprises_visible_to(user).filter(pk=event.enterprise_id).exists(),
    }
    return render(request, "opinion/detail.html", context, status=status)


@login_required
def event_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_event_for_user(request.user, pk))
