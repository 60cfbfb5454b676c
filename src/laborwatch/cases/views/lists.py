"""Work-order list with filters, pagination and the masked Excel export.

The other pages: views.inbox (my inbox), views.detail (one case), views.actions (its
actions), views.intake (web intake forms), views.ledger (the wage-arrears ledgers).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.figures import CASE_FIGURES
from laborwatch.cases.forms import LIGHT_CHOICES, WEB_INTAKE_CHANNELS, CaseFilterForm
from laborwatch.cases.models import Case, Channel, sla_light
from laborwatch.cases.selectors import case_list
from laborwatch.cases.statuses import Status
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.masking import mask_phone
from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.core.services import audit_export_rows
from laborwatch.lib.paging import render_list_page
from laborwatch.lib.xlsx import xlsx_response
from laborwatch.text.taxonomy import label as category_label
from laborwatch.workers.lookup import redirect_to_key

EXPORT_LIMIT = 50_000
SEARCH_COUNT_LIMIT = 1000
LIGHT_LABELS = dict(LIGHT_CHOICES) | {"": ""}  # no clock runs: no light
# The export reads these values, not cases: at 8,000 rows building the cases (and their
# workers, employers, districts and handlers) cost more than writing the workbook. Only the
# phone of the encrypted fields is read (and so decrypted), to be masked.
EXPORT_VALUES = (
    *("number", "received_at", "channel", "category", "status", "next_due_at", "next_yellow_at"),
    *("worker__name", "worker__phone", "employer_id", "employer__name", "employer__credit_code"),
    *("employer_name_as_told", "district__name", "district__short_name", "workers_involved"),
    *("amount_claimed", "handler__display_name", "handler__username"),
)


def may_take_in(user: User) -> bool:
    """Intake is for the centre and the district unions; departments only receive referrals."""
    return user.can_write and user.role in (Role.ADMIN, Role.CENTRE_STAFF, Role.DISTRICT_STAFF)


def local_date(value: object) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""  # type: ignore[arg-type]


def intake_links() -> list[tuple[str, str]]:
    return [(str(channel), str(Channel(channel).label)) for channel in WEB_INTAKE_CHANNELS]


@login_required
def case_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if (to_key := redirect_to_key(request)) is not None:
        return to_key
    form = CaseFilterForm(request.GET or None)
    filters = form.filters()
    rows = case_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        return _export(request, rows)
    return render_list_page(
        request,
        "cases/list.html",
        rows,
        {
            "form": form,
            "figure": CASE_FIGURES.get(filters.figure) if filters.period else None,
            "figure_period": filters.period,
            "now": timezone.now(),
            "intake_links": intake_links() if may_take_in(request.user) else [],
        },
        # A search is not counted to the end on every page (a fragment many employers hold).
        count_limit=SEARCH_COUNT_LIMIT if filters.query.strip() else 0,
    )


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """Each choice's label, translated once: an export of thousands of rows looks labels up
    here rather than translating one per cell (get_FOO_display)."""
    return {value: str(label) for value, label in choices}


def _export(request: AuthenticatedRequest, rows: QuerySet[Case]) -> HttpResponse:
    """Worker names stay; phones are masked (clear values only through the audited reveal)."""
    selected = audit_export_rows(
        actor=request.user,
        rows=rows.values_list(*EXPORT_VALUES),
        limit=EXPORT_LIMIT,
        action="case.export",
        target_type="cases.case",
    )
    now = timezone.now()
    # Each label translated once, not once a row: at 50,000 rows the choices' display
    # (get_FOO_display: a lookup and a translation per cell) cost more than the query.
    channels = choice_labels(Channel.choices)
    statuses = choice_labels(Status.choices)
    lights = choice_labels(LIGHT_LABELS.items())
    categories: dict[str, str] = {}
    return xlsx_response(
        filename=_("work-orders") + ".xlsx",
        title=_("Work orders"),
        headers=[
            _("Number"),
            _("Received on"),
            _("Channel"),
            _("Category"),
            _("Status"),
            _("SLA light"),
            _("Worker"),
            _("Phone"),
            _("Employer"),
            _("Credit code"),
            _("District"),
            _("Workers involved"),
            _("Amount claimed (yuan)"),
            _("Handler"),
            _("Next deadline"),
        ],
        rows=(
            [
                number,
                local_date(received_at),
                channels.get(channel, channel),
                categories.get(category)
                or categories.setdefault(category, category_label(category) or category),
                statuses.get(status, status),
                lights[sla_light(next_due_at, next_yellow_at, now)],
                worker_name,
                mask_phone(worker_phone),
                employer_name if employer_id is not None else employer_name_as_told,
                credit_code if employer_id is not None else "",
                (district_short_name or district_name) if district_name is not None else "",
                workers_involved,
                amount_claimed,
                (handler_display_name or handler_username) if handler_username is not None else "",
                timezone.localtime(next_due_at).strftime("%Y-%m-%d %H:%M") if next_due_at else "",
            ]
            for (
                number,
                received_at,
                channel,
                category,
                status,
                next_due_at,
                next_yellow_at,
                worker_name,
                worker_phone,
                employer_id,
                employer_name,
                credit_code,
                employer_name_as_told,
                district_name,
                district_short_name,
                workers_involved,
                amount_claimed,
                handler_display_name,
                handler_username,
            ) in selected
        ),
    )
