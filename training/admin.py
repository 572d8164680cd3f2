from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Material, MaterialRead, MaterialVersion, Module, Personnel, Rank, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "timezone", "is_active"]
    list_filter = ["kind", "timezone", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "name", "category", "golongan", "order"]
    list_filter = ["category", "golongan"]
    search_fields = ["abbreviation", "name", "code"]
    ordering = ["category", "order"]


@admin.register(Personnel)
class PersonnelAdmin(UserAdmin):
    list_display = ["nrp", "name", "rank", "position", "unit", "is_active"]
    list_filter = ["is_active", "groups", "rank__category", "rank", "unit__kind", "unit"]
    search_fields = ["nrp", "name", "position"]
    list_select_related = ["rank", "unit"]
    autocomplete_fields = ["unit", "rank"]
    ordering = ["name"]
    fieldsets = (
        (None, {"fields": ("nrp", "password")}),
        (_("Person"), {"fields": ("name", "rank", "position", "unit", "email")}),
        (_("Roles and access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "nrp",
                    "name",
                    "unit",
                    "rank",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "hours", "owner", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]


class MaterialVersionInline(admin.TabularInline):
    """Versions are added only through the upload services (they validate the content)."""

    model = MaterialVersion
    fk_name = "material"
    extra = 0
    can_delete = False
    fields = [
        "number",
        "original_name",
        "file_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Files are uploaded on the module pages or through the API, where they are checked."""

    list_display = ["title", "module", "kind", "position", "is_active"]
    list_filter = ["kind", "is_active", "module"]
    search_fields = ["title", "module__code", "module__title"]
    list_select_related = ["module"]
    readonly_fields = ["kind", "current_version", "created_by", "created_at", "updated_at"]
    fields = [
        "module",
        "kind",
        "title",
        "description",
        "position",
        "url",
        "link_type",
        "is_active",
        "current_version",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [MaterialVersionInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(MaterialRead)
class MaterialReadAdmin(admin.ModelAdmin):
    list_display = ["material", "person", "first_opened_at", "last_opened_at", "open_count"]
    search_fields = ["person__nrp", "person__name", "material__title"]
    list_select_related = ["material", "person"]
    readonly_fields = ["material", "person", "first_opened_at", "last_opened_at", "open_count"]

    def has_add_permission(self, request) -> bool:
        return False
