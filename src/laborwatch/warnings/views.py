"""Warning pages: the board (filters, pages, Excel), one warning with its loop, its leaders'
instructions and its timeline, the enterprise risk profile. Each POST parses one form, calls
one service and redirects; a refusal re-renders the page with the form's errors (409 when
stale, 400 otherwise)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.forms_actions import INSTRUCTION_FORMS
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.services import audit_export_rows
from laborwatch.enterprises.access import get_enterprise_for_user
from laborwatch.lib.action_pages import (
    ActionPage,
    action_forms,
    show_service_errors,
    with_fields,
)
from laborwatch.lib.paging import render_list_page
from laborwatch.lib.timeline import timeline
from laborwatch.lib.xlsx import xlsx_response
from laborwatch.warnings import labels, services
from laborwatch.warnings.access import get_warning_for_user, routing_for, warnings_visible_to
from laborwatch.warnings.figures import WARNING_FIGURES
from laborwatch.warnings.forms import StepForm, WarningFilterForm, WorkOrderForm
from laborwatch.warnings.models import (
    GRADES_HIGH_FIRST,
    Grade,
    RiskType,
    Warning,
    WarningStep,
)
from laborwatch.warnings.selectors import indicator_history, warning_board
from laborwatch.warnings.services import (
    CATEGORY_BY_RISK,
    StaleWarning,
    warning_acknowledge,
    warning_open_case,
    warning_record_step,
)
from laborwatch.warnings.statuses import WarningStatus
from laborwatch.warnings.transitions import STEP_ACTIONS, TABLE

EXPORT_LIMIT = 50_000


@login_required
def warning_board_view(request: AuthenticatedRequest) -> HttpResponse:
    form = WarningFilterForm(request.GET or None)
    filters = form.filters()
    rows = warning_board(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        return _export(request, rows)
    counts = dict(rows.order_by().values_list("grade").annotate(n=Count("pk")))
    return render_list_page(
        request,
        "warnings/board.html",
        rows,
        {
            "form": form,
            "grade_counts": [(grade, counts.get(grade, 0)) for grade in GRADES_HIGH_FIRST],
            "figure": WARNING_FIGURES.get(filters.figure) if filters.period else None,
            "figure_period": filters.period,
        },
    )


def _export(request: AuthenticatedRequest, rows: QuerySet[Warning]) -> HttpResponse:
    selected = audit_export_rows(
        actor=request.user,
        rows=rows,
        limit=EXPORT_LIMIT,
        action="warning.export",
        target_type="warnings.warning",
    )
    return xlsx_response(
        filename=_("warnings") + ".xlsx",
        title=_("Warnings"),
        headers=[
            pgettext("warning", "Number"),
            _("Grade"),
            _("Risk type"),
            _("Enterprise"),
            _("Credit code"),
            _("District"),
            _("Industry"),
            _("Score"),
            _("Status"),
            _("First seen on"),
            _("Last seen on"),
            _("Evidence"),
        ],
        rows=(
            [
                str(w),
                w.get_grade_display(),
                w.get_risk_type_display(),
                w.enterprise.name,
                w.enterprise.credit_code,
                w.district.label,
                w.enterprise.get_industry_display(),
                round(w.score, 1),
                w.get_status_display(),
                w.first_seen_on.isoformat(),
                w.last_seen_on.isoformat(),
                evidence_text(w),
            ]
            for w in selected
        ),
    )


def evidence_text(warning: Warning) -> str:
    """The indicators firing in the warning's current evidence, in one line of Chinese (the
    evidence stays current while a signal repeats it unchanged, so it is not the evidence of
    the last day seen alone)."""
    return "；".join(
        labels.indicator_label(e["indicator"])
        + " "
        + labels.format_value(e["indicator"], e["value"])
        for e in warning.current_evidence()
    )


def _detail_context(
    request: AuthenticatedRequest, warning: Warning, bound: dict[str, Form]
) -> dict[str, Any]:
    user = request.user
    day = warning.evidence_on.isoformat()
    mine = routing_for(user, warning)
    actions = warning.actions_for(user)
    instructions = list(
        warning.instructions.select_related(
            "leader", "acknowledged_by", "reported_by", "closed_by"
        ).order_by("issued_at", "pk")
    )
    forms = action_forms(INSTRUCTION_FORMS, warning, user, offered=actions, bound=bound)
    return {
        "warning": warning,
        "evidence": [{**e, "current": e.get("last_seen_on") == day} for e in warning.evidence],
        "routings": warning.routings.select_related("org_unit", "acknowledged_by"),
        "my_routing": mine if mine is not None and "acknowledge" in actions else None,
        "events": warning.events.order_by("on", "pk"),
        "steps": warning.steps.select_related("actor"),
        "inhibits": warning.inhibits.filter(pk__in=warnings_visible_to(user).values("pk")),
        "inhibited_by_visible": warning.inhibited_by_id is not None
        and warnings_visible_to(user).filter(pk=warning.inhibited_by_id).exists(),
        "case_visible": warning.case_id is not None
        and cases_visible_to(user).filter(pk=warning.case_id).exists(),
        "step_kinds": [action for action in actions if action in STEP_ACTIONS],
        "may_open_case": "open_case" in actions,
        # A leader instructs (督办) on the warning's work order, where the handling is.
        "may_instruct": warning.case is not None and warning.case.can("instruct", user),
        "instructions": instructions,
        "supervised": next((i for i in instructions if i.is_open), None),
        "instruction_forms": [
            (name, INSTRUCTION_FORMS[name], form) for name, form in forms.items()
        ],
        "timeline": timeline(warning, WarningStatus, actor=lambda row: row.actor_display),
        "now": timezone.now(),
    }


def render_detail(
    request: AuthenticatedRequest,
    warning: Warning,
    *,
    step_form: Form | None = None,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; `bound` holds a refused instruction form by its action's name."""
    context = _detail_context(request, warning, bound or {})
    if step_form is None and context["step_kinds"]:
        step_form = StepForm(kinds=context["step_kinds"], initial={"version": warning.version})
    context["step_form"] = step_form
    return render(request, "warnings/detail.html", context, status=status)


