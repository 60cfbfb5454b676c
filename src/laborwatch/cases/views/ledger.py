"""The wage-arrears clue ledgers (欠薪线索台账, open and 已办结) on screen and in Excel.

The page and the workbook are built from the same rows and the same totals, so what a
leader reads on screen is what the exported ledger says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.forms import LedgerFilterForm
from laborwatch.cases.models import Case, Channel, HandlingMethod
from laborwatch.cases.selectors import LedgerTotals, ledger_totals, wage_arrears_ledger
from laborwatch.cases.statuses import Status
from laborwatch.cases.views.lists import choice_labels, local_date
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.services import audit_export_rows
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


# The ledger reads these values, not cases: building each case with its worker, employer and
# handler cost more than the query and the workbook together (benchmarks/export_speed.py).
# No encrypted field is among them: the ledger shows no phone or ID number.
LEDGER_VALUES = (
    *("received_at", "channel", "worker__name", "employer_id", "employer__name"),
    *("employer__credit_code", "employer_name_as_told", "workers_involved", "amount_claimed"),
    *("resolved_by_method", "handling_method", "status", "handler__display_name"),
    *("handler__username", "resolve_due", "resolved_at", "closed_at", "wages_recovered"),
    "number",
)


def ledger_rows(values: Iterable[Sequence[Any]], *, start: int = 1) -> Iterator[list[Any]]:
    """The ledger's rows, numbered from `start`, from rows of LEDGER_VALUES; each label is
    translated once, not once a row."""
    channels = choice_labels(Channel.choices)
    methods = choice_labels(HandlingMethod.choices)
    statuses = choice_labels(Status.choices)
    for index, (
        received_at,
        channel,
        worker_name,
        employer_id,
        employer_name,
        credit_code,
        employer_name_as_told,
        workers_involved,
        amount_claimed,
        resolved_by_method,
        handling_method,
        status,
        handler_display_name,
        handler_username,
        resolve_due,
        resolved_at,
        closed_at,
        wages_recovered,
        number,
    ) in enumerate(values, start):
        method = resolved_by_method or handling_method
        yield [
            index,
            local_date(received_at),
            channels.get(channel, channel),
            worker_name,
            employer_name if employer_id is not None else employer_name_as_told,
            credit_code if employer_id is not None else "",
            workers_involved,
            amount_claimed,
            methods.get(method, method) if method else "",
            statuses.get(status, status),
            (handler_display_name or handler_username) if handler_username is not None else "",
            local_date(resolve_due),
            local_date(resolved_at or closed_at),
            wages_recovered,
            number,
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
    totals = ledger_totals(rows)
    title = _("Closed wage-arrears clue ledger") if closed else _("Wage-arrears clue ledger")
    if request.GET.get("format") == "xlsx":
        return _export(request, rows, totals, title=title)
    page, query_string = paginate(request, rows.values_list(*LEDGER_VALUES))
    start = page.start_index() if page.paginator.count else 1
    return render(
        request,
        "cases/ledger.html",
        {
            "form": form,
            "page": page,
            "query_string": query_string,
            "columns": LEDGER_COLUMNS,
            "rows": list(ledger_rows(page, start=start)),
            "totals": totals,
            "totals_row": totals_row(totals),
            "closed": closed,
            "title": title,
        },
    )


def _export(
    request: AuthenticatedRequest, rows: QuerySet[Case], totals: LedgerTotals, *, title: str
) -> HttpResponse:
    selected = audit_export_rows(
        actor=request.user,
        rows=rows.values_list(*LEDGER_VALUES),
        limit=EXPORT_LIMIT,
        action="case.ledger_export",
        target_type="cases.case",
        target_label=title,
    )
    return xlsx_response(
        filename=title + ".xlsx",
        title=title,
        headers=[str(column) for column in LEDGER_COLUMNS],
        rows=[*ledger_rows(selected), totals_row(totals)],
    )


@login_required
def ledger_open(request: AuthenticatedRequest) -> HttpResponse:
    return _ledger(request, closed=False)


@login_required
def ledger_closed(request: AuthenticatedRequest) -> HttpResponse:
    return _ledger(request, closed=True)
