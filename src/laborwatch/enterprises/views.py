"""Registry pages: search list with filters and export, detail, create."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from laborwatch.cases.access import cases_visible_to
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.services import audit_export
from laborwatch.enterprises.access import get_enterprise_for_user, may_register_enterprise
from laborwatch.enterprises.forms import EnterpriseCreateForm, EnterpriseFilterForm
from laborwatch.enterprises.selectors import enterprise_search
from laborwatch.enterprises.services import enterprise_create
from laborwatch.lib.paging import render_list_page
from laborwatch.lib.xlsx import xlsx_response
from laborwatch.warnings.access import warnings_visible_to
from laborwatch.workers.access import workers_visible_to

EXPORT_LIMIT = 100_000
SEARCH_COUNT_LIMIT = 1000


@login_required
def enterprise_list(request: AuthenticatedRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None)
    filters = form.filters()
    rows = enterprise_search(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        audit_export(
            actor=request.user,
            action="enterprise.export",
            target_type="enterprises.enterprise",
            rows=min(rows.count(), EXPORT_LIMIT),
        )
        return xlsx_response(
            filename="企业名录.xlsx",
            title="企业名录",
            headers=[
                "统一社会信用代码",
                "名称",
                "简称",
                "曾用名",
                "所属区市",
                "行业门类",
                "规模",
                "注册资本(元)",
                "状态",
                "职工人数",
                "地址",
                "成立日期",
            ],
            rows=(
                [
                    e.credit_code,
                    e.name,
                    "、".join(e.short_names),
                    "、".join(e.former_names),
                    e.district.label,
                    e.get_industry_display(),
                    e.get_size_band_display(),
                    e.registered_capital,
                    e.status,
                    e.employee_count,
                    e.address,
                    e.established_on.isoformat() if e.established_on else "",
                ]
                for e in rows[:EXPORT_LIMIT].iterator(chunk_size=2000)
            ),
        )
    return render_list_page(
        request,
        "enterprises/list.html",
        rows,
        {
            "form": form,
            "can_create": may_register_enterprise(request.user),
        },
        # A fragment half the city's names hold is not counted to the end on every page.
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else 0,
    )


@login_required
def enterprise_detail(request: AuthenticatedRequest, credit_code: str) -> HttpResponse:
    enterprise = get_enterprise_for_user(request.user, credit_code)
    workers = workers_visible_to(request.user).filter(employer=enterprise)[:20]
    warnings = (
        warnings_visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("district")
        .order_by("-last_seen_on", "-pk")
    )
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "workers": workers,
            "active_warnings": [w for w in warnings if w.is_active],
            "past_warnings": [w for w in warnings if not w.is_active],
            "cases": cases_visible_to(request.user)
            .filter(employer=enterprise)
            .select_related("worker", "district")
            .order_by("-received_at")[:100],
        },
    )


@login_required
def enterprise_new(request: AuthenticatedRequest) -> HttpResponse:
    if not may_register_enterprise(request.user):
        raise Http404
    form = EnterpriseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field_name, field_errors in error.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, field_errors)
        else:
            messages.success(
                request, _("Enterprise %(name)s registered.") % {"name": enterprise.name}
            )
            return redirect("enterprises:detail", credit_code=enterprise.credit_code)
    return render(request, "enterprises/form.html", {"form": form})