@login_required
def warning_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_warning_for_user(request.user, pk))


@login_required
@require_POST
def warning_acknowledge_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    warning = get_warning_for_user(request.user, pk)
    routing = routing_for(request.user, warning)
    if routing is None:
        raise PermissionDenied
    try:
        warning_acknowledge(routing=routing, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Warning %(number)s signed for.") % {"number": warning})
    return redirect("warnings:detail", pk=warning.pk)


@login_required
@require_POST
def warning_step_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    warning = get_warning_for_user(request.user, pk)
    # Every step this user may ever take here; the service asks the table about the status.
    kinds = [kind for kind in STEP_ACTIONS if TABLE.may_take(warning, kind, request.user)]
    if not kinds:
        raise PermissionDenied
    form = StepForm(request.POST, kinds=kinds)
    if not form.is_valid():
        return render_detail(request, warning, step_form=form, status=400)
    data = form.cleaned_data
    try:
        warning_record_step(
            warning=warning,
            actor=request.user,
            kind=data["kind"],
            outcome=data["outcome"],
            note=data["note"],
            expected_version=data["version"],
        )
    except ValidationError as error:
        show_service_errors(form, error)
        stale = isinstance(error, StaleWarning)
        return render_detail(request, warning, step_form=form, status=409 if stale else 400)
    messages.success(
        request, _("Step recorded: %(step)s.") % {"step": WarningStep.Kind(data["kind"]).label}
    )
    return redirect("warnings:detail", pk=warning.pk)


INSTRUCTION_ACTIONS: ActionPage[Warning] = ActionPage(
    table=TABLE,
    forms=INSTRUCTION_FORMS,
    perform={
        "instruct": with_fields(services.warning_instruct, "text", "deadline", subject="warning"),
        "instruction_acknowledge": with_fields(
            services.warning_instruction_acknowledge, subject="warning"
        ),
        "instruction_report": with_fields(
            services.warning_instruction_report, "report", subject="warning"
        ),
        "instruction_close": with_fields(
            services.warning_instruction_close, "note", subject="warning"
        ),
    },
    render=render_detail,
    done=lambda warning, action, outcome: redirect(
        reverse("warnings:detail", args=[warning.pk]) + "#instructions"
    ),
)


@login_required
@require_POST
def warning_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    """A leader's instruction on the warning, or a step of it (the other steps have their
    own form above)."""
    return INSTRUCTION_ACTIONS.post(request, get_warning_for_user(request.user, pk), action)


def work_order_initial(warning: Warning) -> dict[str, Any]:
    """The work-order form filled from the warning: category, workers, what the data say."""
    workers = next(
        (
            int(e["value"])
            for e in warning.evidence
            if e["indicator"] == "complaining_workers_30d" and e.get("value")
        ),
        1,
    )
    description = _("Warning %(number)s (%(grade)s, %(risk)s): %(evidence)s") % {
        "number": warning,
        "grade": Grade(warning.grade).label,
        "risk": RiskType(warning.risk_type).label,
        "evidence": evidence_text(warning),
    }
    return {
        "category": CATEGORY_BY_RISK[RiskType(warning.risk_type)],
        "workers_involved": max(workers, 1),
        "description": description,
        "version": warning.version,
    }


@login_required
def warning_case_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    warning = get_warning_for_user(request.user, pk)
    if not TABLE.may_take(warning, "open_case", request.user):
        raise PermissionDenied
    if warning.case_id is not None:
        raise Http404
    refusal = TABLE.refusal(warning, "open_case", request.user)
    if isinstance(refusal, ValidationError):  # e.g. not signed for yet: say so on the warning
        messages.error(request, " ".join(refusal.messages))
        return redirect("warnings:detail", pk=warning.pk)
    form = WorkOrderForm(request.POST or None, initial=work_order_initial(warning))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["amount_claimed"] = data["amount_claimed"] or Decimal("0")
        try:
            case = warning_open_case(
                warning=warning, actor=request.user, expected_version=version, **data
            )
        except ValidationError as error:
            show_service_errors(form, error)
            status = 409 if isinstance(error, StaleWarning) else 400
        else:
            messages.success(
                request, _("Work order %(number)s registered.") % {"number": case.number}
            )
            return redirect("cases:detail", number=case.number)
    elif request.method == "POST":
        status = 400
    return render(
        request, "warnings/work_order.html", {"warning": warning, "form": form}, status=status
    )


@login_required
def enterprise_risk_profile(request: AuthenticatedRequest, credit_code: str) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, credit_code)
    warnings = (
        warnings_visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("district")
        .order_by("-last_seen_on", "-pk")
    )
    names = labels.indicator_names()
    history = indicator_history(enterprise)
    return render(
        request,
        "warnings/profile.html",
        {
            "enterprise": enterprise,
            "active": [w for w in warnings if w.is_active],
            "past": [w for w in warnings if not w.is_active],
            "indicators": [(name, labels.indicator_label(name)) for name in names],
            "history": history,
            "charts": history_charts(history, names),
        },
    )


def history_charts(history: list[dict[str, Any]], names: list[str]) -> dict[str, dict]:
    """One line chart (ECharts options) per indicator that ever had a value, oldest month
    first; the same figures as the table below them."""
    months = list(reversed(history))
    charts = {}
    for name in names:
        values = [row.get(name) for row in months]
        if not any(isinstance(v, int | float) and v for v in values):
            continue
        charts[name] = {
            "title": {"text": labels.indicator_label(name), "textStyle": {"fontSize": 12}},
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 10, "right": 16, "top": 36, "bottom": 10, "containLabel": True},
            "xAxis": {"type": "category", "data": [f"{row['as_of']:%Y-%m}" for row in months]},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "type": "line",
                    "name": labels.indicator_label(name),
                    "data": [v if isinstance(v, int | float) else None for v in values],
                    "color": "#c0392b",
                }
            ],
            "animation": False,
        }
    return charts
