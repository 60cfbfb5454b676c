"""My inbox: my open cases by SLA urgency, unread notices, overdue milestones, referrals,
leaders' instructions (on work orders and on warnings), the warnings my unit has to sign for,
and the public-opinion events it must verify. Each long section pages on its own
(`?cases=2&warnings=3`), its total shown above it, so the page stays small whatever waits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import CharField, QuerySet, Value
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.cases.models import Instruction
from laborwatch.cases.selectors import inbox
from laborwatch.cases.services.inbox import inbox_mark_read
from laborwatch.cases.views.lists import intake_links, may_take_in
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.lib.paging import paginate
from laborwatch.opinion.selectors import assignments_to_verify, events_to_assign, unread_notices
from laborwatch.warnings.selectors import (
    open_warning_instructions,
    overdue_warning_count,
    routings_to_sign,
)

SECTION_PAGE_SIZE = 25


@dataclass(frozen=True)
class Section:
    """One paged list of the inbox: its page, the parameter that pages it and the query
    string (other sections' pages, any filter) that its page links keep."""

    page: Page
    param: str
    query_string: str


def _section(request: AuthenticatedRequest, rows: QuerySet[Any], param: str) -> Section:
    page, query_string = paginate(request, rows, per_page=SECTION_PAGE_SIZE, param=param)
    return Section(page=page, param=param, query_string=query_string)


def _instructions(request: AuthenticatedRequest, on_cases: QuerySet[Instruction]) -> Section:
    """The leaders' instructions on work orders and on warnings as one list, nearest deadline
    first, paged like the other sections: the union of their (kind, id, deadline) is counted
    and cut, then the page's instructions are read, each kind in one query."""
    on_warnings = open_warning_instructions(user=request.user)
    rows = (
        on_cases.order_by()
        .annotate(kind=Value("case", output_field=CharField()))
        .values_list("kind", "pk", "deadline")
        .union(
            on_warnings.order_by()
            .annotate(kind=Value("warning", output_field=CharField()))
            .values_list("kind", "pk", "deadline"),
            all=True,
        )
        .order_by("deadline", "kind", "pk")
    )
    section = _section(request, rows, "instructions")
    keys = list(section.page.object_list)
    wanted = {kind: [pk for key, pk, _ in keys if key == kind] for kind in ("case", "warning")}
    read: dict[str, dict[Any, Any]] = {
        "case": on_cases.in_bulk(wanted["case"]) if wanted["case"] else {},
        "warning": on_warnings.in_bulk(wanted["warning"]) if wanted["warning"] else {},
    }
    # The page lists the instructions themselves (the template tells the kinds apart by
    # their work order or warning), in the union's order; one closed since the union was
    # read is left out.
    section.page.object_list = [read[kind][pk] for kind, pk, _ in keys if pk in read[kind]]
    return section


@login_required
def inbox_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    waiting = inbox(user=user)
    sections: dict[str, QuerySet[Any]] = {
        "notices": waiting.items,
        "cases": waiting.cases,
        "milestones": waiting.milestones,
        "referrals": waiting.referrals,
        "warnings": routings_to_sign(user=user),
        "opinion_verify": assignments_to_verify(user=user),
        "opinion_notices": unread_notices(user=user),
    }
    if user.is_city_wide:
        sections["opinion_assign"] = events_to_assign(user=user)
    return render(
        request,
        "cases/inbox.html",
        {
            "inbox": waiting,
            "sections": {
                **{param: _section(request, rows, param) for param, rows in sections.items()},
                "instructions": _instructions(request, waiting.instructions),
            },
            "overdue_warnings": (
                overdue_warning_count(user=request.user) if request.user.is_city_wide else None
            ),
            "now": timezone.now(),
            "today": timezone.localdate(),
            "intake_links": intake_links() if may_take_in(request.user) else [],
        },
    )


@login_required
@require_POST
def inbox_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notice read (`item`), or all of them (`all`); only the user's own."""
    item_ids = None
    if not request.POST.get("all"):
        item_ids = [int(v) for v in request.POST.getlist("item") if v.isdigit()]
    count = inbox_mark_read(user=request.user, item_ids=item_ids)
    messages.success(request, _("%(count)d notices marked read.") % {"count": count})
    return redirect("cases:inbox")
