from django.contrib import admin

from laborwatch.workers.models import Worker


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    # Personal data stays masked here too; clear values only through the audited reveal page.
    list_display = ("name", "id_number_masked", "phone_masked", "employer", "district")
    list_filter = ("district",)
    search_fields = ("name",)
    exclude = ("id_number", "phone")
    readonly_fields = ("id_number_masked", "phone_masked")
    raw_id_fields = ("employer",)
