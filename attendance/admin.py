from django.contrib import admin

from .models import Certificate, Collation, Survey, SurveyQuestion, SurveyResponse


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their own pages and services, never here."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


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


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Questions are set on the survey page, which refuses changes once answers exist."""

    list_display = ["title", "session", "is_anonymous", "opens_at", "closes_at"]
    search_fields = ["title", "session__title"]
    raw_id_fields = ["session", "created_by"]
    inlines = [SurveyQuestionInline]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    """Read only: answers are given by attendees, never edited."""

    list_display = ["survey", "participation", "submitted_at"]
    list_filter = ["survey"]
    raw_id_fields = ["survey", "person", "participation"]
