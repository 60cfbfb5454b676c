"""The work-order page: facts, SLA clocks, parties, group, plan, referrals, leaders'
instructions, timeline, actions.

`render_detail` is shared with the action views, which re-render the page with their bound
form (and its errors) when a service refuses a change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from laborwatch.cases.access import can_handle, cases_visible_to, get_case_for_user, referrals_for
from laborwatch.cases.forms_actions import ACTION_FORMS, ReferralReplyForm
from laborwatch.cases.linking import Candidate, caller_context, link_employer
from laborwatch.cases.models import Case, CasePlan, Referral, SlaStage, Status
from laborwatch.cases.selectors import ledger_totals
from laborwatch.cases.services.reveal import OriginalText, case_has_originals, case_text_reveal
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.models import AuditEvent, User
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.lib.action_pages import action_forms, offered_forms
from laborwatch.lib.timeline import timeline
from laborwatch.text.orgs import extract_orgs
from laborwatch.workers.access import may_reveal, workers_visible_to
from laborwatch.workers.forms import RevealForm

# Each SLA clock: its deadline field and the fields recording when its stage was done.
SLA_CLOCKS = (
    (SlaStage.ACCEPT, "accept_due", ("accepted_at",)),
    (SlaStage.CONTACT, "contact_due", ("worker_contacted_at",)),
    (SlaStage.FEEDBACK, "feedback_due", ("feedback_at",)),
    (SlaStage.RESOLVE, "resolve_due", ("resolved_at", "closed_at")),
)


@dataclass(frozen=True)
class SlaRow:
    label: str | Promise
    due: dt.datetime
    done_at: dt.datetime | None
    state: str  # running / on_time / late / pending / ""
    light: str  # green / yellow / red while running


def sla_rows(case: Case, now: dt.datetime) -> list[SlaRow]:
    rows = []
    for stage, due_field, done_fields in SLA_CLOCKS:
        due: dt.datetime = getattr(case, due_field)
        done_at = next((getattr(case, f) for f in done_fields if getattr(case, f)), None)
        light = ""
        if case.sla_stage == stage:
            state, light = "running", case.sla_light(now)
        elif done_at is not None:
            late = done_at > due or stage in case.breached_stages
            state = "late" if late else "on_time"
        else:
            state = "pending" if case.is_open else ""
        rows.append(SlaRow(SlaStage(stage).label, due, done_at, state, light))
    return rows


def _timeline_label(row: AuditEvent, before: object) -> str | Promise:
    if row.action == "case.handle" and before == Status.IN_HANDLING:
        return _("Handling method changed")
    return row.action_label


@dataclass(frozen=True)
class GroupView:
    members: QuerySet[Case]
    cases: int
    workers: int
    amount_claimed: Decimal


def group_view(user: User, case: Case) -> GroupView | None:
    """The group case's members the user may see, and their totals (merged cases left out)."""
    if case.group_id is None:
        return None
    members = (
        cases_visible_to(user)
        .filter(group_id=case.group_id)
        .exclude(status=Status.MERGED)
        .select_related("worker")
        .order_by("received_at", "pk")
    )
    totals = ledger_totals(members)  # a caller speaking for the group counts once
    return GroupView(
        members=members,
        cases=totals.cases,
        workers=totals.workers,
        amount_claimed=totals.amount_claimed,
    )


def employer_candidates(case: Case, user: User) -> list[Candidate]:
    """Registry matches of the employer as told, within the user's scope, to confirm one."""
    if case.employer_id is not None or not case.employer_name_as_told:
        return []
    told = case.employer_name_as_told
    match = link_employer(
        credit_code=told,
        name=told,
        description=case.description,
        context=caller_context(case.district, case.project_name),
    )
    candidates = match.candidates
    if match.enterprise is not None and not candidates:
        candidates = [Candidate(match.enterprise.credit_code, match.enterprise.name, "name", 1.0)]
    visible = set(
        enterprises_visible_to(user)
        .filter(credit_code__in=[c.credit_code for c in candidates])
        .values_list("credit_code", flat=True)
    )
    return [c for c in candidates if c.credit_code in visible]


@dataclass
class ReferralView:
    referral: Referral
    can_acknowledge: bool
    reply_form: Form | None


def reply_form_key(referral_id: int) -> str:
    return f"reply-{referral_id}"


