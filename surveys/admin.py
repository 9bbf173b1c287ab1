from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Survey, SurveyQuestion, SurveyResponse


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
