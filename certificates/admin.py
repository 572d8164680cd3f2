from django.contrib import admin

from .models import BulkJob, Certificate, CertificateCounter, CompletionRule, IssuerProfile


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "recipient_name", "session_title", "status", "created_at"]
    list_filter = ["status", "issuer", "year"]
    search_fields = ["number", "code", "recipient_name", "recipient_nrp"]
    raw_id_fields = ["participant", "replaces", "bulk_job", "issued_by", "revoked_by"]
    # Changes go through the services (revoke, re-issue) so that who and why are recorded.
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin):
    list_display = ["unit", "signatory_name", "signatory_position", "city"]
    search_fields = ["unit__name", "unit__code", "signatory_name"]
    raw_id_fields = ["unit"]


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    list_display = ["session", "min_minutes", "require_quiz", "require_material_read", "auto_issue"]
    raw_id_fields = ["session", "updated_by"]


@admin.register(CertificateCounter)
class CertificateCounterAdmin(admin.ModelAdmin):
    list_display = ["issuer", "year", "last"]
    readonly_fields = ["issuer", "year", "last"]

    def has_add_permission(self, request):
        return False


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "session", "status", "progress", "total", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in BulkJob._meta.fields]
