"""The verification list (舆情核实清单): filters, ranked by heat, pagination, Excel export.

The other pages: views.detail (one event), views.actions (its actions and the post reveal),
views.notices (marking notices read).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.services import audit_export_rows
from laborwatch.lib.paging import render_list_page
from laborwatch.lib.xlsx import xlsx_response
from laborwatch.opinion.export import list_headers, list_rows, with_list_relations
from laborwatch.opinion.forms import EventFilterForm
from laborwatch.opinion.models import Event
from laborwatch.opinion.selectors import event_list

EXPORT_LIMIT = 50_000


@login_required
def event_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    rows = event_list(user=request.user, filters=form.filters())
    if request.GET.get("format") == "xlsx":
        return _export(request, rows)
    return render_list_page(
        request, "opinion/list.html", rows, {"form": form, "now": timezone.now()}
    )


def _export(request: AuthenticatedRequest, rows: QuerySet[Event]) -> HttpResponse:
    selected = audit_export_rows(
        actor=request.user,
        rows=with_list_relations(rows),
        limit=EXPORT_LIMIT,
        action="opinion_event.export",
        target_type="opinion.event",
        details={"filters": request.GET.dict()},
    )
    return xlsx_response(
        filename=_("public-opinion-verification-list") + ".xlsx",
        title=_("Public-opinion verification list"),
        headers=list_headers(),
        rows=list_rows(selected),
    )
