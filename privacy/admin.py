from django.contrib import admin

from common.admin import ReadOnlyAdmin
from directory.models import PersonalDataExport

from .models import CorrectionRequest


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdmin):
    """Read only: a request is answered on its page, by an organiser in scope."""

    list_display = ["person", "field", "status", "created_at", "answered_at"]
    list_filter = ["status", "field"]
    search_fields = ["person__full_name", "person__email"]
    raw_id_fields = ["person", "requested_by", "answered_by"]


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(ReadOnlyAdmin):
    """Read only: the record of exports is written by the export views and never edited."""

    list_display = ["created_at", "actor", "kind", "file_format", "row_count", "label"]
    list_filter = ["kind", "file_format"]
    search_fields = ["actor__username", "label"]
    raw_id_fields = ["actor", "unit", "person"]
