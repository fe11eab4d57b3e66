"""The agency registry and the 行政区划 tree."""
from django.contrib import admin
from import_export.admin import ImportExportMixin

from reports.models import Agency, Profile, Region
from reports.resources import AgencyResource, RegionResource

from .formats import TableFormats


@admin.register(Region)
class RegionAdmin(TableFormats, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [RegionResource]
    list_display = ("name", "code", "parent")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Agency)
class AgencyAdmin(TableFormats, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region",)
    list_select_related = ("region",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "region")
    autocomplete_fields = ("agency", "region")
    list_select_related = ("user", "agency", "region")
