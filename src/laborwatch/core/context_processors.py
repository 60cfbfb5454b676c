"""Template context every page needs: the navigation frame."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Modules of later releases stay visible but disabled so the frame does not move.
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home"), "key": "home"},
        {"label": _("Work orders"), "url": None, "key": "cases"},
        {"label": _("Wage-arrears ledger"), "url": None, "key": "ledger"},
        {"label": _("Warnings"), "url": None, "key": "warnings"},
        {"label": _("Public opinion"), "url": None, "key": "opinion"},
        {"label": _("Reports"), "url": None, "key": "reports"},
        {"label": _("Enterprises"), "url": reverse("enterprises:list"), "key": "enterprises"},
        {"label": _("Workers"), "url": reverse("workers:list"), "key": "workers"},
    ]
    if user.can_read_audit_log:
        items.append({"label": _("Audit log"), "url": reverse("audit_log"), "key": "audit"})
    path = request.path
    for item in items:
        item["active"] = bool(item["url"]) and item["url"] != "/" and path.startswith(item["url"])
    items[0]["active"] = path == "/"
    return {"nav_items": items}
