from django.contrib import admin

from .models import (
    Participant,
    Presenter,
    SessionInvitedUnit,
    SessionModule,
    TrainingSession,
    ViconConnection,
    ViconPoint,
    ZoomImport,
)


class PresenterInline(admin.TabularInline):
    model = Presenter
    extra = 0
    raw_id_fields = ["personnel"]


class SessionModuleInline(admin.TabularInline):
    model = SessionModule
    extra = 0


class InvitedUnitInline(admin.TabularInline):
    model = SessionInvitedUnit
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "host_unit", "start_at", "status"]
    list_filter = ["status"]
    search_fields = ["title", "host_unit__name"]
    date_hierarchy = "start_at"
    raw_id_fields = ["host_unit", "led_by", "created_by"]
    readonly_fields = ["published_at", "alpa_swept_at", "ics_sequence", "created_at", "updated_at"]
    inlines = [InvitedUnitInline, SessionModuleInline, PresenterInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """Read-mostly: attendance is recorded through the pages, API and services."""

    list_display = ["personnel", "session", "unit", "attendance_status", "attendance_source"]
    list_filter = ["attendance_status", "attendance_source"]
    search_fields = ["personnel__name", "personnel__nrp", "session__title"]
    raw_id_fields = ["session", "personnel", "unit", "recorded_by", "vicon_point"]
    list_select_related = ["personnel", "session", "unit"]


@admin.register(ViconPoint)
class ViconPointAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "zoom_display_name", "is_active"]
    search_fields = ["name", "unit__name", "zoom_display_name"]
    raw_id_fields = ["unit"]


@admin.register(ViconConnection)
class ViconConnectionAdmin(admin.ModelAdmin):
    list_display = ["vicon_point", "session", "minutes"]
    raw_id_fields = ["session", "vicon_point"]


@admin.register(ZoomImport)
class ZoomImportAdmin(admin.ModelAdmin):
    list_display = ["session", "filename", "status", "created_at", "applied_at"]
    exclude = ["content"]
    readonly_fields = ["session", "filename", "sha256", "uploaded_by", "result", "status"]
