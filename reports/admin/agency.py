"""The agency registry and the 行政区划 tree."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from import_export.admin import ImportExportMixin

from reports import roles
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

    def get_queryset(self, request):
        # 系统管理员 keep the whole registry; reviewers and leaders see their region's agencies.
        agencies = super().get_queryset(request)
        return agencies if roles.role_of(request.user) == roles.SYSTEM_ADMIN else agencies.visible_to(request.user)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "region")
    autocomplete_fields = ("agency", "region")
    list_select_related = ("user", "agency", "region")


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """系统管理员 manage accounts, but cannot make anyone (themselves included) a superuser or
    hand out permissions beyond the roles, nor touch a superuser's account."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [(name, {**options, "fields": [f for f in options["fields"] if f not in hidden]}) for name, options in fieldsets]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)
