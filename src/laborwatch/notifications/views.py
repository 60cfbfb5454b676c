"""My notifications: the list (unread first), marking one or all read; the unread badge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.lib.inbox import ids_to_mark
from laborwatch.lib.paging import render_list_page
from laborwatch.notifications.models import Notice
from laborwatch.notifications.services import notices_mark_read


@login_required
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    notices = (
        Notice.objects.filter(user=request.user)
        .select_related("notification")
        .order_by(F("read_at").desc(nulls_first=True), "-notification__created_at", "-pk")
    )
    return render_list_page(request, "notifications/list.html", notices, {})


@login_required
@require_POST
def notice_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notice read (`notice`), or all of them (`all`); only the user's own."""
    count = notices_mark_read(user=request.user, notice_ids=ids_to_mark(request, "notice"))
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notifications:list")


def unread_badge(request: HttpRequest) -> dict[str, Any]:
    """Template context: the signed-in user's unread notifications, for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": Notice.objects.filter(user=user, read_at=None).count()}
