"""Marking one's own public-opinion notices read (they show in the inbox)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.opinion.services import notices_mark_read


@login_required
@require_POST
def notices_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notice read (`notice`), or all of them (`all`); only the user's own."""
    notice_ids = None
    if not request.POST.get("all"):
        notice_ids = [int(v) for v in request.POST.getlist("notice") if v.isdigit()]
    count = notices_mark_read(user=request.user, notice_ids=notice_ids)
    messages.success(request, _("%(count)d notices marked read.") % {"count": count})
    return redirect("cases:inbox")
