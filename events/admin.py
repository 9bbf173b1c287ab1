from django.contrib import admin

from .models import BridgePoint


@admin.register(BridgePoint)
class BridgePointAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "room", "capacity", "is_host", "is_active"]
    list_filter = ["is_host", "is_active", "unit__level"]
    search_fields = ["name", "room", "address", "unit__name"]
    raw_id_fields = ["unit", "default_chair"]
    filter_horizontal = ["coordinators"]
    list_select_related = ["unit"]
