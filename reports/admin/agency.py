"""The agency registry and the 行政区划 tree."""
from django.contrib import admin
from import_export.admin import ImportExportMixin

from reports import roles
from reports.models import Agency, Region
from reports.resources import AgencyResource, RegionResource

from .formats import TableFormats
from .search import AgencyNameSearch
from .site import ChineseDeletion


@admin.register(Region)
class RegionAdmin(ChineseDeletion, TableFormats, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [RegionResource]
    list_display = ("name", "code", "parent")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Agency)
class AgencyAdmin(ChineseDeletion, AgencyNameSearch, TableFormats, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "kind", "region", "predecessor")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region", "predecessor")
    list_select_related = ("region", "predecessor")

    def get_queryset(self, request):
        # 系统管理员 keep the whole registry; reviewers and leaders see their region's agencies.
        agencies = super().get_queryset(request)
        return agencies if roles.role_of(request.user) == roles.SYSTEM_ADMIN else agencies.visible_to(request.user)

