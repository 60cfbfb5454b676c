"""Admin of workers: read-only. Workers are registered through the pages and the services
(encrypted, audited); personal data stays masked here, clear only through the audited reveal."""

from django.contrib import admin

from laborwatch.core.admin_audit import ReadOnlyAdmin
from laborwatch.workers.models import Worker


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "phone_masked", "employer", "district")
    list_filter = ("district",)
    search_fields = ("name",)
    exclude = ("id_number", "phone")
    readonly_fields = ("id_number_masked", "phone_masked")
