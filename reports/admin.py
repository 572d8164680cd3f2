from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "requester", "scope_unit", "format", "status", "progress", "total"]
    list_filter = ["status", "format"]
    search_fields = ["requester__nrp", "requester__name", "scope_unit__code"]
    raw_id_fields = ["requester", "requester_unit", "scope_unit"]
    readonly_fields = ["created_at", "started_at", "finished_at"]
