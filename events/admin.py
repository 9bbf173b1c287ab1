from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AgendaItem,
    BridgePoint,
    CalendarFeed,
    Heartbeat,
    InvitedAgency,
    Notice,
    NoticeBatch,
    ReminderRule,
    Session,
    SessionChange,
    SessionPoint,
    SessionSeries,
)


@admin.register(BridgePoint)
class BridgePointAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "room", "capacity", "is_host", "is_active"]
    list_filter = ["is_host", "is_active", "unit__level"]
    search_fields = ["name", "room", "address", "unit__name"]
    raw_id_fields = ["unit", "default_chair"]
    filter_horizontal = ["coordinators"]
    list_select_related = ["unit"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class SessionChangeInline(admin.TabularInline):
    model = SessionChange
    extra = 0
    readonly_fields = ["kind", "actor", "details", "created_at", "noticed_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Read-mostly: schedule and change sessions through the product, which records changes."""

    list_display = ["title", "programme", "starts_at", "host_point", "status", "sequence"]
    list_filter = ["status", "programme", "starts_at"]
    search_fields = ["title", "programme__title", "host_point__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["programme", "host_point", "series", "created_by"]
    readonly_fields = ["uid", "sequence", "original_start", "status"]
    inlines = [AgendaItemInline, SessionChangeInline]
    list_select_related = ["programme", "host_point"]


@admin.register(SessionSeries)
class SessionSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "rule", "first_start"]
    search_fields = ["title", "programme__title"]
    raw_id_fields = ["programme", "created_by"]


@admin.register(SessionPoint)
class SessionPointAdmin(admin.ModelAdmin):
    list_display = ["session", "point", "chair"]
    search_fields = ["session__title", "point__name"]
    list_filter = ["point__unit__level"]
    raw_id_fields = ["session", "point", "chair"]
    list_select_related = ["session", "point", "chair"]


@admin.register(InvitedAgency)
class InvitedAgencyAdmin(admin.ModelAdmin):
    list_display = ["participation", "agency", "quota"]
    search_fields = ["agency__name", "participation__point__name"]
    raw_id_fields = ["participation", "agency"]


@admin.register(SessionChange)
class SessionChangeAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "actor", "created_at", "noticed_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["session__title", "actor__username"]
    readonly_fields = ["session", "kind", "actor", "details", "created_at", "noticed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "point", "programme", "created_at", "revoked_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["person__full_name", "point__name", "programme__title"]
    raw_id_fields = ["person", "point", "programme", "created_by"]
    readonly_fields = ["token", "created_at"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "session", "is_active"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["programme", "session"]
    search_fields = ["programme__title", "session__title"]


@admin.register(NoticeBatch)
class NoticeBatchAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "planned_for", "planned_count", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["session", "change"]
    date_hierarchy = "planned_for"


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "user", "session", "status", "problem", "attempts", "sent_at"]
    list_filter = ["status", "kind", "problem", "channel"]
    search_fields = ["person__full_name", "person__email", "user__username", "address"]
    raw_id_fields = ["session", "batch", "person", "user", "entry", "participation"]
    list_select_related = ["person", "user", "session"]
    readonly_fields = ["claim", "due_at", "sent_at", "attempts", "detail", "address"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at"]
