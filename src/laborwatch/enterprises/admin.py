from django.contrib import admin

from laborwatch.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("credit_code", "name", "district", "industry", "size_band", "employee_count")
    list_filter = ("district", "industry", "size_band", "status")
    search_fields = ("credit_code", "search_text")
    readonly_fields = ("credit_code",)
