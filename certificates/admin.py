from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Certificate, Collation


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Read only: certificates change through the programme page (correct, revoke)."""

    list_display = ["serial", "register_label", "full_name", "programme", "version", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["serial", "code", "person__full_name"]


@admin.register(Collation)
class CollationAdmin(admin.ModelAdmin):
    list_display = ["programme", "point", "status", "stage", "people", "completed", "issued"]
    list_filter = ["status"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
