"""Admin of the registry: an enterprise added or changed here goes through the registry's
services (audited, the linking index told), as one registered on the pages does."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from laborwatch.enterprises.models import Enterprise
from laborwatch.enterprises.services import EDITABLE_FIELDS, enterprise_create, enterprise_update


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("credit_code", "name", "district", "industry", "size_band", "employee_count")
    list_filter = ("district", "industry", "size_band", "status")
    search_fields = ("credit_code", "search_text")
    fields = ("credit_code", "former_names", *EDITABLE_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The credit code is the key: given once; the former names follow renames.
        return ("credit_code", "former_names") if obj is not None else ("former_names",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cases, warnings and workers refer to it; a closed one is 注销, not gone

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        actor = request.user
        if change:
            values = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = enterprise_update(actor=actor, enterprise=obj, **values)  # type: ignore[arg-type]
        else:
            data = form.cleaned_data
            saved = enterprise_create(
                actor=actor,  # type: ignore[arg-type]
                credit_code=data["credit_code"],
                **{name: data[name] for name in EDITABLE_FIELDS},
            )
        obj.pk, obj._state.adding = saved.pk, False
