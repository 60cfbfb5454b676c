"""My inbox: my open cases by SLA urgency, unread notices, overdue milestones, referrals,
leaders' instructions (on work orders and on warnings), the warnings my unit has to sign for,
and the public-opinion events it must verify."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.cases.selectors import inbox
from laborwatch.cases.services.inbox import inbox_mark_read
from laborwatch.cases.views.lists import intake_links, may_take_in
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.opinion.selectors import assignments_to_verify, events_to_assign, unread_notices
from laborwatch.warnings.selectors import (
    open_warning_instructions,
    overdue_warning_count,
    routings_to_sign,
)


@login_required
def inbox_view(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "cases/inbox.html",
        {
            "inbox": inbox(user=request.user),
            "warnings_to_sign": routings_to_sign(user=request.user),
            "warning_instructions": open_warning_instructions(user=request.user),
            "overdue_warnings": (
                overdue_warning_count(user=request.user) if request.user.is_city_wide else None
            ),
            "now": timezone.now(),
            "today": timezone.localdate(),
            "intake_links": intake_links() if may_take_in(request.user) else [],
            "opinion_to_verify": assignments_to_verify(user=request.user),
            "opinion_to_assign": (
                events_to_assign(user=request.user) if request.user.is_city_wide else None
            ),
            "opinion_notices": unread_notices(user=request.user)[:50],
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
