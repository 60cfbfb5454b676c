"""Worker pages: list (masked), detail, audited reveal, registration, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.models import Case
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.masking import mask_id_number, mask_phone
from laborwatch.core.models import User
from laborwatch.core.services import audit_export_rows
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.lib.codes import normalize_code
from laborwatch.lib.paging import render_list_page
from laborwatch.lib.xlsx import xlsx_response
from laborwatch.workers.access import (
    get_worker_for_user,
    may_register,
    may_reveal,
    workers_visible_to,
)
from laborwatch.workers.forms import RevealForm, WorkerCreateForm, WorkerSearchForm
from laborwatch.workers.lookup import redirect_to_key
from laborwatch.workers.models import Worker
from laborwatch.workers.services import worker_create, worker_reveal

EXPORT_LIMIT = 50_000


def _search(rows: QuerySet[Worker], *, query: str, key: str) -> QuerySet[Worker]:
    if key:
        return rows.filter(Q(id_number_digest=key) | Q(phone_digest=key))
    query = query.strip()
    return rows.filter(name__contains=query) if query else rows


@login_required
def worker_list(request: AuthenticatedRequest) -> HttpResponse:
    form = WorkerSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if (to_key := redirect_to_key(request)) is not None:
        return to_key
    rows = _search(
        workers_visible_to(request.user).select_related("employer", "district"),
        query=query,
        key=request.GET.get("key", "")[:64],
    )
    if request.GET.get("format") == "xlsx":
        return _export(request, rows)
    return render_list_page(
        request,
        "workers/list.html",
        rows,
        {
            "form": form,
            "can_create": may_register(request.user),
            "can_reveal": may_reveal(request.user),
        },
    )


def _export(request: AuthenticatedRequest, rows: QuerySet[Worker]) -> HttpResponse:
    reveal = request.GET.get("reveal") == "1" and may_reveal(request.user)
    reason = request.GET.get("reason", "").strip()[:200]
    if reveal and not reason:
        # A clear export is a bulk reveal: like a single reveal it must say why.
        return HttpResponse(_("Give the reason for exporting personal data in clear."), status=400)
    selected = audit_export_rows(
        actor=request.user,
        rows=rows,
        limit=EXPORT_LIMIT,
        action="worker.reveal_export" if reveal else "worker.export",
        target_type="workers.worker",
        details={"revealed": reveal},
        reason=reason,
    )
    return xlsx_response(
        filename="职工名单.xlsx",
        title="职工名单",
        headers=["姓名", "身份证号", "手机号", "用人单位", "所属区市"],
        rows=(
            [
                w.name,
                w.id_number if reveal else mask_id_number(w.id_number),
                w.phone if reveal else mask_phone(w.phone),
                w.employer.name if w.employer else "",
                w.district.label if w.district else "",
            ]
            for w in selected
        ),
    )


@login_required
def worker_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    worker = get_worker_for_user(request.user, pk)
    return render(
        request,
        "workers/detail.html",
        {
            "worker": worker,
            "can_reveal": may_reveal(request.user),
            "reveal_form": RevealForm(),
            "cases": worker_cases(request.user, worker),
        },
    )


def worker_cases(user: User, worker: Worker) -> QuerySet[Case]:
    """The worker's work orders the user may see, newest first."""
    return (
        cases_visible_to(user)
        .filter(worker=worker)
        .select_related("employer", "district")
        .order_by("-received_at")
    )


@login_required
@require_POST
def worker_reveal_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    worker = get_worker_for_user(request.user, pk)
    if not may_reveal(request.user):
        raise Http404
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "workers/detail.html",
            {
                "worker": worker,
                "can_reveal": True,
                "reveal_form": form,
                "cases": worker_cases(request.user, worker),
            },
            status=400,
        )
    clear = worker_reveal(actor=request.user, worker=worker, reason=form.cleaned_data["reason"])
    return render(
        request,
        "workers/detail.html",
        {
            "worker": worker,
            "can_reveal": True,
            "reveal_form": RevealForm(),
            "clear": clear,
            "cases": worker_cases(request.user, worker),
        },
    )


@login_required
def worker_new(request: AuthenticatedRequest) -> HttpResponse:
    if not may_register(request.user):
        raise Http404
    form = WorkerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employer = None
        code = normalize_code(data["employer_credit_code"])
        if code:
            employer = enterprises_visible_to(request.user).filter(credit_code=code).first()
            if employer is None:
                form.add_error(
                    "employer_credit_code", _("No enterprise with this credit code in your scope.")
                )
        if employer is not None or not code:
            try:
                worker = worker_create(
                    actor=request.user,
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    employer=employer,
                    district=None if request.user.is_city_wide else request.user.org_unit,
                )
            except ValidationError as error:
                for field_name, field_errors in error.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, field_errors)
            else:
                messages.success(request, _("Worker %(name)s registered.") % {"name": worker.name})
                return redirect("workers:detail", pk=worker.pk)
    return render(request, "workers/form.html", {"form": form})
