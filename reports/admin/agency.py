"""The agency registry and the 行政区划 tree."""
from django.contrib import admin

from reports.models import Agency, Profile, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
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
