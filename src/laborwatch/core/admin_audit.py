"""The admin site writes the audit log as the app's services do.

Every model the admin may change uses `AuditedAdmin` (or sends its writes through the app's own
services, as the API clients, the users and the enterprises do); the others are read-only
there. tests/core/test_admin_audit.py walks the whole admin site to hold this.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from laborwatch.core.audit import jsonable, record_event


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services only; the admin lists and shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedDeletion(admin.ModelAdmin):
    """Each deletion, of one row or of a selection, audited by `record_deletion` in the
    deletion's transaction: by default "admin.delete" with the row as it was."""

    def record_deletion(self, request: HttpRequest, obj: Any) -> None:
        record_event(
            actor=request.user,  # type: ignore[arg-type]
            action="admin.delete",
            target=obj,
            before={
                field.name: jsonable(getattr(obj, field.attname))
                for field in obj._meta.concrete_fields
            },
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.record_deletion(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.record_deletion(request, obj)
        super().delete_queryset(request, queryset)


class AuditedAdmin(AuditedDeletion):
    """Each add, change and delete writes an audit event in the transaction of the change:
    "admin.create", "admin.change" (the fields that changed, before and after) and
    "admin.delete"."""

    # Fields whose values never go into the audit row (a secret): only that they changed.
    audit_excluded_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = form.changed_data if change else list(form.fields)
        names = [
            name for name in _plain_fields(obj, changed) if name not in self.audit_excluded_fields
        ]
        before: dict[str, Any] = {}
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            before = {name: jsonable(getattr(stored, name)) for name in names}
        super().save_model(request, obj, form, change)
        record_event(
            actor=request.user,  # type: ignore[arg-type]
            action="admin.change" if change else "admin.create",
            target=obj,
            before=before or None,
            after={
                **{name: jsonable(getattr(obj, name)) for name in names},
                **{name: "（已修改）" for name in self.audit_excluded_fields if name in changed},
            },
        )


def _plain_fields(obj: models.Model, names: list[str]) -> list[str]:
    """The names among `names` that are the model's own columns (not many-to-many)."""
    columns = {field.name for field in obj._meta.concrete_fields}
    return [name for name in names if name in columns]
