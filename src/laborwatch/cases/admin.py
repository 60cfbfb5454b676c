"""Admin for work orders (read-mostly: changes go through the services and the web pages),
API clients (tokens issued and revoked through the services, shown once), SLA policies,
referrals and leaders' instructions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.models import ApiClient, Case, Instruction, Referral, SlaPolicy
from laborwatch.cases.services.clients import (
    api_client_create,
    api_client_reissue,
    api_client_revoke,
)
from laborwatch.core.admin_audit import AuditedAdmin, ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "status",
        "channel",
        "category",
        "employer",
        "district",
        "received_at",
    )
    list_filter = ("status", "channel", "district")
    search_fields = ("number", "external_ref", "employer__name", "employer_name_as_told")
    date_hierarchy = "received_at"
    list_select_related = ("employer", "district")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("case", "to_unit", "state", "sent_at", "acknowledge_due", "reply_due")
    list_filter = ("state", "to_unit")
    search_fields = ("case__number",)
    list_select_related = ("case", "to_unit")


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ("case", "leader", "state", "issued_at", "deadline", "reported_at")
    list_filter = ("state",)
    search_fields = ("case__number",)
    list_select_related = ("case", "leader")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = (
        "channel",
        "category_prefix",
        "accept_minutes",
        "contact_minutes",
        "feedback_hours",
        "resolve_working_days",
        "yellow_at_percent",
    )


def _show_token_once(request: HttpRequest, client: ApiClient, token: str) -> None:
    messages.warning(
        request,
        _("Token for %(name)s (shown only now, copy it): %(token)s")
        % {"name": client.name, "token": token},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "token_hint", "is_active", "created_at")
    list_filter = ("is_active", "channel")
    fields = ("name", "channel", "token_hint", "is_active", "created_at")
    actions = ["issue_token", "revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A token is issued on creation; afterwards only the actions change a client.
        if obj is None:
            return ("token_hint", "is_active", "created_at")
        return self.fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            return
        client, token = api_client_create(
            actor=request.user,  # type: ignore[arg-type]
            name=obj.name,
            channel=obj.channel,
        )
        obj.pk, obj.token_hint, obj.created_at = client.pk, client.token_hint, client.created_at
        obj._state.adding = False
        _show_token_once(request, client, token)

    @admin.action(description=gettext_lazy("Issue a new token (the old one stops working)"))
    def issue_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            client, token = api_client_reissue(actor=request.user, client=client)  # type: ignore[arg-type]
            _show_token_once(request, client, token)

    @admin.action(description=gettext_lazy("Revoke the token"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            try:
                api_client_revoke(actor=request.user, client=client)  # type: ignore[arg-type]
            except ValidationError as error:
                messages.error(request, f"{client.name}: {' '.join(error.messages)}")
            else:
                messages.success(request, _("%(name)s revoked.") % {"name": client.name})
