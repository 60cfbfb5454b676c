"""The wage-arrears clue ledgers (欠薪线索台账, open and 已办结) on screen and in Excel.

The page and the workbook are built from the same rows and the same totals, so what a
leader reads on screen is what the exported ledger says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.forms import LedgerFilterForm
from laborwatch.cases.models import Case, HandlingMethod
from laborwatch.cases.selectors import LedgerTotals, ledger_totals, wage_arrears_ledger
from laborwatch.cases.views.lists import local_date
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.services import audit_export
from laborwatch.lib.paging import paginate
from laborwatch.lib.xlsx import xlsx_response
from laborwatch.workers.lookup import redirect_to_key

EXPORT_LIMIT = 100_000
# The ledger's columns, in the order of the paper ledger.
LEDGER_COLUMNS = [
    gettext_lazy("No."),
    gettext_lazy("Received on"),
    gettext_lazy("Channel"),
    gettext_lazy("Worker"),
    gettext_lazy("Employer"),
    gettext_lazy("Unified social credit code"),
    gettext_lazy("Workers involved"),
    gettext_lazy("Amount"),
    gettext_lazy("Handling method"),
    gettext_lazy("Progress"),
    gettext_lazy("Responsible"),
    gettext_lazy("Time limit"),
    gettext_lazy("Closed on"),
    gettext_lazy("Wages recovered"),
    gettext_lazy("Work-order number"),
]


def ledger_row(index: int, case: Case) -> list[Any]:
    method = case.resolved_by_method or case.handling_method
    return [
        index,
        local_date(case.received_at),
        case.get_channel_display(),
        case.worker.name,
        case.employer.name if case.employer else case.employer_name_as_told,
        case.employer.credit_code if case.employer else "",
        case.workers_involved,
        case.amount_claimed,
        str(HandlingMethod(method).label) if method else "",
        case.get_status_display(),
        str(case.handler) if case.handler else "",
        local_date(case.resolve_due),
        local_date(case.resolved_at or case.closed_at),
        case.wages_recovered,
        case.number,
    ]


def totals_row(totals: LedgerTotals) -> list[Any]:
    blank = [""] * len(LEDGER_COLUMNS)
    row: list[Any] = list(blank)
    row[0] = _("Total")
    row[1] = _("%(count)d cases; a group case counts once") % {"count": totals.cases}
    row[6] = totals.workers
    row[7] = totals.amount_claimed
    row[13] = totals.wages_recovered
    return row


def _ledger(request: AuthenticatedRequest, *, closed: bool) -> HttpResponse:
    if (to_key := redirect_to_key(request)) is not None:
        return to_key
    form = LedgerFilterForm(request.GET or None, closed=closed)
    rows = wage_arrears_ledger(user=request.user, closed=closed, filters=form.filters())
    rows = rows.select_related("worker", "employer", "handler")
    totals = ledger_totals(rows)
    title = _("Closed wage-arrears clue ledger") if closed else _("Wage-arrears clue ledger")
    if request.GET.get("format") == "xlsx":
        return _export(request, rows, totals, title=title)
    page, query_string = paginate(request, rows)
    start = page.start_index() if page.paginator.count else 1
    return render(
        request,
        "cases/ledger.html",
        {
            "form": form,
            "page": page,
            "query_string": query_string,
            "columns": LEDGER_COLUMNS,
            "rows": [(case, ledger_row(start + i, case)) for i, case in enumerate(page)],
            "totals": totals,
            "totals_row": totals_row(totals),
            "closed": closed,
            "title": title,
        },
    )


def _export(
    request: AuthenticatedRequest, rows: QuerySet[Case], totals: LedgerTotals, *, title: str
) -> HttpResponse:
    selected = list(rows[:EXPORT_LIMIT])
    audit_export(
        actor=request.user,
        action="case.ledger_export",
        target_type="cases.case",
        target_label=title,
        rows=len(selected),
    )
    body: list[Sequence[Any]] = [ledger_row(i, case) for i, case in enumerate(selected, 1)]
    return xlsx_response(
        filename=title + ".xlsx",
        title=title,
        headers=[str(column) for column in LEDGER_COLUMNS],
        rows=[*body, totals_row(totals)],
    )


@login_required
def ledger_open(request: AuthenticatedRequest) -> HttpResponse:
    return _ledger(request, closed=False)


@login_required
def ledger_closed(request: AuthenticatedRequest) -> HttpResponse:
    return _ledger(request, closed=True)
