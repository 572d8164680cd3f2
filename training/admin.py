from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Module, Personnel, Rank, Unit


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
    list_display = ["code", "title", "is_active"]
    search_fields = ["code", "title"]
