from django.contrib import admin

from .models import Material, Programme, ReformArea


@admin.register(ReformArea)
class ReformAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "name_en"]
    search_fields = ["name", "name_en"]


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "year", "unit", "issuing_body", "status"]
    list_filter = ["status", "year", "reform_areas"]
    search_fields = ["title", "code", "issuing_body"]
    raw_id_fields = ["unit", "created_by"]
    filter_horizontal = ["reform_areas"]
    inlines = [MaterialInline]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "document_number", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["title", "document_number", "programme__title"]
    raw_id_fields = ["programme"]
