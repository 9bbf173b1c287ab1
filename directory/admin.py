from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from . import services
from .models import (
    AdministrativeUnit,
    Agency,
    ImportRecord,
    Person,
    RoleAssignment,
    RoleChange,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "division_type", "parent", "valid_from", "valid_until"]
    list_filter = ["level", "division_type", "valid_until"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth", "created_at", "updated_at"]
    list_select_related = ["parent"]

    def save_model(
        self, request: HttpRequest, obj: AdministrativeUnit, form: object, change: bool
    ) -> None:
        services.save_unit(unit=obj)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "code", "needs_review"]
    list_filter = ["needs_review", "kind", "unit__level"]
    search_fields = ["name", "code", "unit__name"]
    raw_id_fields = ["unit", "parent"]
    list_select_related = ["unit"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "agency", "email", "phone", "is_active"]
    list_filter = ["is_active", "language", "agency__kind", "agency__unit__level"]
    search_fields = ["full_name", "email", "phone", "agency__name"]
    raw_id_fields = ["agency", "user"]
    list_select_related = ["agency"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "granted_by", "created_at"]
    list_filter = ["role", "unit__level"]
    search_fields = ["user__username", "user__email", "unit__name"]
    raw_id_fields = ["user", "unit", "granted_by"]
    list_select_related = ["user", "unit", "granted_by"]


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "file_name", "imported_by", "row_count", "created_count"]
    list_filter = ["kind", "created_at"]
    search_fields = ["file_name", "imported_by__username"]
    readonly_fields = [field.name for field in ImportRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The record of grants and revocations: read only, written by the services alone."""

    list_display = ["created_at", "action", "username", "role", "unit", "actor"]
    list_filter = ["action", "role", "created_at"]
    search_fields = ["username", "unit__name", "actor__username"]
    list_select_related = ["unit", "actor"]
    readonly_fields = [field.name for field in RoleChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    raw_id_fields = ["unit"]
    readonly_fields = ["granted_by", "created_at"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the roles and scopes a user holds."""

    inlines = [RoleAssignmentInline]
    list_filter = [*UserAdmin.list_filter, "role_assignments__role"]
