"""List filters of the reviewer's report list."""
from django.contrib import admin

from reports.models import Region


class RegionFilter(admin.SimpleListFilter):
    """A region and everything below it (an office covers its whole subtree)."""

    title = "行政区划"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(r.code, "　" * r.depth + r.name) for r in Region.objects.only("code", "name", "path")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        region = Region.objects.filter(code=self.value()).first()
        return queryset.in_region(region) if region else queryset.none()


class UnexplainedWarningsFilter(admin.SimpleListFilter):
    title = "警告是否已说明"
    parameter_name = "unexplained"

    def lookups(self, request, model_admin):
        return [("yes", "有未说明的警告")]

    def queryset(self, request, queryset):
        return queryset.with_unexplained_warnings() if self.value() == "yes" else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "逾期未报送或逾期报送")]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class HasErrorsFilter(admin.SimpleListFilter):
    title = "是否有错误"
    parameter_name = "has_errors"

    def lookups(self, request, model_admin):
        return [("yes", "有错误"), ("no", "无错误")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(error_count__gt=0)
        if self.value() == "no":
            return queryset.filter(error_count=0)
        return queryset
