"""Report pages: the list of issued reports by date and district, one report opened as HTML or
downloaded as Word or PDF, the centre's issue form, and an on-demand preview of a period not
yet issued (not stored)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.cases.views.actions import show_service_errors
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.models import OrgUnit
from laborwatch.dashboard.scope import own_district
from laborwatch.lib.paging import render_list_page
from laborwatch.reports.access import (
    get_report_for_user,
    may_issue,
    may_read_reports,
    reports_visible_to,
)
from laborwatch.reports.daily.report import daily_report, latest_report_day, render_html
from laborwatch.reports.forms import IssueForm, ReportFilterForm, parse_month
from laborwatch.reports.models import IssuedReport
from laborwatch.reports.monthly.output import write_monthly_report
from laborwatch.reports.monthly.selectors import city_monthly_report
from laborwatch.reports.services import report_issue

# The stored HTML is the renderer's own document: inline styles and data: images, no script.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _rows(request: AuthenticatedRequest, form: ReportFilterForm) -> QuerySet[IssuedReport]:
    rows = reports_visible_to(request.user).select_related("district", "issued_by", "corrects")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("district") == "city":
        rows = rows.filter(district=None)
    elif data.get("district"):
        rows = rows.filter(district__code=data["district"])
    if data.get("start"):
        rows = rows.filter(period_start__gte=data["start"])
    if data.get("end"):
        rows = rows.filter(period_start__lte=data["end"])
    # The city's report first, then the districts in the city's order.
    return rows.defer("html", "docx", "pdf").order_by(
        "-period_start", "kind", F("district__sort_order").asc(nulls_first=True), "-issued_at"
    )


@login_required
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    if not may_read_reports(request.user):
        raise Http404
    return _list_page(request)


def _list_page(
    request: AuthenticatedRequest, issue_form: IssueForm | None = None, status: int = 200
) -> HttpResponse:
    form = ReportFilterForm(request.GET or None, choose_district=request.user.is_city_wide)
    response = render_list_page(
        request,
        "reports/list.html",
        _rows(request, form),
        {
            "form": form,
            "issue_form": (issue_form or IssueForm()) if may_issue(request.user) else None,
            "latest_day": latest_report_day(),
            "this_month": timezone.localdate().replace(day=1),
        },
    )
    response.status_code = status
    return response


@login_required
def report_open(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    response = HttpResponse(report.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPORT_CSP
    return response


@login_required
def report_download(request: AuthenticatedRequest, pk: int, file_format: str) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    content = report.docx if file_format == "docx" else report.pdf
    if file_format not in CONTENT_TYPES or not content:
        raise Http404
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES[file_format])
    filename = quote(f"{report.title}（{report.number}）.{file_format}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
@require_POST
def report_issue_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_issue(request.user):
        raise Http404
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _list_page(request, issue_form=form, status=400)
    district = None
    if form.cleaned_data["district"]:
        district = OrgUnit.objects.get(
            kind=OrgUnit.Kind.DISTRICT, code=form.cleaned_data["district"]
        )
    try:
        report = report_issue(
            kind=form.cleaned_data["kind"],
            period_start=form.period_start(),
            district=district,
            actor=request.user,
            correction_note=form.cleaned_data["correction_note"],
        )
    except ValidationError as error:
        show_service_errors(form, error)
        return _list_page(request, issue_form=form, status=400)
    messages.success(request, _("Report %(number)s issued.") % {"number": report.number})
    return redirect("reports:list")


@login_required
def report_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The report of a period as it stands now, generated on demand and not stored: the
    running month, or a day not issued yet. A district's staff see their district's."""
    if not may_read_reports(request.user):
        raise Http404
    district = own_district(request.user)
    code = request.GET.get("district", "")
    if code and request.user.is_city_wide:
        district = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT, code=code).first()
        if district is None:
            raise Http404
    try:
        if request.GET.get("kind") == "monthly":
            html = _monthly_html(parse_month(request.GET.get("month", "")), district)
        else:
            day = dt.date.fromisoformat(request.GET.get("day", ""))
            html = render_html(daily_report(day, district=district))
    except (ValidationError, ValueError) as error:
        raise Http404 from error
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPORT_CSP
    return response


def _monthly_html(month: dt.date, district: OrgUnit | None) -> str:
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(_("That month has not begun."))
    with tempfile.TemporaryDirectory(prefix="lw-preview-") as folder:
        out = Path(folder) / "report.html"
        write_monthly_report(city_monthly_report(month=month, district=district), out, "html")
        return out.read_text(encoding="utf-8")
