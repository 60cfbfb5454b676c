"""Health check, the audit log, and the answer to a locked sign-in (the home page is the
command dashboard's)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from laborwatch.core.audit_actions import AUDIT_ACTION_LABELS
from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.models import AuditEvent
from laborwatch.core.services import audit_export, login_lockout_record
from laborwatch.lib.paging import render_list_page
from laborwatch.lib.xlsx import xlsx_response


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer to a locked sign-in (AXES_LOCKOUT_CALLABLE): the sign-in page with a
    Chinese message saying for how long, and who can lift it; HTTP 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out_minutes": minutes},
        status=429,
    )


def login_locked_out_audited(
    sender: Any, *, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    login_lockout_record(
        username=username or "",
        ip_address=ip_address or "",
        cool_off=settings.AXES_COOLOFF_TIME,
        now=timezone.now(),
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse({"status": "error", "detail": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.can_read_audit_log:
        raise Http404
    events = AuditEvent.objects.select_related("org_unit")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label=actor)
    if request.GET.get("format") == "xlsx":
        audit_export(
            actor=request.user,
            action="audit.export",
            target_type="core.auditevent",
            rows=min(events.count(), 100_000),
            details={"action": action, "actor": actor},
        )
        return xlsx_response(
            filename="审计日志.xlsx",
            title="审计日志",
            headers=["时间", "操作人", "操作", "对象类型", "对象", "单位", "原因"],
            rows=(
                [
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_label,
                    e.action_label,
                    e.target_type_label,
                    e.target_label,
                    e.org_unit.label if e.org_unit else "",
                    e.reason,
                ]
                for e in events[:100_000]
            ),
        )
    return render_list_page(
        request,
        "core/audit_log.html",
        events,
        {
            "action": action,
            "actor": actor,
            "actions": sorted(
                ((code, str(label)) for code, label in AUDIT_ACTION_LABELS.items()),
                key=lambda choice: choice[1],
            ),
        },
    )