def referral_views(user: User, case: Case, bound: dict[str, Form]) -> list[ReferralView]:
    """Every referral of the case, with sign-for and reply forms where the user receives it
    (the transition table says whether the user may now; each referral whether it is theirs)."""
    receivable = (
        set(referrals_for(user, case).values_list("pk", flat=True)) if user.can_write else set()
    )
    may_sign = bool(receivable) and case.can("referral_acknowledge", user)
    may_reply = bool(receivable) and case.can("referral_reply", user)
    views = []
    for referral in case.referrals.select_related("to_unit").order_by("sent_at", "pk"):
        mine = referral.pk in receivable
        can_acknowledge = may_sign and mine and referral.state == Referral.State.SENT
        reply_form = None
        if may_reply and mine and referral.state != Referral.State.REPLIED:
            reply_form = bound.get(reply_form_key(referral.pk)) or ReferralReplyForm(
                auto_id=f"reply{referral.pk}-%s"
            )
        views.append(ReferralView(referral, can_acknowledge, reply_form))
    return views


def render_detail(
    request: AuthenticatedRequest,
    case: Case,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
    originals: list[OriginalText] | None = None,
) -> HttpResponse:
    """The page; `bound` holds a submitted form by action name (or reply_form_key);
    `originals` the free texts as typed, just revealed."""
    user = request.user
    bound = bound or {}
    now = timezone.now()
    forms = action_forms(
        ACTION_FORMS, case, user, offered=offered_forms(ACTION_FORMS, case, user), bound=bound
    )
    duplicate = (
        cases_visible_to(user).filter(pk=case.possible_duplicate_of_id).first()
        if case.possible_duplicate_of_id
        else None
    )
    # Merging shows beside a flagged duplicate; without one, in the panel with the rest.
    panel = [
        (name, ACTION_FORMS[name], form)
        for name, form in forms.items()
        if ACTION_FORMS[name].section == "panel" or (name == "merge" and duplicate is None)
    ]
    plan = CasePlan.objects.filter(case=case).first()
    instructions = list(
        case.instructions.select_related(
            "leader", "acknowledged_by", "reported_by", "closed_by"
        ).order_by("issued_at", "pk")
    )
    referrals = referral_views(user, case, bound)
    context = {
        "case": case,
        "now": now,
        "light": case.sla_light(now),
        "sla_rows": sla_rows(case, now),
        "can_handle": can_handle(user, case),
        "may_complete_milestones": case.can("milestone_done", user),
        "worker_visible": workers_visible_to(user).filter(pk=case.worker_id).exists(),
        "may_reveal": may_reveal(user),
        "employer_visible": case.employer_id is not None
        and enterprises_visible_to(user).filter(pk=case.employer_id).exists(),
        "candidates": employer_candidates(case, user) if "link_employer" in forms else [],
        # Organisations the text engine reads in the description (the contractor, the site…).
        "mentioned_orgs": extract_orgs(case.description) if "link_employer" in forms else [],
        "duplicate": duplicate,
        "group": group_view(user, case),
        "plan": plan,
        "milestones": plan.milestones.select_related("owner") if plan else [],
        "referrals": referrals,
        # A unit a case is referred to acts on its referral, not through the action panel.
        "answers_referral": any(
            view.can_acknowledge or view.reply_form is not None for view in referrals
        ),
        "timeline": timeline(
            case, Status, actor=lambda row: row.actor_display, label=_timeline_label
        ),
        "instructions": instructions,
        "supervised": any(instruction.is_open for instruction in instructions),
        "instruction_forms": [
            (name, ACTION_FORMS[name], form)
            for name, form in forms.items()
            if ACTION_FORMS[name].section == "instructions"
        ],
        "forms": forms,
        "panel": panel,
        # Free text stored masked: a role that may reveal reads it as typed, audited.
        "originals": originals,
        "text_reveal_form": (
            bound.get("text_reveal") or RevealForm(auto_id="text-reveal-%s")
            if originals is None and may_reveal(user) and case_has_originals(case)
            else None
        ),
    }
    return render(request, "cases/detail.html", context, status=status)


@login_required
def case_detail(request: AuthenticatedRequest, number: str) -> HttpResponse:
    case = get_case_for_user(request.user, number)
    return render_detail(request, case)


@login_required
@require_POST
def case_text_reveal_view(request: AuthenticatedRequest, number: str) -> HttpResponse:
    case = get_case_for_user(request.user, number)
    if not may_reveal(request.user):
        raise Http404
    form = RevealForm(request.POST, auto_id="text-reveal-%s")
    if not form.is_valid():
        return render_detail(request, case, bound={"text_reveal": form}, status=400)
    originals = case_text_reveal(
        actor=request.user, case=case, reason=form.cleaned_data["reason"], now=timezone.now()
    )
    return render_detail(request, case, originals=originals)
