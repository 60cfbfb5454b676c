"""Template context every page needs: the navigation frame."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborwatch.reports.access import may_read_reports
from laborwatch.schedule.views import RUN_LOG_ROLES


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Modules of later releases stay visible but disabled so the frame does not move.
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home"), "key": "home"},
        {"label": _("Work orders"), "url": reverse("cases:list"), "key": "cases"},
        {"label": _("Wage-arrears ledger"), "url": reverse("cases:ledger"), "key": "ledger"},
        {"label": _("Warnings"), "url": reverse("warnings:board"), "key": "warnings"},
        {"label": _("Public opinion"), "url": reverse("opinion:list"), "key": "opinion"},
        {"label": _("Reports"), "url": reverse("reports:list"), "key": "reports"},
        {"label": _("Enterprises"), "url": reverse("enterprises:list"), "key": "enterprises"},
        {"label": _("Workers"), "url": reverse("workers:list"), "key": "workers"},
    ]
    if not may_read_reports(user):
        items = [item for item in items if item["key"] != "reports"]
    if user.role in RUN_LOG_ROLES:
        items.append({"label": _("Run log"), "url": reverse("schedule:runs"), "key": "runs"})
    if user.can_read_audit_log:
        items.append({"label": _("Audit log"), "url": reverse("audit_log"), "key": "audit"})
    path = request.path
    # The longest matching prefix wins: /cases/ledger/ is the ledger, not the work orders.
    matching = [i for i in items if i["url"] and i["url"] != "/" and path.startswith(i["url"])]
    active = max(matching, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is active
    items[0]["active"] = path == "/"
    return {"nav_items": items}
